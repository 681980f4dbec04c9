// The private page's live events (migrations/0034_live_events.sql, 0040): what of each run a page shows as
// it happens, numbered by `seq`, one row per flush since 0041. The only writer of the table; web/web-live.ts says what an event is.
import * as z from "zod/mini";
import { type LiveBody, LiveBodySchema, type LiveEvent } from "./web-live";
import { readJson } from "../shared/json-text";
import type { Sql } from "../shared/sql";

/** The newest events kept per object: far more than a run's page shows (it links to the run's own page). */
const KEPT = 5_000;

type Row = { seq: number; run_id: string; at: number; body: string };

/** A row's body: the one event it was written with before 0041, or the events of one flush. */
const RowBodySchema = z.union([LiveBodySchema, z.array(LiveBodySchema)]);

export function createLiveEventsRepo(sql: Sql) {
  /** A row's events, numbered up to the row's own number (its last event's). */
  const toEvents = (row: Row): LiveEvent[] => {
    const parsed = readJson(RowBodySchema, row.body);
    // A row that no longer reads is left out, never shown as what it is not.
    if (!parsed) return [];
    const bodies = Array.isArray(parsed) ? parsed : [parsed];
    return bodies.map((body, i) => ({ ...body, seq: row.seq - bodies.length + 1 + i, runId: row.run_id, at: row.at }));
  };
  /** The events of `rows` after `since`, at most `limit`: each row read ends past `since`, so `limit` rows hold enough. */
  const eventsOf = (rows: Row[], since: number, limit: number): LiveEvent[] =>
    rows
      .flatMap(toEvents)
      .filter((e) => e.seq > since)
      .slice(0, limit);
  return {
    /**
     * Stores the events of one flush (a step of a run's stream) as one row, and returns them numbered;
     * none: the flush of `source` was stored before. `source` is for what nothing else keeps from
     * being stored twice (a run's start, a progress line: the run's stored seq does not move).
     */
    add(e: { conversationId: number; runId: string; at: number; bodies: readonly LiveBody[]; source: string | null }): LiveEvent[] {
      if (e.bodies.length === 0) return [];
      // A source is one run's (`<run>:start`, `<its vm run>:<seq>:0`), and every event of a run is
      // numbered past its row's live_seq_floor (the newest number when the row was inserted): only
      // those are read, by the rowid. No floor (a run open across 0045, or no row): every kept event.
      // No index on source: its entry was one more row written for each event that has one.
      const seen =
        e.source !== null &&
        sql`SELECT 1 FROM live_events WHERE seq > coalesce((SELECT live_seq_floor FROM runs WHERE id = ${e.runId}), 0) AND source = ${e.source} LIMIT 1`.length > 0;
      if (seen) return [];
      const body = JSON.stringify(e.bodies.length === 1 ? e.bodies[0] : e.bodies);
      // Numbered past every event stored (the prune keeps the newest, so numbers only grow), one number an event.
      const row = sql<Row>`INSERT INTO live_events (seq, conversation_id, run_id, at, body, source)
        VALUES (coalesce((SELECT max(seq) FROM live_events), 0) + ${e.bodies.length}, ${e.conversationId}, ${e.runId}, ${e.at}, ${body}, ${e.source})
        RETURNING seq, run_id, at, body`[0]!;
      return toEvents(row);
    },
    /** The events after `since` of one conversation (null: every conversation), oldest first, at most `limit`. */
    after(conversationId: number | null, since: number, limit: number): LiveEvent[] {
      const rows =
        conversationId === null
          ? sql<Row>`SELECT seq, run_id, at, body FROM live_events WHERE seq > ${since} ORDER BY seq LIMIT ${limit}`
          : sql<Row>`SELECT seq, run_id, at, body FROM live_events WHERE conversation_id = ${conversationId} AND seq > ${since} ORDER BY seq LIMIT ${limit}`;
      return eventsOf(rows, since, limit);
    },
    /** One run's events, oldest first, at most `limit`: what a page opened during the run shows of it so far. */
    ofRun(runId: string, limit: number): LiveEvent[] {
      return eventsOf(sql<Row>`SELECT seq, run_id, at, body FROM live_events WHERE run_id = ${runId} ORDER BY seq LIMIT ${limit}`, 0, limit);
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
