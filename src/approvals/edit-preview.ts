// What an approval prompt shows of a file edit: one line naming the file and what the edit does
// ("src/add.js: +2 −1", counted as the picture, the change line and the page count), the diff's lines that fit one message (in a code block,
// which Telegram shows as <pre>) or the picture that draws them, and how many lines are not shown.
// Pure: the edit comes in as the VM sent it (protocol/vm/approvals.ts, ApprovalEdit).
import type { ApprovalEdit } from "../protocol/vm/approvals";
import { visibleMarks } from "./approval-text";

/**
 * `src/add.js: +2 −1` (a new file: `notes.txt: new file, +2`): lines added and removed, the one
 * count the picture, the change line, /diff and the page use too (a replaced line is +1 −1).
 */
export function editSummary(edit: Pick<ApprovalEdit, "path" | "added" | "removed" | "diff">): string {
  const created = edit.diff.startsWith("--- /dev/null\n");
  return visibleMarks(`${edit.path}: ${created ? `new file, +${edit.added}` : `+${edit.added} −${edit.removed}`}`);
}

/** The diff's lines from its first hunk on (its `---`/`+++` header says what the summary says). */
export function diffBody(diff: string): string[] {
  const lines = diff.replace(/\n$/, "").split("\n");
  const first = lines.findIndex((line) => line.startsWith("@@"));
  return first === -1 ? [] : lines.slice(first).map(visibleMarks);
}

/** What a message shows of a diff: its first lines, together at most `maxChars` (each line and its break). */
export function diffExcerpt(diff: string, maxChars: number): { lines: string[]; notShown: number } {
  const body = diffBody(diff);
  let used = 0;
  let shown = 0;
  while (shown < body.length && used + body[shown]!.length + 1 <= maxChars) used += body[shown++]!.length + 1;
  return { lines: body.slice(0, shown), notShown: body.length - shown };
}

/** A code block the lines cannot close: its fence is longer than any run of backticks in them. */
export function codeBlock(lines: readonly string[]): string {
  const longest = Math.max(0, ...lines.map((line) => Math.max(0, ...[...line.matchAll(/`+/g)].map((run) => run[0].length))));
  const fence = "`".repeat(Math.max(3, longest + 1));
  return `${fence}diff\n${lines.join("\n")}\n${fence}`;
}

/**
 * "… 12 more lines not shown: <link>" ("12+" when the VM sent only part of a long edit), or "" when
 * all is shown. Without a link, where the whole edit is.
 */
export function linesNotShown(notShown: number, edit: Pick<ApprovalEdit, "cut">, link: string | null): string {
  if (notShown === 0 && !edit.cut) return "";
  const what = `… ${notShown}${edit.cut ? "+" : ""} more line${notShown === 1 && !edit.cut ? "" : "s"} not shown`;
  return link ? `${what}: ${link}` : `${what} (the private page, /web, shows the whole edit).`;
}
