// A chat reply read as a review comment on a change the relay showed (a /diff picture, a run's
// change line): `line 12: keep the old name`, `add.js:12 keep it`, `src/add.js:12: keep it`, one
// per line (a line naming no line goes on the comment above it). It is a comment only when every
// line it names is in that change; otherwise it is an ordinary message, left as it is. Pure.
import type { ChangeFileLines } from "./change-lines";
import { REVIEW_COMMENT_MAX_CHARS, REVIEW_LINE_TEXT_MAX_CHARS, REVIEW_MAX_COMMENTS, type ReviewComment } from "../protocol/review-comments";

/** A line a reply names: in a file it names (a path or the end of one), or in any file of the change. */
export type LineReference = { path: string | null; line: number; body: string };

/** `line 12: …` (the colon is what tells it from a sentence that starts with "line 12"). */
const LINE_REF = /^line\s+(\d{1,7})\s*:\s*(.*)$/i;
/** `path:12 …` or `path:12: …`; a path has a letter (`12:30 …` is a time, not a file). */
const PATH_REF = /^(?:\.\/)?([^\s:]*[A-Za-z_][^\s:]*):(\d{1,7})(?::\s*|\s+|$)(.*)$/;

function referenceOf(line: string): LineReference | null {
  const byLine = LINE_REF.exec(line);
  if (byLine) return { path: null, line: Number(byLine[1]), body: byLine[2]! };
  const byPath = PATH_REF.exec(line);
  return byPath ? { path: byPath[1]!, line: Number(byPath[2]), body: byPath[3]! } : null;
}

/** The references `text` makes, or null when it does not start with one (most messages: no more is read). */
export function lineReferencesOf(text: string): LineReference[] | null {
  const lines = text.trim().split("\n");
  const refs: LineReference[] = [];
  for (const raw of lines) {
    const ref = referenceOf(raw.trim());
    if (ref) refs.push(ref);
    else if (refs.length === 0) return null;
    else refs.at(-1)!.body += `\n${raw}`;
  }
  return refs.map((r) => ({ ...r, body: r.body.trim() }));
}

/** A line a reference can mean: its file, side, number and text. */
export type LineCandidate = Pick<ReviewComment, "file" | "side" | "line" | "lineText">;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The files `path` names: the one with that path, else those it ends (at a `/`); null: every file. */
function filesNamed(path: string | null, files: readonly ChangeFileLines[]): readonly ChangeFileLines[] {
  if (path === null) return files;
  const exact = files.filter((f) => f.path === path);
  return exact.length > 0 ? exact : files.filter((f) => f.path.endsWith(`/${path}`));
}

/** Line N of a file: its new side (an added or unchanged line), else a deleted line of that number on the old side. */
export function candidatesOf(ref: Pick<LineReference, "path" | "line">, files: readonly ChangeFileLines[]): LineCandidate[] {
  return filesNamed(ref.path, files).flatMap((f): LineCandidate[] => {
    const added = f.new.get(ref.line);
    if (added !== undefined) return [{ file: f.path, side: "new", line: ref.line, lineText: cut(added, REVIEW_LINE_TEXT_MAX_CHARS) }];
    const deleted = f.old.get(ref.line);
    return deleted !== undefined ? [{ file: f.path, side: "old", line: ref.line, lineText: cut(deleted, REVIEW_LINE_TEXT_MAX_CHARS) }] : [];
  });
}

/** A choice the relay offers when a reference fits several files: the file, and the comments picking it sends. */
export type ReviewChoice = { file: string; comments: ReviewComment[] };
/** At most this many files are offered (each numbered in the question). */
export const MAX_REVIEW_CHOICES = 10;

export type ReviewReading =
  | { kind: "comments"; comments: ReviewComment[] }
  /** `line`: the number the ambiguous reference named (the question says it). */
  | { kind: "ambiguous"; line: number; choices: ReviewChoice[] }
  | { kind: "not_a_comment" };

const NOT_A_COMMENT = { kind: "not_a_comment" } as const;

/**
 * `text` read against change `change` (its label as the chat names it) and its lines. Every
 * reference must name a line of the change; those that fit several files are settled by one choice
 * of file (the files all of them fit), so a choice that cannot settle them all is no comment.
 */
export function readReviewReply(text: string, change: { label: string; files: readonly ChangeFileLines[] }): ReviewReading {
  const refs = lineReferencesOf(text);
  if (!refs || refs.length > REVIEW_MAX_COMMENTS || refs.some((r) => r.body === "" || r.body.length > REVIEW_COMMENT_MAX_CHARS)) return NOT_A_COMMENT;
  const label = cut(change.label, 120);
  const found = refs.map((ref) => ({ ref, candidates: candidatesOf(ref, change.files) }));
  if (found.some((f) => f.candidates.length === 0)) return NOT_A_COMMENT;
  const comment = (ref: LineReference, at: LineCandidate): ReviewComment => ({ ...at, body: ref.body, change: label });
  const ambiguous = found.filter((f) => f.candidates.length > 1);
  if (ambiguous.length === 0) return { kind: "comments", comments: found.map((f) => comment(f.ref, f.candidates[0]!)) };
  const fitsAll = change.files.map((f) => f.path).filter((path) => ambiguous.every((a) => a.candidates.some((c) => c.file === path)));
  if (fitsAll.length === 0) return NOT_A_COMMENT;
  const choices = fitsAll.slice(0, MAX_REVIEW_CHOICES).map((file) => ({
    file,
    comments: found.map((f) => comment(f.ref, f.candidates.length === 1 ? f.candidates[0]! : f.candidates.find((c) => c.file === file)!)),
  }));
  return { kind: "ambiguous", line: ambiguous[0]!.ref.line, choices };
}
