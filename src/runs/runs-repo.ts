// Agent runs: one row per batch of messages, carried across its VM attempts; also the run log.
// Every change of a row is a step of runs/run-lifecycle.ts, written by `write`.
import * as z from "zod/mini";
import type { Run } from "./run-lifecycle";
import type { VmRunToolCalls } from "./run-tool-calls";
import { memo, memoBy, type Sql } from "../shared/sql";

/** Built once: a schema per row costs CPU on the webhook path. */
const RunPhaseSchema = z.enum(["waiting", "streaming", "finished"]);
const RunContextSchema = z.enum(["chat", "fresh"]);

export type { Run } from "./run-lifecycle";

type RunRow = {
  id: string;
  vm_run_id: string;
  phase: string;
  vm_attempt: number;
  transport_failures: number;
  next_attempt_at: number;
  session_id: string | null;
  fresh_retry_used: number;
  last_seq: number;
  results: number;
  cost_usd: number;
  outcome: string | null;
  created_at: number;
  updated_at: number;
  context: string;
  conversation_id: number;
  seed_transcript: number;
  fork_session: number;
};

function toRun(row: RunRow): Run {
  return {
    id: row.id,
    vmRunId: row.vm_run_id,
    phase: RunPhaseSchema.parse(row.phase),
    vmAttempt: row.vm_attempt,
    transportFailures: row.transport_failures,
    nextAttemptAt: row.next_attempt_at,
    sessionId: row.session_id,
    freshRetryUsed: row.fresh_retry_used === 1,
    lastSeq: row.last_seq,
    results: row.results,
    costUsd: row.cost_usd,
    outcome: row.outcome,
    createdAt: row.created_at,
    context: RunContextSchema.parse(row.context),
    conversationId: row.conversation_id,
    seedTranscript: row.seed_transcript === 1,
    forkSession: row.fork_session === 1,
    attempt: null,
  };
}

/** What a run's row holds of it: all but the attempt this instance has under way. */
const stored = (r: Run) => [r.vmRunId, r.phase, r.vmAttempt, r.transportFailures, r.nextAttemptAt, r.sessionId, r.freshRetryUsed, r.lastSeq, r.results, r.costUsd, r.outcome, r.context, r.seedTranscript];
const sameRow = (a: Run, b: Run) => a.id === b.id && stored(a).every((v, i) => v === stored(b)[i]);

export function createRunsRepo(sql: Sql) {
  // Remembered until the runs change, as openAll is: a stream's step reads its run several times.
  const get = memoBy(sql, (id: string): Run | null => {
    const row = sql<RunRow>`SELECT * FROM runs WHERE id = ${id}`[0];
    return row ? toRun(row) : null;
  });
  const openAll = memo(sql, (): Run[] => sql<RunRow>`SELECT * FROM runs WHERE outcome IS NULL ORDER BY created_at`.map(toRun));
  return {
    get,
    /** The oldest run that is not finished yet (several may be: openAll). */
    open: memo(sql, (): Run | null => {
      // outcome is set with phase 'finished' and only then: the partial index runs_open covers it.
      const row = sql<RunRow>`SELECT * FROM runs WHERE outcome IS NULL ORDER BY created_at LIMIT 1`[0];
      return row ? toRun(row) : null;
    }),
    /** Every run not finished yet, oldest first: at most one chat run per conversation (runs/run-slots.ts), MAX_PARALLEL_RUNS in all. */
    openAll,
    /** Whether any run of the conversation (a chat's or an event's) is live: another conversation's runs are not its. */
    liveIn: (conversationId: number): boolean => openAll().some((r) => r.conversationId === conversationId),
    /** The chat run open in a conversation (its session's), if one is. */
    openIn: memoBy(sql, (conversationId: number): Run | null => {
      const row = sql<RunRow>`SELECT * FROM runs WHERE outcome IS NULL AND conversation_id = ${conversationId} AND context = 'chat' ORDER BY created_at LIMIT 1`[0];
      return row ? toRun(row) : null;
    }),
    /** When a run last got an answer from the VM (a result; null: none kept): /status's "VM: last answered". */
    lastAnsweredAt: (): number | null => sql<{ at: number | null }>`SELECT max(updated_at) AS at FROM runs WHERE results > 0`[0]?.at ?? null,
    /** When the last finished run ended (null: none kept): the Machine's idleness counts from it. */
    lastFinishedAt: memo(sql, (): number | null => sql<{ at: number | null }>`SELECT max(updated_at) AS at FROM runs WHERE phase = 'finished'`[0]?.at ?? null),
    /**
     * Writes a run as runs/run-lifecycle.ts's stepRun left it: `prev` is the run it stepped (null:
     * a new one). Nothing is written when the row would not change (an attempt in memory only).
     * `ended`: the calls of the VM run whose terminal event this step applies, added to the row's
     * `tool_calls` in the same UPDATE (no row of their own), once per VM run.
     */
    write(prev: Run | null, next: Run, now: number, ended?: VmRunToolCalls): void {
      if (prev === null) {
        // fork_session is set here once: a run never changes whose session it works in. live_seq_floor:
        // every live event of the run is numbered past the newest one now, so the live pages look a
        // repeated source up from there (web/live-events-repo.ts); read here, it costs no statement.
        sql`INSERT INTO runs (id, vm_run_id, phase, next_attempt_at, session_id, context, conversation_id, fork_session, created_at, updated_at, live_seq_floor)
          VALUES (${next.id}, ${next.vmRunId}, ${next.phase}, ${next.nextAttemptAt}, ${next.sessionId}, ${next.context}, ${next.conversationId}, ${next.forkSession ? 1 : 0}, ${next.createdAt}, ${now},
            (SELECT coalesce(max(seq), 0) FROM live_events))`;
        return;
      }
      if (sameRow(prev, next) && !ended) return;
      const entry = ended ? JSON.stringify({ vmRunId: ended.vmRunId, calls: ended.calls, more: ended.more }) : null;
      const vmRunId = ended?.vmRunId ?? null;
      // tool_calls: `ended` goes at the end of the list unless its VM run has an entry already (a
      // replayed terminal event adds nothing); a value that no longer reads is left as it is (the
      // page shows it as not recorded), never the cause of a failed step.
      // A statement that sets `outcome` rewrites the open-runs index entry (runs_open's WHERE reads
      // it), one more row written: the steps of a stream, which leave it as it was, do not name it.
      if (prev.outcome === next.outcome) {
        sql`UPDATE runs SET vm_run_id = ${next.vmRunId}, phase = ${next.phase}, vm_attempt = ${next.vmAttempt}, transport_failures = ${next.transportFailures},
            next_attempt_at = ${next.nextAttemptAt}, session_id = ${next.sessionId}, fresh_retry_used = ${next.freshRetryUsed ? 1 : 0}, last_seq = ${next.lastSeq},
            results = ${next.results}, cost_usd = ${next.costUsd}, context = ${next.context}, seed_transcript = ${next.seedTranscript ? 1 : 0},
            updated_at = ${now}, tool_calls = CASE WHEN ${entry} IS NULL OR (tool_calls IS NOT NULL AND NOT json_valid(tool_calls)) THEN tool_calls
            WHEN tool_calls IS NULL THEN json_array(json(${entry})) WHEN json_type(tool_calls) <> 'array' OR ${vmRunId} IN (SELECT value ->> '$.vmRunId' FROM json_each(tool_calls) WHERE type = 'object') THEN tool_calls
            ELSE json_insert(tool_calls, '$[#]', json(${entry})) END
          WHERE id = ${next.id}`;
        return;
      }
      sql`UPDATE runs SET vm_run_id = ${next.vmRunId}, phase = ${next.phase}, vm_attempt = ${next.vmAttempt}, transport_failures = ${next.transportFailures},
          next_attempt_at = ${next.nextAttemptAt}, session_id = ${next.sessionId}, fresh_retry_used = ${next.freshRetryUsed ? 1 : 0}, last_seq = ${next.lastSeq},
          results = ${next.results}, cost_usd = ${next.costUsd}, outcome = ${next.outcome}, context = ${next.context}, seed_transcript = ${next.seedTranscript ? 1 : 0},
          updated_at = ${now}, tool_calls = CASE WHEN ${entry} IS NULL OR (tool_calls IS NOT NULL AND NOT json_valid(tool_calls)) THEN tool_calls
            WHEN tool_calls IS NULL THEN json_array(json(${entry})) WHEN json_type(tool_calls) <> 'array' OR ${vmRunId} IN (SELECT value ->> '$.vmRunId' FROM json_each(tool_calls) WHERE type = 'object') THEN tool_calls
            ELSE json_insert(tool_calls, '$[#]', json(${entry})) END
        WHERE id = ${next.id}`;
    },
    pruneFinished(before: number): void {
      sql`DELETE FROM runs WHERE phase = 'finished' AND updated_at < ${before}`;
    },
  };
}
export type RunsRepo = ReturnType<typeof createRunsRepo>;
