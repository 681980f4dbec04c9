// A review of a change: comments anchored to a file, a side and a line of a run's diff, as the
// private page's draft keeps them, as a chat reply names them, and as the agent reads them. The
// anchor keeps the line's text and the change it was made on, so a comment stays readable after a
// later run moved or rewrote that line. Pure.
import * as z from "zod/mini";

/** `old`: the line as it was before the change (a deleted or context line's old number); `new`: after it; `file`: the file as a whole. */
export const ReviewSideSchema = z.enum(["old", "new", "file"]);
export type ReviewSide = z.infer<typeof ReviewSideSchema>;

export const REVIEW_COMMENT_MAX_CHARS = 2000;
export const REVIEW_LINE_TEXT_MAX_CHARS = 300;
export const REVIEW_MAX_COMMENTS = 50;

export const ReviewCommentSchema = z.object({
  /** The path as the diff names it (relative to the conversation's repository). */
  file: z.string().check(z.minLength(1), z.maxLength(400)),
  side: ReviewSideSchema,
  /** The line's number on `side`; null for a comment on the file as a whole. */
  line: z.nullable(z.int().check(z.positive())),
  /** The line's text when the comment was made (cut); empty for a file comment. */
  lineText: z.string().check(z.maxLength(REVIEW_LINE_TEXT_MAX_CHARS)),
  body: z.string().check(z.trim(), z.minLength(1), z.maxLength(REVIEW_COMMENT_MAX_CHARS)),
  /** The change the line was read from: its label as the chat shows it (e.g. "run 3 · 14:02"). */
  change: z.string().check(z.minLength(1), z.maxLength(120)),
});
export type ReviewComment = z.infer<typeof ReviewCommentSchema>;

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * A diff line as one line of a quote: every character that a terminal, an editor or the model may
 * take as a line's end (`\r`, U+2028, U+0085…) and every other control character is written as
 * its escape (`\r`, `\u2028`), so what follows it in a stranger's line stays inside the quote.
 */
const ESCAPES: Record<string, string> = { "\t": "\t", "\r": "\\r", "\n": "\\n" };
export function quotedLineOf(text: string): string {
  return text.replace(/[\p{Cc}\u2028\u2029]/gu, (ch) => ESCAPES[ch] ?? `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** What the anchor says in one line: "src/add.js, new line 12" or "src/add.js (the whole file)". */
export function anchorOf(c: Pick<ReviewComment, "file" | "side" | "line">): string {
  if (c.side === "file" || c.line === null) return `${c.file} (the whole file)`;
  return `${c.file}, ${c.side} line ${c.line}`;
}

/**
 * The review as one message from the user, in a form the agent acts on directly: what it is, then
 * each comment with its anchor, the line's text as it was, and the comment. A comment's line is
 * where it was when the user read it; the agent is told to find the quoted text if it moved since.
 */
export function reviewMessageForAgent(comments: readonly ReviewComment[]): string {
  const changes = [...new Set(comments.map((c) => c.change))];
  const head = `Review of ${changes.length === 1 ? `the change of ${changes[0]}` : `the changes of ${changes.join(", ")}`}: ${comments.length} ${comments.length === 1 ? "comment" : "comments"}. Each names a line as it was in that change; if the code moved since, find the quoted line.`;
  const items = comments.map((c, i) => {
    const quoted = c.side === "file" || c.line === null || c.lineText === "" ? "" : `\n   > ${quotedLineOf(cut(c.lineText, REVIEW_LINE_TEXT_MAX_CHARS))}`;
    return `${i + 1}. ${anchorOf(c)}${comments.length > 1 && changes.length > 1 ? ` (${c.change})` : ""}:${quoted}\n   ${c.body.replace(/\n/g, "\n   ")}`;
  });
  return [head, ...items].join("\n");
}

/** The chat's one line acknowledging a review sent from the page or a comment read from a reply. */
export function reviewSentLine(comments: readonly ReviewComment[]): string {
  const files = new Set(comments.map((c) => c.file)).size;
  return `📝 Review sent to the agent: ${comments.length} ${comments.length === 1 ? "comment" : "comments"} on ${files} ${files === 1 ? "file" : "files"}.`;
}
