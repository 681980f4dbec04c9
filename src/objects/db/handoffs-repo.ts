// The phone's /handoff codes (migrations/0031_handoffs.sql): made, used once, and whether a
// conversation is on the laptop. core/handoff.ts decides what a code may do; this stores rows.
import type { HandoffCodeRow, HandoffDirection } from "../../core/handoff";
import type { Sql } from "./sql";

type HandoffRow = { conversation_id: number; direction: string; epoch: number; expires_at: number; used_at: number | null };

export function createHandoffsRepo(sql: Sql) {
  return {
    add(digest: string, row: { conversationId: number; direction: HandoffDirection; epoch: number; createdAt: number; expiresAt: number }): void {
      sql`INSERT INTO handoffs (digest, conversation_id, direction, epoch, created_at, expires_at) VALUES (${digest}, ${row.conversationId}, ${row.direction}, ${row.epoch}, ${row.createdAt}, ${row.expiresAt})`;
    },
    get(digest: string): HandoffCodeRow | null {
      const row = sql<HandoffRow>`SELECT conversation_id, direction, epoch, expires_at, used_at FROM handoffs WHERE digest = ${digest}`[0];
      return row ? { conversationId: row.conversation_id, direction: row.direction === "back" ? "back" : "out", epoch: row.epoch, expiresAt: row.expires_at, usedAt: row.used_at } : null;
    },
    /** Marks the code used; whether it was still unused (a second download gets false). */
    use(digest: string, now: number): boolean {
      const before = sql<{ n: number }>`SELECT count(*) AS n FROM handoffs WHERE digest = ${digest} AND used_at IS NULL`[0]?.n ?? 0;
      sql`UPDATE handoffs SET used_at = ${now} WHERE digest = ${digest} AND used_at IS NULL`;
      return before > 0;
    },
    /** A download the VM could not serve: the code works again. */
    unuse(digest: string): void {
      sql`UPDATE handoffs SET used_at = NULL WHERE digest = ${digest}`;
    },
    /** Since when the conversation is on the laptop (its data downloaded, not back since); null: it is here. */
    awaySince(conversationId: number): number | null {
      const row = sql<{ used_at: number; back_at: number | null }>`SELECT used_at, back_at FROM handoffs WHERE conversation_id = ${conversationId} AND direction = 'out' AND used_at IS NOT NULL ORDER BY used_at DESC LIMIT 1`[0];
      return row && row.back_at === null ? row.used_at : null;
    },
    /** The conversations on the laptop now (their messages wait: no run starts for them). */
    awayConversations(): Set<number> {
      const rows = sql<{ conversation_id: number }>`SELECT DISTINCT conversation_id FROM handoffs h WHERE direction = 'out' AND used_at IS NOT NULL AND back_at IS NULL
        AND used_at = (SELECT max(used_at) FROM handoffs WHERE conversation_id = h.conversation_id AND direction = 'out')`;
      return new Set(rows.map((r) => r.conversation_id));
    },
    /** Records that the user was asked about the conversation's hand-off; whether this is the first time. */
    markAsked(conversationId: number, now: number): boolean {
      const before = sql<{ n: number }>`SELECT count(*) AS n FROM handoffs WHERE conversation_id = ${conversationId} AND direction = 'out' AND used_at IS NOT NULL AND back_at IS NULL AND asked_at IS NULL`[0]?.n ?? 0;
      sql`UPDATE handoffs SET asked_at = ${now} WHERE conversation_id = ${conversationId} AND direction = 'out' AND used_at IS NOT NULL AND back_at IS NULL AND asked_at IS NULL`;
      return before > 0;
    },
    /** The conversation goes on here: every hand-off of it is over. */
    markBack(conversationId: number, now: number): void {
      sql`UPDATE handoffs SET back_at = ${now} WHERE conversation_id = ${conversationId} AND used_at IS NOT NULL AND back_at IS NULL`;
    },
  };
}
export type HandoffsRepo = ReturnType<typeof createHandoffsRepo>;
