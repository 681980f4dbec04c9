// The CLI's tool calls of each run (migrations/0015_run_page.sql, keyed by run since 0040): one row per VM run that ended
// with a terminal event, as the private page lists them. Pruned with the runs they belong to.
import { RunToolCallsSchema, type RunToolCalls } from "../protocol/vm/runs";
import type { Sql } from "../shared/sql";
import { readJson } from "../shared/json-text";

/** Built once: a schema per row costs CPU on the page's render. */
const CallsSchema = RunToolCallsSchema.shape.calls;

type Row = { run_id: string; calls: string; more: number };

export function createRunToolCallsRepo(sql: Sql) {
  return {
    /** Once per VM run (a replayed terminal event changes nothing). */
    add(r: { runId: string; vmRunId: string; toolCalls: RunToolCalls; now: number }): void {
      sql`INSERT INTO run_tool_calls (vm_run_id, run_id, calls, more, created_at)
        VALUES (${r.vmRunId}, ${r.runId}, ${JSON.stringify(r.toolCalls.calls)}, ${r.toolCalls.more}, ${r.now}) ON CONFLICT DO NOTHING`;
    },
    /**
     * The calls of these runs, their VM runs' in order (a run retried on a new VM run has a row
     * per attempt that ended). A run without a row is not in the map: its calls were not recorded.
     */
    ofRuns(runIds: readonly string[]): Map<string, RunToolCalls> {
      const wanted = new Set(runIds);
      const out = new Map<string, RunToolCalls>();
      if (wanted.size === 0) return out;
      const rows = sql<Row>`SELECT run_id, calls, more FROM run_tool_calls WHERE run_id IN (SELECT value FROM json_each(${JSON.stringify([...wanted])})) ORDER BY created_at, vm_run_id`;
      for (const row of rows) {
        const calls = readJson(CallsSchema, row.calls);
        // A row that no longer reads is shown as calls not recorded, never as data it is not.
        if (calls === null) continue;
        const seen = out.get(row.run_id);
        out.set(row.run_id, seen ? { calls: [...seen.calls, ...calls], more: seen.more + row.more } : { calls, more: row.more });
      }
      return out;
    },
    /** Deletes the rows of runs no longer kept (after runs are pruned). */
    pruneOrphans(): void {
      sql`DELETE FROM run_tool_calls WHERE run_id NOT IN (SELECT id FROM runs)`;
    },
  };
}
export type RunToolCallsRepo = ReturnType<typeof createRunToolCallsRepo>;
