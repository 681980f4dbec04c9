// The private page's live events (migrations/0034_live_events.sql, 0040): what of each run a page shows as
// it happens, numbered by `seq`. The only writer of the table; web/web-live.ts says what an event is.
import { type LiveBody, LiveBodySchema, type LiveEvent } from "./web-live";
import { readJson } from "../shared/json-text";
import type { Sql } from "../shared/sql";

/** The newest events kept per object: far more than a run's page shows (it links to the run's own page). */
const KEPT = 5_000;

type Row = { seq: number; run_id: string; at: number; body: string };

export function createLiveEventsRepo(sql: Sql) {
  const toEvent = (row: Row): LiveEvent | null => {
    const body = readJson(LiveBodySchema, row.body);
    // A row that no longer reads is left out, never shown as what it is not.
    return body ? { ...body, seq: row.seq, runId: row.run_id, at: row.at } : null;
  };
  return {
    /** Stores one event and returns it with its number; null: the event of `source` was stored before. */
    add(e: { conversationId: number; runId: string; at: number; body: LiveBody; source: string | null }): LiveEvent | null {
      // Looked up first (by its unique index): a repeat is the common case on a stream read again, and costs no write.
      if (e.source !== null && sql`SELECT 1 FROM live_events WHERE source = ${e.source}`.length > 0) return null;
      const row = sql<{ seq: number }>`INSERT INTO live_events (conversation_id, run_id, at, body, source)
        VALUES (${e.conversationId}, ${e.runId}, ${e.at}, ${JSON.stringify(e.body)}, ${e.source}) ON CONFLICT (source) DO NOTHING RETURNING seq`[0];
      return row ? { ...e.body, seq: row.seq, runId: e.runId, at: e.at } : null;
    },
    /** The events after `since` of one conversation (null: every conversation), oldest first, at most `limit`. */
    after(conversationId: number | null, since: number, limit: number): LiveEvent[] {
      const rows =
        conversationId === null
          ? sql<Row>`SELECT seq, run_id, at, body FROM live_events WHERE seq > ${since} ORDER BY seq LIMIT ${limit}`
          : sql<Row>`SELECT seq, run_id, at, body FROM live_events WHERE conversation_id = ${conversationId} AND seq > ${since} ORDER BY seq LIMIT ${limit}`;
      return rows.flatMap((r) => toEvent(r) ?? []);
    },
    /** One run's events, oldest first, at most `limit`: what a page opened during the run shows of it so far. */
    ofRun(runId: string, limit: number): LiveEvent[] {
      return sql<Row>`SELECT seq, run_id, at, body FROM live_events WHERE run_id = ${runId} ORDER BY seq LIMIT ${limit}`.flatMap((r) => toEvent(r) ?? []);
    },
    /** The number of the newest event (0: none yet): a page rendered now has everything up to it. */
    lastSeq(): number {
      return sql<{ seq: number | null }>`SELECT max(seq) AS seq FROM live_events`[0]?.seq ?? 0;
    },
    /** Keeps the newest KEPT events (after each run that ended). */
    prune(): void {
      sql`DELETE FROM live_events WHERE seq <= (SELECT max(seq) FROM live_events) - ${KEPT}`;
    },
  };
}
export type LiveEventsRepo = ReturnType<typeof createLiveEventsRepo>;
