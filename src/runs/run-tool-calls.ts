// The CLI's tool calls of a run, kept in its own row (runs.tool_calls, migrations/0046): one entry
// per VM run that ended with a terminal event, in order, as the private page lists them. The
// runs repository appends an entry in the UPDATE that writes the run's step (runs-repo.ts); this
// reads the column back. Pure.
import * as z from "zod/mini";
import { RunToolCallsSchema, type RunToolCalls } from "../protocol/vm/runs";
import { readJson } from "../shared/json-text";

/** One VM run's calls, as its terminal event carried them (none: an empty list, still an entry). */
export type VmRunToolCalls = RunToolCalls & { vmRunId: string };

/** Built once: a schema per row costs CPU on the page's render. */
const ColumnSchema = z.array(z.extend(RunToolCallsSchema, { vmRunId: z.string() }));

/**
 * A run's calls, its VM runs' in order (a run retried on a new VM run has an entry per attempt
 * that ended). Null: not recorded (no VM run of it ended, or the column no longer reads, which is
 * never shown as data it is not).
 */
export function toolCallsOfRun(column: string | null): RunToolCalls | null {
  if (column === null) return null;
  const entries = readJson(ColumnSchema, column);
  if (entries === null || entries.length === 0) return null;
  return { calls: entries.flatMap((e) => e.calls), more: entries.reduce((sum, e) => sum + e.more, 0) };
}
