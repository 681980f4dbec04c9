// Agent runs: one row per batch of messages, carried across its VM attempts; also the run log.
import * as z from "zod/mini";
import { memo, type Sql } from "./sql";

/** Built once: a schema per row costs CPU on the webhook path. */
const RunPhaseSchema = z.enum(["waiting", "streaming", "finished"]);
const RunContextSchema = z.enum(["chat", "fresh"]);

type RunPhase = "waiting" | "streaming" | "finished";

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
};

export type Run = {
  id: string;
  vmRunId: string;
  phase: RunPhase;
  vmAttempt: number;
  transportFailures: number;
  nextAttemptAt: number;
  sessionId: string | null;
  freshRetryUsed: boolean;
  lastSeq: number;
  results: number;
  costUsd: number;
  outcome: string | null;
  createdAt: number;
  /** "fresh": a task in its own session, which never touches the user's conversation. */
  context: "chat" | "fresh";
  conversationId: number;
  /** Its session was lost: the fresh one starts with the conversation's last exchanges. */
  seedTranscript: boolean;
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
  };
}

export function createRunsRepo(sql: Sql) {
  const get = (id: string): Run | null => {
    const row = sql<RunRow>`SELECT * FROM runs WHERE id = ${id}`[0];
    return row ? toRun(row) : null;
  };
  return {
    get,
    /** The run that is not finished yet; there is at most one per phone. Asked on every step. */
    open: memo(sql, (): Run | null => {
      // outcome is set with phase 'finished' and only then: the partial index runs_open covers it.
      const row = sql<RunRow>`SELECT * FROM runs WHERE outcome IS NULL ORDER BY created_at LIMIT 1`[0];
      return row ? toRun(row) : null;
    }),
    /** When the last finished run ended (null: none kept): the Machine's idleness counts from it. */
    lastFinishedAt: memo(sql, (): number | null => sql<{ at: number | null }>`SELECT max(updated_at) AS at FROM runs WHERE phase = 'finished'`[0]?.at ?? null),
    create(r: { id: string; sessionId: string | null; context: "chat" | "fresh"; conversationId: number; now: number }): Run {
      sql`INSERT INTO runs (id, vm_run_id, phase, next_attempt_at, session_id, context, conversation_id, created_at, updated_at)
        VALUES (${r.id}, ${`${r.id}-1`}, 'waiting', ${r.now}, ${r.sessionId}, ${r.context}, ${r.conversationId}, ${r.now}, ${r.now})`;
      return get(r.id) as Run;
    },
    /** The run's session stops being the user's conversation (after /new). */
    detachFromConversation(id: string, now: number): void {
      sql`UPDATE runs SET context = 'fresh', updated_at = ${now} WHERE id = ${id}`;
    },
    /**
     * Records that event `seq` was applied, in one write with what it changes on the run: the
     * stream is live (its first event says so), and a result's cost. False when it was applied
     * before (a replay).
     */
    advanceSeq(id: string, vmRunId: string, seq: number, now: number, result?: { costUsd: number }): boolean {
      const results = result ? 1 : 0;
      const cost = result?.costUsd ?? 0;
      const rows = sql`UPDATE runs SET last_seq = ${seq}, phase = 'streaming', transport_failures = 0, results = results + ${results},
          cost_usd = cost_usd + ${cost}, updated_at = ${now}
        WHERE id = ${id} AND vm_run_id = ${vmRunId} AND last_seq < ${seq} AND phase != 'finished' RETURNING id`;
      return rows.length === 1;
    },
    /** A transport failure: try the same VM run again at `at` (the VM dedupes by its id). */
    retryTransport(id: string, at: number, now: number): void {
      sql`UPDATE runs SET transport_failures = transport_failures + 1, next_attempt_at = ${at}, updated_at = ${now}
        WHERE id = ${id}`;
    },
    /** A failed VM run: start a new one for the same batch at `at`. */
    retryWithNewVmRun(id: string, r: { at: number; sessionId: string | null; fresh: boolean; now: number }): void {
      sql`UPDATE runs SET vm_attempt = vm_attempt + 1, vm_run_id = id || '-' || (vm_attempt + 1),
          phase = 'waiting', transport_failures = 0, last_seq = 0, next_attempt_at = ${r.at},
          session_id = ${r.sessionId}, fresh_retry_used = fresh_retry_used + ${r.fresh ? 1 : 0},
          seed_transcript = max(seed_transcript, ${r.fresh ? 1 : 0}), updated_at = ${r.now}
        WHERE id = ${id}`;
    },
    /** Ends the run (with the seq of the event that ended it, if any); what it amounted to, for its log line. */
    finish(id: string, outcome: string, now: number, lastSeq = 0): { results: number; costUsd: number; startedAt: number } | null {
      const row = sql<{ results: number; cost_usd: number; created_at: number }>`UPDATE runs SET phase = 'finished', outcome = ${outcome},
          last_seq = max(last_seq, ${lastSeq}), updated_at = ${now}
        WHERE id = ${id} RETURNING results, cost_usd, created_at`[0];
      return row ? { results: row.results, costUsd: row.cost_usd, startedAt: row.created_at } : null;
    },
    pruneFinished(before: number): void {
      sql`DELETE FROM runs WHERE phase = 'finished' AND updated_at < ${before}`;
    },
  };
}
export type RunsRepo = ReturnType<typeof createRunsRepo>;
