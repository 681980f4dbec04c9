// The directory's short page links (migrations/directory/0009_web_links.sql): a token's HMAC → the
// link it opens. web/web-token.ts decides what a row opens; this only stores and reads rows.
import type { StoredWebLink } from "./web-token";
import type { Sql } from "../shared/sql";

type WebLinkRow = { object: string; scope: string; conversation_id: number; epoch: number; expires_at: number; issued_at: number | null };

const toStored = (row: WebLinkRow): StoredWebLink | null =>
  row.scope === "c" || row.scope === "a" || row.scope === "d" ? { object: row.object, scope: row.scope, conversationId: row.conversation_id, epoch: row.epoch, expiresAt: row.expires_at, issuedAt: row.issued_at } : null;

export function createWebLinksRepo(sql: Sql) {
  return {
    /** Stores a new link, sent at `now`, and drops the expired ones (links are short-lived: the table stays small). */
    add(digest: string, link: StoredWebLink, now: number): void {
      sql`DELETE FROM web_links WHERE expires_at <= ${now}`;
      sql`INSERT INTO web_links (digest, object, scope, conversation_id, epoch, expires_at, issued_at) VALUES (${digest}, ${link.object}, ${link.scope}, ${link.conversationId}, ${link.epoch}, ${link.expiresAt}, ${now})`;
    },
    get(digest: string): StoredWebLink | null {
      const row = sql<WebLinkRow>`SELECT object, scope, conversation_id, epoch, expires_at, issued_at FROM web_links WHERE digest = ${digest}`[0];
      return row ? toStored(row) : null;
    },
  };
}
export type WebLinksRepo = ReturnType<typeof createWebLinksRepo>;
