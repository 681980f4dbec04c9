// A review from the phone as GitHub's "create a review" takes it, and GitHub's answer in the user's
// words. Pure: the shell (github/pull-review.ts) makes the one call. GitHub's review comments sit
// on a line of one side of the diff (old → LEFT, new → RIGHT); a whole-file comment has no place
// in that call, so it goes into the review's own text, naming its file.
import { anchorOf, type ReviewComment } from "../../../src/protocol/review-comments";
import type { PullReviewRefusal } from "../../../src/protocol/vm/pull-review";

export type GithubReviewComment = { path: string; body: string; line: number; side: "LEFT" | "RIGHT" };
export type GithubReviewBody = { event: "COMMENT"; body: string; comments: GithubReviewComment[] };

const isLine = (c: ReviewComment): c is ReviewComment & { line: number; side: "old" | "new" } => c.side !== "file" && c.line !== null;
const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** The review to post: one COMMENT review, its line comments on their lines, the file comments in its text. */
export function githubReviewOf(comments: readonly ReviewComment[]): GithubReviewBody {
  const lines = comments.filter(isLine);
  const files = comments.filter((c) => !isLine(c));
  const head = `Review from the phone: ${plural(comments.length, "comment", "comments")}.`;
  const fileNotes = files.map((c) => `**\`${c.file}\`** (the whole file): ${c.body}`);
  return {
    event: "COMMENT",
    body: [head, ...fileNotes].join("\n\n"),
    comments: lines.map((c) => ({ path: c.file, body: c.body, line: c.line, side: c.side === "old" ? "LEFT" : "RIGHT" })),
  };
}

const said = (body: unknown): string => {
  if (typeof body !== "object" || body === null) return "";
  const b = body as { message?: unknown; errors?: unknown };
  const errors = Array.isArray(b.errors) ? b.errors.map((e) => (typeof e === "string" ? e : typeof e === "object" && e !== null && "message" in e ? String(e.message) : "")).filter(Boolean) : [];
  return [typeof b.message === "string" ? b.message : "", ...errors].filter(Boolean).join(": ");
};
const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * GitHub's refusal of the review (nothing of it was posted: GitHub takes a review whole or not at
 * all), or null when it took it. A 422 naming the diff: a commented line is not in the pull
 * request's diff; GitHub does not say which, so one line comment is named and several are counted.
 */
export function reviewRefusalOf(status: number, body: unknown, at: { repo: string; number: number; comments: readonly ReviewComment[] }): PullReviewRefusal | null {
  if (status >= 200 && status < 300) return null;
  const refused = (reason: PullReviewRefusal["reason"], message: string): PullReviewRefusal => ({ error: "review_refused", reason, message: cut(message, 500) });
  const text = said(body);
  if (status === 422 && /part of the diff|path is invalid|diff hunk/i.test(text)) {
    const lines = at.comments.filter(isLine);
    const which = lines.length === 1 ? `${anchorOf(lines[0]!)} is` : `one of the ${lines.length} commented lines is`;
    return refused("line_outside_diff", `${which} not in pull request #${at.number}'s diff on GitHub (GitHub takes a review whole, so none of it was posted there).`);
  }
  if (status === 401 || status === 403 || status === 404) {
    return refused("token_scope", `GitHub answered ${status}: the VM's token cannot review pull requests on ${at.repo} (a fine-grained token needs "Pull requests: write" on it).`);
  }
  return refused("review_failed", status === 0 ? `GitHub did not answer: ${cut(text, 200)}` : `GitHub refused the review (${status}): ${cut(text || "no reason given", 200)}`);
}
