// The UserDirectory's links: /link codes waiting to be redeemed, redeemed codes waiting for both
// chats' yes (link_requests), and chats joined to another user's agent.
import * as z from "zod/mini";
import { type DoorLink, type LinkRequest, ownDoorOf, sameChat, type StoredLinkCode } from "./link-doors";
import type { ChatAddress } from "../channels/channel";
import { CHANNEL_NAMES } from "../channels/index";
import type { Sql } from "../shared/sql";

type LinkCodeRow = { code: string; home: string; channel: string; chat: string; expires_at: number };
type LinkRow = { channel: string; chat: string; home: string; linked_at: number };
type LinkRequestRow = {
  code: string;
  issuer_channel: string;
  issuer_chat: string;
  issuer_home: string;
  issuer_ok: number;
  redeemer_channel: string;
  redeemer_chat: string;
  redeemer_home: string;
  redeemer_ok: number;
  link_channel: string;
  link_chat: string;
  link_home: string;
  expires_at: number;
};

const ChannelSchema = z.enum(CHANNEL_NAMES);

const toLink = (row: LinkRow): DoorLink => ({ chat: { channel: ChannelSchema.parse(row.channel), chat: row.chat }, home: row.home });

function toCode(row: LinkCodeRow): StoredLinkCode {
  return { code: row.code, home: row.home, issuedBy: { channel: ChannelSchema.parse(row.channel), chat: row.chat }, expiresAt: row.expires_at };
}

function toRequest(r: LinkRequestRow): LinkRequest {
  const chat = (channel: string, chat: string): ChatAddress => ({ channel: ChannelSchema.parse(channel), chat });
  return {
    code: r.code,
    issuer: { chat: chat(r.issuer_channel, r.issuer_chat), home: r.issuer_home },
    redeemer: { chat: chat(r.redeemer_channel, r.redeemer_chat), home: r.redeemer_home },
    link: { chat: chat(r.link_channel, r.link_chat), home: r.link_home },
    confirmed: { issuer: r.issuer_ok === 1, redeemer: r.redeemer_ok === 1 },
    expiresAt: r.expires_at,
  };
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
    /** The request the chat `chat` is part of (on either side), or null. */
    requestOf(chat: ChatAddress): LinkRequest | null {
      const row = sql<LinkRequestRow>`SELECT * FROM link_requests WHERE (issuer_channel = ${chat.channel} AND issuer_chat = ${chat.chat})
        OR (redeemer_channel = ${chat.channel} AND redeemer_chat = ${chat.chat}) ORDER BY expires_at DESC LIMIT 1`[0];
      return row ? toRequest(row) : null;
    },
    /** Opens `r`; any older request of either chat, and every expired one, goes (one request per chat). */
    openRequest(r: LinkRequest, now: number): void {
      for (const chat of [r.issuer.chat, r.redeemer.chat]) {
        sql`DELETE FROM link_requests WHERE (issuer_channel = ${chat.channel} AND issuer_chat = ${chat.chat}) OR (redeemer_channel = ${chat.channel} AND redeemer_chat = ${chat.chat})`;
      }
      sql`DELETE FROM link_requests WHERE expires_at <= ${now}`;
      sql`INSERT INTO link_requests (code, issuer_channel, issuer_chat, issuer_home, issuer_ok, redeemer_channel, redeemer_chat, redeemer_home, redeemer_ok, link_channel, link_chat, link_home, expires_at)
        VALUES (${r.code}, ${r.issuer.chat.channel}, ${r.issuer.chat.chat}, ${r.issuer.home}, ${r.confirmed.issuer ? 1 : 0}, ${r.redeemer.chat.channel}, ${r.redeemer.chat.chat}, ${r.redeemer.home}, ${r.confirmed.redeemer ? 1 : 0},
          ${r.link.chat.channel}, ${r.link.chat.chat}, ${r.link.home}, ${r.expiresAt})`;
    },
    confirmRequest(r: LinkRequest): void {
      sql`UPDATE link_requests SET issuer_ok = ${r.confirmed.issuer ? 1 : 0}, redeemer_ok = ${r.confirmed.redeemer ? 1 : 0} WHERE code = ${r.code}`;
    },
    deleteRequest(code: string): void {
      sql`DELETE FROM link_requests WHERE code = ${code}`;
    },
    list(): LinkEntry[] {
      return sql<LinkRow>`SELECT * FROM links ORDER BY home`.map((r) => ({ ...toLink(r), linkedAt: r.linked_at }));
    },
  };
}
export type LinksRepo = ReturnType<typeof createLinksRepo>;
