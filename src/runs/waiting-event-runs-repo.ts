// Event runs waiting for their conversation's clone (migration 0024): added when the event comes,
// taken, oldest first, once that conversation is no longer cloning.
import * as z from "zod/mini";
import { CHANNEL_NAMES } from "../channels";
import type { EventRun } from "./event-run";
import { memo, type Sql } from "../shared/sql";

type WaitingRow = {
  event_id: string;
  conversation: string;
  prompt: string;
  origin: string;
  label: string | null;
  repo: string | null;
  received_at: number;
  public_origin: string;
  channel: string | null;
  chat: string | null;
  created_at: number;
};

const ChannelSchema = z.nullable(z.enum(CHANNEL_NAMES));

function toRun(row: WaitingRow): EventRun {
  const channel = ChannelSchema.parse(row.channel);
  return {
    eventId: row.event_id,
    conversation: row.conversation,
    prompt: row.prompt,
    origin: row.origin,
    // A run that waited from before labels were kept: named by its origin, and never trusted.
    label: row.label ?? row.origin,
    repo: row.repo,
    receivedAt: row.received_at,
    publicOrigin: row.public_origin,
    ...(channel === null ? {} : { source: { channel, chat: row.chat } }),
  };
}

export function createWaitingEventRunsRepo(sql: Sql) {
  return {
    /** Keeps `run` until its conversation's clone is over; false when that event waits already. */
    add(run: EventRun, now: number): boolean {
      return (
        sql`INSERT INTO waiting_event_runs (event_id, conversation, prompt, origin, label, repo, received_at, public_origin, channel, chat, created_at)
          VALUES (${run.eventId}, ${run.conversation}, ${run.prompt}, ${run.origin}, ${run.label ?? null}, ${run.repo ?? null}, ${run.receivedAt}, ${run.publicOrigin}, ${run.source?.channel ?? null}, ${run.source?.chat ?? null}, ${now})
          ON CONFLICT (event_id) DO NOTHING RETURNING event_id`.length === 1
      );
    },
    /** The runs whose conversation is no longer cloning (ready, or gone), in the order they came. */
    ready(): EventRun[] {
      return sql<WaitingRow>`SELECT w.* FROM waiting_event_runs w
        WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.name = w.conversation AND c.status = 'cloning')
        ORDER BY w.created_at, w.rowid`.map(toRun);
    },
    /** When the first of those came; null when every waiting run still waits (or none does). Read on every replan. */
    firstReadyAt: memo(sql, (): number | null =>
      sql<{ at: number | null }>`SELECT min(w.created_at) AS at FROM waiting_event_runs w
        WHERE NOT EXISTS (SELECT 1 FROM conversations c WHERE c.name = w.conversation AND c.status = 'cloning')`[0]?.at ?? null,
    ),
    remove(eventId: string): void {
      sql`DELETE FROM waiting_event_runs WHERE event_id = ${eventId}`;
    },
  };
}
export type WaitingEventRunsRepo = ReturnType<typeof createWaitingEventRunsRepo>;
