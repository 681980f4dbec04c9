// The UserDirectory's links: /link codes waiting to be redeemed, and chats joined to another user's agent.
import * as z from "zod/mini";
import { type DoorLink, ownDoorOf, sameChat, type StoredLinkCode } from "../../core/link-doors";
import type { ChatAddress } from "../../channels/channel";
import { CHANNEL_NAMES } from "../../channels/index";
import type { Sql } from "./sql";

type LinkCodeRow = { code: string; home: string; channel: string; chat: string; expires_at: number };
type LinkRow = { channel: string; chat: string; home: string; linked_at: number };

const ChannelSchema = z.enum(CHANNEL_NAMES);

const toLink = (row: LinkRow): DoorLink => ({ chat: { channel: ChannelSchema.parse(row.channel), chat: row.chat }, home: row.home });

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
    /** The home the chat `chat` was joined to, or null. */
    homeOf(chat: ChatAddress): string | null {
      return sql<{ home: string }>`SELECT home FROM links WHERE channel = ${chat.channel} AND chat = ${chat.chat}`[0]?.home ?? null;
    },
    /** The chat joined to `home`, or null. */
    linkedTo(home: string): ChatAddress | null {
      const row = sql<LinkRow>`SELECT * FROM links WHERE home = ${home}`[0];
      return row ? toLink(row).chat : null;
    },
    add(link: DoorLink, now: number): void {
      sql`INSERT INTO links (channel, chat, home, linked_at) VALUES (${link.chat.channel}, ${link.chat.chat}, ${link.home}, ${now})`;
    },
    /** Either side may /unlink: a linked chat removes its own link, wherever it landed; the home's own chat removes its home's. */
    remove(home: string, from: ChatAddress): DoorLink | null {
      const own = sql<LinkRow>`DELETE FROM links WHERE channel = ${from.channel} AND chat = ${from.chat} RETURNING *`[0];
      const row = own ?? (sameChat(from, ownDoorOf(home)) ? sql<LinkRow>`DELETE FROM links WHERE home = ${home} RETURNING *`[0] : undefined);
      return row ? toLink(row) : null;
    },
    list(): LinkEntry[] {
      return sql<LinkRow>`SELECT * FROM links ORDER BY home`.map((r) => ({ ...toLink(r), linkedAt: r.linked_at }));
    },
  };
}
export type LinksRepo = ReturnType<typeof createLinksRepo>;
