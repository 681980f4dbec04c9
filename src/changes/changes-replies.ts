// What the relay says about a run's change: the line after a reply, /diff's summary, the /undo
// question and its outcomes, /redo, and the note the agent reads after an undo.
import type { ChangeTotals } from "./run-change";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * `2 files changed, +14 −3 · /diff to see, /undo to take back` (the contract's line). /diff and
 * /undo act on the current conversation: a run of another one (`elsewhere`, its name) is named
 * first, as its reply is, and the contract's line ends by saying to switch to it.
 */
export function changeLine(t: ChangeTotals, elsewhere: string | null = null): string {
  const line = `${plural(t.files, "file", "files")} changed, +${t.insertions} −${t.deletions}`;
  const tail = `${line} · /diff to see, /undo to take back`;
  return elsewhere === null ? tail : `[${elsewhere}] ${tail} (after /switch ${elsewhere})`;
}

/** /diff's one line: which run, the totals and the files it changed. */
export function diffSummary(c: { index: number; label: string; totals: ChangeTotals; named: string; truncated: boolean }): string {
  const which = c.index === 1 ? "Last change" : `Change ${c.index} back`;
  const cut = c.truncated ? " The diff was cut at 2 MB: the picture shows its start." : "";
  return `${which}, by ${c.label}: ${plural(c.totals.files, "file", "files")}, +${c.totals.insertions} −${c.totals.deletions}: ${c.named}.${cut}`;
}

/**
 * How to comment on a change's lines (changes/review-replies.ts reads such replies): said on every
 * /diff's reply, and once per user after a change line, the first (changes/run-changes.ts). `page`:
 * where a line is tapped instead: the page whose link goes with it, the page /web links to, none.
 */
export function commentHint(page: "link" | "web" | null): string {
  const tap = page === "link" ? ", or tap the line on the page" : page === "web" ? ", or tap the line on the page /web links to" : "";
  return `To comment on a line, reply “line 12: …” (or “src/app.ts:12 …”)${tap}: the agent gets your comments as a review.`;
}

/** /diff's line with the conversation's page link (none when links are not set up): the diff in full, coloured; then how to comment. */
export function withPageLink(summary: string, url: string | null): string {
  return `${url ? `${summary} The whole diff, coloured, on the page: ${url}` : summary}\n${commentHint(url === null ? null : "link")}`;
}

export function nothingToDiff(index: number, available: number): string {
  if (available === 0) return "No change to show: no run of this conversation changed files (or all of them were undone).";
  return available === 1 ? "There is only 1 change to show here; /diff 1 is the oldest." : `There are only ${available} changes to show here; /diff ${available} is the oldest.`;
}
export const DIFF_USAGE = "/diff takes nothing or a number (/diff 2: the change before the last).";
export const DIFF_NOT_KEPT = "The diff of that change was not kept, so there is no picture of it.";
export const DIFF_PICTURE_FAILED = "The picture of that change could not be made right now (the agent VM did not draw it). Try /diff again in a moment.";
export const DIFF_NO_STORAGE = "Pictures cannot be sent from this relay: it has no media storage configured.";

/** What undo cannot do, said each time it is offered and done. */
const UNDO_LIMITS = "It cannot restore ignored files or files over 1 MiB (they stay as they are), and commits or pushes the run made stay: files come back, commits and remote branches do not go away.";

export function undoQuestion(q: { label: string; named: string; count: number }): string {
  return `Undo ${q.label}? ${q.count === 1 ? "Its file goes back as it was" : `Its ${q.count} files go back as they were`} before it: ${q.named}.\n${UNDO_LIMITS}\nReply yes or no.`;
}
export const NOTHING_TO_UNDO = "Nothing to undo: no run of this conversation changed files that is not undone already.";
export const NOTHING_TO_REDO = "Nothing to redo: no /undo to take back (a run that changed files since clears it).";
export const UNDO_DECLINED = "Not undone: the files stay as they are.";
/** Told when the next message was not a yes or no: the question is closed, and that message went on as any message does. */
export const UNDO_LEFT = "Not undone: /undo's question closed with your message, which was not a yes or no. The files stay as they are; send /undo to be asked again.";
export const UNDO_VOIDED = "Not undone: a run of this conversation started after /undo asked, so its question no longer holds. The files stay as they are; send /undo to be asked again once that run is done.";
export const UNDO_VM_FAILED = "The agent VM did not answer, so nothing was undone. Try again in a moment.";

export function undoBusy(label: string): string {
  return `Not now: ${label} is still running. /undo once it is done, or /stop it first.`;
}

/** After an undo or redo: what came back, and what was left as it is (the VM's own list, which names undo's limits). */
export function undoDone(r: { kind: "undo" | "redo"; label: string; named: string; count: number; cannotRestore: readonly string[] }): string {
  const what = r.named || "no file needed changing";
  const head = r.kind === "undo" ? `Undone: ${r.label}. Back as before it: ${what}.` : `Redone: ${r.label} is back: ${what}.`;
  const shown = r.cannotRestore.slice(0, 5);
  const left = shown.length > 0 ? `\nNot restored: ${shown.join("; ")}${r.cannotRestore.length > shown.length ? ` and ${r.cannotRestore.length - shown.length} more` : ""}.` : `\n${UNDO_LIMITS}`;
  const next = r.kind === "undo" ? "\n/redo puts it back; /undo again goes one run further back." : "";
  return head + left + next;
}

/** Said to the agent with its next turn, so it does not assume its files are still there. */
export function undoneNote(files: string): string {
  return `[relay] The user undid your last change with /undo: these files are back as they were before it (${files}). Read them again before relying on what you wrote.`;
}
