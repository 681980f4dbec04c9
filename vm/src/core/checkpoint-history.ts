// A workspace's checkpoint history: which commits hold its files before and after each run, which
// runs are undone, and what /redo can put back. Pure: the shell (checkpoints.ts) records commits
// with git and stores this as JSON; every decision about undo, redo and pruning is made here.
import * as z from "zod";

const CommitSchema = z.string().regex(/^[0-9a-f]{40,64}$/);

export const CheckpointRunSchema = z.object({
  runId: z.string().regex(/^[A-Za-z0-9_-]{1,80}$/),
  at: z.number(),
  /** The workspace's files when the run started. */
  before: CommitSchema,
  /** Its files when the run ended; null while it is live (or when the VM stopped before the end was recorded). */
  after: CommitSchema.nullable(),
  /** The run changed files: `before` and `after` hold different trees. */
  changed: z.boolean(),
  /** Taken back by /undo (and not put back by /redo). */
  undone: z.boolean(),
});
export type CheckpointRun = z.infer<typeof CheckpointRunSchema>;

/** One /undo that /redo can take back: `restore` holds the files as they were just before the undo. */
export const RedoEntrySchema = z.object({ runId: CheckpointRunSchema.shape.runId, restore: CommitSchema });
export type RedoEntry = z.infer<typeof RedoEntrySchema>;

export const CheckpointHistorySchema = z.object({
  version: z.literal(1),
  runs: z.array(CheckpointRunSchema),
  /** The last entry is the next /redo. */
  redo: z.array(RedoEntrySchema),
});
export type CheckpointHistory = z.infer<typeof CheckpointHistorySchema>;

/** Runs kept per workspace; older ones (and their commits) are pruned. */
export const KEPT_RUNS = 50;

export const emptyHistory = (): CheckpointHistory => ({ version: 1, runs: [], redo: [] });

/** A run started with its files in `before`. A second start of the same run keeps the first. */
export function runStarted(history: CheckpointHistory, runId: string, before: string, at: number): CheckpointHistory {
  if (history.runs.some((run) => run.runId === runId)) return history;
  return { ...history, runs: [...history.runs, { runId, at, before, after: null, changed: false, undone: false }] };
}

/** A run ended with its files in `after`. One that changed files clears what /redo could restore; one that changed nothing leaves it. */
export function runEnded(history: CheckpointHistory, runId: string, after: string, changed: boolean): CheckpointHistory {
  if (!history.runs.some((run) => run.runId === runId)) return history;
  return {
    ...history,
    runs: history.runs.map((run) => (run.runId === runId ? { ...run, after, changed } : run)),
    redo: changed ? [] : history.redo,
  };
}

/** The run /undo takes back: the last one that changed files and is not undone yet. */
export function undoTarget(history: CheckpointHistory): CheckpointRun | null {
  return history.runs.findLast((run) => run.changed && !run.undone && run.after !== null) ?? null;
}

/** /undo of `runId` done; `restore` holds the files as they were just before it. */
export function runUndone(history: CheckpointHistory, runId: string, restore: string): CheckpointHistory {
  return {
    ...history,
    runs: history.runs.map((run) => (run.runId === runId ? { ...run, undone: true } : run)),
    redo: [...history.redo, { runId, restore }],
  };
}

/** What /redo puts back: the last /undo's state before it, and the run it had taken back. */
export const redoTarget = (history: CheckpointHistory): RedoEntry | null => history.redo.at(-1) ?? null;

export function runRedone(history: CheckpointHistory): CheckpointHistory {
  const last = history.redo.at(-1);
  if (!last) return history;
  return {
    ...history,
    runs: history.runs.map((run) => (run.runId === last.runId ? { ...run, undone: false } : run)),
    redo: history.redo.slice(0, -1),
  };
}

/** Keeps the last `keep` runs; redo entries of dropped runs go with them. */
export function pruned(history: CheckpointHistory, keep: number = KEPT_RUNS): CheckpointHistory {
  if (history.runs.length <= keep) return history;
  const runs = history.runs.slice(-keep);
  const kept = new Set(runs.map((run) => run.runId));
  return { ...history, runs, redo: history.redo.filter((entry) => kept.has(entry.runId)) };
}

/** Every commit the history still names: the shell keeps a ref to each and lets git prune the rest. */
export function liveCommits(history: CheckpointHistory): Set<string> {
  const commits = new Set<string>();
  for (const run of history.runs) {
    commits.add(run.before);
    if (run.after) commits.add(run.after);
  }
  for (const entry of history.redo) commits.add(entry.restore);
  return commits;
}
