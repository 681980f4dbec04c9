// The VM stand-in's checkpoints (docs/protocol.md, "Checkpoints, undo and redo"): a run whose
// messages carry `[[vm:change PATH +A -D]]` (one per file; `[[vm:change PATH +A -D added]]` for a
// status other than modified) ends with that `change` on its done event, and its workspace's
// history takes it (its diff drawn as HTML by the VM's own renderer); undo and redo walk that history as the VM's do. POST /v1/render/diff answers
// a 1x1 PNG, as the real route answers a picture (the drawing itself is tested on the VM).
import type { RunChange, RunChangeFile, CheckpointRestored } from "../../src/protocol/vm/changes";
import { diffToHtml } from "../../vm/src/core/diff-html";
import { hunkHeader } from "../../vm/src/core/unified-diff";

/** The VM's list for a workspace with no ignored file and none over 1 MiB (vm/src/core/run-change.ts cannotRestoreLines): nothing. */
const CANNOT_RESTORE: string[] = [];

/** The change a run's messages ask for; null without a `[[vm:change …]]`. */
export function changeOf(text: string): RunChange | null {
  const files: RunChangeFile[] = [...text.matchAll(/\[\[vm:change (\S+) \+(\d+) -(\d+)(?: (added|modified|deleted))?\]\]/g)].map((m) => ({
    path: m[1]!,
    status: (m[4] ?? "modified") as RunChangeFile["status"],
    insertions: Number(m[2]),
    deletions: Number(m[3]),
  }));
  if (files.length === 0) return null;
  const diff = files
    .map((f) => [
      `diff --git a/${f.path} b/${f.path}`,
      f.status === "added" ? "--- /dev/null" : `--- a/${f.path}`,
      f.status === "deleted" ? "+++ /dev/null" : `+++ b/${f.path}`,
      hunkHeader(1, f.deletions, 1, f.insertions),
      ...Array.from({ length: f.deletions }, (_, i) => `-old line ${i + 1}`),
      ...Array.from({ length: f.insertions }, (_, i) => `+new line ${i + 1}`),
    ].join("\n"))
    .join("\n");
  const unified = `${diff}\n`;
  // Drawn as the real VM draws it (vm/src/core/diff-html.ts), from the same text.
  return { files, diff: unified, truncated: false, diffHtml: diffToHtml(unified) ?? undefined };
}

/** What an undo changes on disk: the run's change the other way round. */
function reversed(files: readonly RunChangeFile[]): RunChangeFile[] {
  const back = { added: "deleted", deleted: "added", modified: "modified" } as const;
  return files.map((f) => ({ ...f, status: back[f.status], insertions: f.deletions, deletions: f.insertions }));
}

type Step = { runId: string; files: RunChangeFile[] };

/** Per user and workspace: the runs' changes in place (newest last) and the undos /redo can take back. */
export function createCheckpointHistory() {
  const histories = new Map<string, { inPlace: Step[]; undone: Step[] }>();
  const of = (userId: string, workspace: string) => {
    const key = `${userId}\n${workspace}`;
    let h = histories.get(key);
    if (!h) histories.set(key, (h = { inPlace: [], undone: [] }));
    return h;
  };
  return {
    /** A run that changed files: recorded, and what redo could restore is cleared. */
    ranWith(userId: string, workspace: string, runId: string, change: RunChange): void {
      const h = of(userId, workspace);
      h.inPlace.push({ runId, files: change.files });
      h.undone = [];
    },
    /** Null: nothing to undo (or redo). */
    step(kind: "undo" | "redo", userId: string, workspace: string): CheckpointRestored | null {
      const h = of(userId, workspace);
      const step = kind === "undo" ? h.inPlace.pop() : h.undone.pop();
      if (!step) return null;
      (kind === "undo" ? h.undone : h.inPlace).push(step);
      return { workspace, runId: step.runId, files: kind === "undo" ? reversed(step.files) : step.files, cannotRestore: CANNOT_RESTORE };
    },
    /** The runs' changes in place, oldest first (what /ship would push). */
    inPlace: (userId: string, workspace: string): readonly Step[] => of(userId, workspace).inPlace,
    forget(userId: string, workspace: string): void {
      histories.delete(`${userId}\n${workspace}`);
    },
  };
}
export type CheckpointHistory = ReturnType<typeof createCheckpointHistory>;
