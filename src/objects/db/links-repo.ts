// The UserDirectory's links: /link codes waiting to be redeemed, and Telegram users joined to a phone's agent.
import * as z from "zod/mini";
import type { DoorLink, StoredLinkCode } from "../../core/link-doors";
import type { ChatAddress } from "../../channels/channel";
import type { Sql } from "./sql";

type LinkCodeRow = { code: string; home: string; channel: string; chat: string; expires_at: number };
type LinkRow = { telegram_user: string; home: string; linked_at: number };

const ChannelSchema = z.enum(["whatsapp", "telegram"]);

function toCode(row: LinkCodeRow): StoredLinkCode {
  return { code: row.code, home: row.home, issuedBy: { channel: ChannelSchema.parse(row.channel), chat: row.chat }, expiresAt: row.expires_at };
}

export type LinkEntry = DoorLink & { linkedAt: number };

export function createLinksRepo(sql: Sql) {
  return {
    code(code: string): StoredLinkCode | null {
      const row = sql<LinkCodeRow>`SELECT * FROM link_codes WHERE code = ${code}`[0];
      return row ? toCode(row) : null;
    },
    /** A new code for `c.issuedBy`: its earlier codes, and every expired one, go. False when the code is taken (draw again). */
    addCode(c: StoredLinkCode, now: number): boolean {
      sql`DELETE FROM link_codes WHERE expires_at <= ${now} OR (channel = ${c.issuedBy.channel} AND chat = ${c.issuedBy.chat})`;
      return (
        sql`INSERT INTO link_codes (code, home, channel, chat, expires_at) VALUES (${c.code}, ${c.home}, ${c.issuedBy.channel}, ${c.issuedBy.chat}, ${c.expiresAt})
          ON CONFLICT (code) DO NOTHING RETURNING code`.length === 1
      );
    },
    deleteCode(code: string): void {
      sql`DELETE FROM link_codes WHERE code = ${code}`;
    },
    homeOfTelegram(userId: string): string | null {
      return sql<{ home: string }>`SELECT home FROM links WHERE telegram_user = ${userId}`[0]?.home ?? null;
    },
    telegramOfHome(home: string): string | null {
      return sql<{ telegram_user: string }>`SELECT telegram_user FROM links WHERE home = ${home}`[0]?.telegram_user ?? null;
    },
    add(link: DoorLink, now: number): void {
      sql`INSERT INTO links (telegram_user, home, linked_at) VALUES (${link.telegramUser}, ${link.home}, ${now})`;
    },
    /** Either side may /unlink: a Telegram chat removes its own link, a WhatsApp chat its home's. */
    remove(home: string, from: ChatAddress): DoorLink | null {
      const rows =
        from.channel === "telegram" ? sql<LinkRow>`DELETE FROM links WHERE telegram_user = ${from.chat} RETURNING *` : sql<LinkRow>`DELETE FROM links WHERE home = ${home} RETURNING *`;
      const row = rows[0];
      return row ? { telegramUser: row.telegram_user, home: row.home } : null;
    },
    list(): LinkEntry[] {
      return sql<LinkRow>`SELECT * FROM links ORDER BY home`.map((r) => ({ telegramUser: r.telegram_user, home: r.home, linkedAt: r.linked_at }));
    },
  };
}
export type LinksRepo = ReturnType<typeof createLinksRepo>;
