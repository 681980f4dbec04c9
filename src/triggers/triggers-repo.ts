// The user's HTTP triggers (/trigger add): each one's name, conversation and prompt, and when it
// last fired and how often. Its token is derived from its URL's door and kept nowhere; `door`
// false marks a trigger made before doors, whose URL no longer opens (migration 0027).
import type { Sql } from "../shared/sql";

type TriggerRow = { id: string; name: string; conversation_id: number; prompt: string; created_at: number; last_fired_at: number | null; fire_count: number; door: number };

export type Trigger = { id: string; name: string; conversationId: number; prompt: string; createdAt: number; lastFiredAt: number | null; fireCount: number; door: boolean };

function toTrigger(row: TriggerRow): Trigger {
  return { id: row.id, name: row.name, conversationId: row.conversation_id, prompt: row.prompt, createdAt: row.created_at, lastFiredAt: row.last_fired_at, fireCount: row.fire_count, door: row.door === 1 };
}

export function createTriggersRepo(sql: Sql) {
  return {
    get(id: string): Trigger | null {
      const row = sql<TriggerRow>`SELECT * FROM triggers WHERE id = ${id}`[0];
      return row ? toTrigger(row) : null;
    },
    byName(name: string): Trigger | null {
      const row = sql<TriggerRow>`SELECT * FROM triggers WHERE name = ${name}`[0];
      return row ? toTrigger(row) : null;
    },
    list(): Trigger[] {
      return sql<TriggerRow>`SELECT * FROM triggers ORDER BY name`.map(toTrigger);
    },
    /** The names of the triggers that run in conversation `conversationId`. */
    namesIn(conversationId: number): string[] {
      return sql<{ name: string }>`SELECT name FROM triggers WHERE conversation_id = ${conversationId} ORDER BY name`.map((r) => r.name);
    },
    count(): number {
      return sql<{ n: number }>`SELECT count(*) AS n FROM triggers`[0]?.n ?? 0;
    },
    add(t: { id: string; name: string; conversationId: number; prompt: string; now: number }): void {
      sql`INSERT INTO triggers (id, name, conversation_id, prompt, created_at, door) VALUES (${t.id}, ${t.name}, ${t.conversationId}, ${t.prompt}, ${t.now}, 1)`;
    },
    remove(id: string): void {
      sql`DELETE FROM triggers WHERE id = ${id}`;
    },
    fired(id: string, now: number): void {
      sql`UPDATE triggers SET last_fired_at = ${now}, fire_count = fire_count + 1 WHERE id = ${id}`;
    },
    /** When the stored firings of trigger `id` came, newest first, at most `limit` (its rate is counted from these). */
    firedSince(eventPrefix: string, since: number, limit: number): number[] {
      // The prefix is [0-9a-z-] only (triggerEventPrefix), so LIKE's wildcards cannot occur in it.
      return sql<{ at: number }>`SELECT received_at AS at FROM messages WHERE id LIKE ${`${eventPrefix}%`} AND received_at > ${since}
        ORDER BY received_at DESC LIMIT ${limit}`.map((r) => r.at);
    },
  };
}
export type TriggersRepo = ReturnType<typeof createTriggersRepo>;
