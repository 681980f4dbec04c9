// The lines a run's diff shows, per file and side, numbered as the diff numbers them: what a chat
// reply naming a line ("add.js:12 …") is checked against. The new side holds added and context
// lines; the old side only deleted ones (a context line is named by its new number). Sections git
// did not write as hunks (an `.env`-like file's keys, a binary file, the 2 MiB cut note) show no
// line. Pure; jsdiff parses each file's section.
import { parsePatch } from "diff";

export type ChangeFileLines = {
  /** The path as the diff names it (without git's `a/` or `b/`). */
  path: string;
  /** Line number on the new side → its text (added and context lines). */
  new: ReadonlyMap<number, string>;
  /** Line number on the old side → its text (deleted lines only). */
  old: ReadonlyMap<number, string>;
};

const withoutPrefix = (name: string | undefined): string | null => (name === undefined || name === "/dev/null" ? null : name.replace(/^[ab]\//, ""));

/** One file's `diff --git` section, or null when it has no hunk of git's (or jsdiff cannot read it). */
function fileLinesOf(section: string): ChangeFileLines | null {
  let patch;
  try {
    patch = parsePatch(section)[0];
  } catch {
    return null;
  }
  const path = withoutPrefix(patch?.newFileName) ?? withoutPrefix(patch?.oldFileName);
  if (!patch || !path || patch.hunks.length === 0) return null;
  const added = new Map<number, string>();
  const deleted = new Map<number, string>();
  for (const hunk of patch.hunks) {
    let oldLine = hunk.oldStart;
    let newLine = hunk.newStart;
    for (const line of hunk.lines) {
      const text = line.slice(1);
      if (line.startsWith("+")) added.set(newLine++, text);
      else if (line.startsWith("-")) deleted.set(oldLine++, text);
      else if (line.startsWith(" ")) {
        added.set(newLine++, text);
        oldLine++;
      }
      // "\ No newline at end of file" numbers nothing.
    }
  }
  return { path, new: added, old: deleted };
}

/** Every file of `diff` with lines to name, in the diff's order. */
export function changeLinesOf(diff: string): ChangeFileLines[] {
  return diff
    .split(/^(?=diff --git )/m)
    .map((section) => section.replace(/^\[diff cut at [^\n]*\]\n?$/m, ""))
    .flatMap((section) => fileLinesOf(section) ?? []);
}
