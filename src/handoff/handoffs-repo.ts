// The phone's /handoff codes (migrations/0031_handoffs.sql): made, used once, and whether a
// conversation is on the laptop. handoff/handoff.ts decides what a code may do; this stores rows.
import type { HandoffCodeRow, HandoffDirection } from "./handoff";
import * as z from "zod/mini";
import { readJson } from "../shared/json-text";
import type { SettingsRepo } from "../config/settings-repo";
import type { Sql } from "../shared/sql";

type HandoffRow = { conversation_id: number; direction: string; epoch: number; expires_at: number; used_at: number | null; new_name: string | null };

const directionOf = (text: string): HandoffDirection => (text === "back" || text === "new" ? text : "out");

const AwaySchema = z.record(z.string(), z.number());

/**
 * `settings`: where the conversations on the laptop are kept (`handoffs_away`, id → since when), so
 * the question every message and every batch asks ("is it on the laptop?") reads the settings
 * already in memory, not this table: the path from a message to the model stays at its rows.
 */
export function createHandoffsRepo(sql: Sql, settings: SettingsRepo) {
  const away = (): Map<number, number> => {
    const value = settings.get("handoffs_away");
    const parsed = value === null ? {} : (readJson(AwaySchema, value) ?? {});
    return new Map(Object.entries(parsed).map(([id, since]) => [Number(id), since]));
  };
  const setAway = (conversationId: number, since: number | null) => {
    const all = away();
    if (since === null) all.delete(conversationId);
    else all.set(conversationId, since);
    settings.set("handoffs_away", all.size === 0 ? null : JSON.stringify(Object.fromEntries(all)));
  };
  return {
    /** `newName`: a /handoff new code's conversation to be (its `conversationId` is 0). */
    add(digest: string, row: { conversationId: number; direction: HandoffDirection; epoch: number; createdAt: number; expiresAt: number; newName?: string }): void {
      sql`INSERT INTO handoffs (digest, conversation_id, direction, epoch, created_at, expires_at, new_name) VALUES (${digest}, ${row.conversationId}, ${row.direction}, ${row.epoch}, ${row.createdAt}, ${row.expiresAt}, ${row.newName ?? null})`;
    },
    get(digest: string): HandoffCodeRow | null {
      const row = sql<HandoffRow>`SELECT conversation_id, direction, epoch, expires_at, used_at, new_name FROM handoffs WHERE digest = ${digest}`[0];
      return row ? { conversationId: row.conversation_id, direction: directionOf(row.direction), epoch: row.epoch, expiresAt: row.expires_at, usedAt: row.used_at, newName: row.new_name } : null;
    },
    /** Marks the code used; whether it was still unused (a second download gets false). */
    use(digest: string, now: number): boolean {
      const row = sql<{ conversation_id: number; direction: string }>`SELECT conversation_id, direction FROM handoffs WHERE digest = ${digest} AND used_at IS NULL`[0];
      if (!row) return false;
      sql`UPDATE handoffs SET used_at = ${now} WHERE digest = ${digest} AND used_at IS NULL`;
      if (row.direction === "out") setAway(row.conversation_id, now);
      return true;
    },
    /** A download the VM could not serve: the code works again. */
    unuse(digest: string): void {
      const row = sql<{ conversation_id: number; direction: string; used_at: number | null }>`SELECT conversation_id, direction, used_at FROM handoffs WHERE digest = ${digest}`[0];
      sql`UPDATE handoffs SET used_at = NULL WHERE digest = ${digest}`;
      // Away since this code's download: it never left after all.
      if (row?.direction === "out" && row.used_at !== null && away().get(row.conversation_id) === row.used_at) setAway(row.conversation_id, null);
    },
    /** Since when the conversation is on the laptop (its data downloaded, not back since); null: it is here. */
    awaySince: (conversationId: number): number | null => away().get(conversationId) ?? null,
    /** The conversations on the laptop now (their messages wait: no run starts for them). */
    awayConversations: (): Set<number> => new Set(away().keys()),
    /** The conversation goes on here: every hand-off of it is over. */
    markBack(conversationId: number, now: number): void {
      sql`UPDATE handoffs SET back_at = ${now} WHERE conversation_id = ${conversationId} AND used_at IS NOT NULL AND back_at IS NULL`;
      setAway(conversationId, null);
    },
  };
}
export type HandoffsRepo = ReturnType<typeof createHandoffsRepo>;
