// A draft review on the private page, as the relay takes it: a comment the page posts (checked
// here, its line's text taken from the change's stored diff), the one-line reasons a request is refused, the message a draft is
// sent as, and whether a request that changes the draft comes from the page itself. Pure.
import "../shared/zod-messages";
import * as z from "zod/mini";
import type { ChangeFileLines } from "./change-lines";
import { REVIEW_MESSAGE_PREFIX } from "../messages/message-lifecycle";
import { REVIEW_LINE_TEXT_MAX_CHARS, REVIEW_MAX_COMMENTS, type ReviewComment, ReviewCommentSchema } from "../protocol/review-comments";

/** A comment of a draft: the shared comment, its row's id and the change (VM run) it was made on. */
export type DraftComment = ReviewComment & { id: number; changeId: string };
/** A conversation's draft review: its id names the message it is sent as. */
export type ReviewDraft = { id: string; conversationId: number; comments: DraftComment[] };

/** A change as the page names it: the VM run that made it (its id in run_changes). */
const ChangeIdSchema = z.string().check(z.regex(/^[A-Za-z0-9_-]{1,80}$/, "a change's id"));
/** A line's text longer than this is refused, not cut: no line of a diff drawn on the page is this long. */
const LINE_TEXT_READ_MAX_CHARS = 20_000;

/**
 * A comment as the page posts it: the shared comment's anchor and text, the change by its id (the
 * relay names it as the chat does), and the line's text as the page read it, which is taken and
 * ignored: the quote comes from the stored diff (draftComment). A comment on a line names its
 * number; one on the file as a whole (side `file`) none.
 */
export const ReviewCommentRequestSchema = z
  .strictObject({
    ...z.omit(ReviewCommentSchema, { change: true, lineText: true }).shape,
    changeId: ChangeIdSchema,
    lineText: z.string().check(z.maxLength(LINE_TEXT_READ_MAX_CHARS)),
  })
  .check(z.refine((c) => (c.side === "file") === (c.line === null), { message: "a comment on a file names no line, and one on a line names its number", path: ["line"] }));
export type ReviewCommentRequest = z.infer<typeof ReviewCommentRequestSchema>;

/** `POST …/review/send`: the draft the page shows (its id), so a second tap sends nothing more. */
export const ReviewSendRequestSchema = z.strictObject({ draftId: z.string().check(z.regex(/^[A-Za-z0-9-]{8,64}$/, "a draft's id")) });

/** What the page posted, or the one line that says why it is refused. */
export function parseJsonBody<T>(schema: z.ZodMiniType<T>, raw: unknown): { ok: true; value: T } | { ok: false; error: string } {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return { ok: false, error: `Not a review comment the relay takes: ${where}${issue?.message ?? "invalid"}.` };
}

const cut = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * Line `line` of `file` on `side` in the change's stored diff, as the page numbers it (the new side
 * holds added and unchanged lines, the old side deleted ones); null when the diff has no such line.
 */
export function storedLineOf(files: readonly ChangeFileLines[], at: Pick<ReviewComment, "file" | "side" | "line">): string | null {
  if (at.side === "file" || at.line === null) return null;
  const lines = files.find((f) => f.path === at.file)?.[at.side];
  return lines?.get(at.line) ?? null;
}

/**
 * The comment as the draft keeps it: on `changeLabel` (its label as the chat shows it), quoting its
 * line as the stored diff `files` has it (cut), never the text the page posted. `not_in_change`:
 * the diff has no such line; null: it does not pass the shared schema.
 */
export function draftComment(request: ReviewCommentRequest, changeLabel: string, files: readonly ChangeFileLines[]): ReviewComment | "not_in_change" | null {
  const { changeId: _, lineText: __, ...rest } = request;
  const stored = storedLineOf(files, request);
  if (request.side !== "file" && stored === null) return "not_in_change";
  const parsed = ReviewCommentSchema.safeParse({ ...rest, lineText: stored === null ? "" : cut(stored.replace(/\s+$/, ""), REVIEW_LINE_TEXT_MAX_CHARS), change: cut(changeLabel, 120) });
  return parsed.success ? parsed.data : null;
}

/** The one-line answers of a request the draft refuses (nothing changed). */
export const REVIEW_REFUSALS = {
  unknownChange: "That change is not one this link shows: reload the page.",
  unknownFile: "That file is not in this change: reload the page.",
  unknownLine: "That line is not in this change's diff: reload the page.",
  diffUnread: "This change's diff could not be read just now: try the comment again.",
  notKept: "That comment could not be kept as it is: shorten it and try again.",
  full: `A review holds at most ${REVIEW_MAX_COMMENTS} comments: send this one first.`,
  unknownComment: "That comment is not in the draft any more: reload the page.",
  empty: "The draft has no comments to send.",
  staleDraft: "This draft changed since the page was loaded: reload the page.",
  conversationGone: "This conversation is gone: the review was not sent.",
  stillCloning: "The conversation's repository is still being cloned: send the review once it is ready.",
  accessRemoved: "Your access to the agent was removed: the review was not sent.",
  rateLimited: "Too many messages this minute: send the review again in a minute.",
} as const;

/** The id of the message a draft is sent as (a message id: [A-Za-z0-9_-], at most 80): its second send is a duplicate. */
export function reviewMessageId(draftId: string): string {
  return `${REVIEW_MESSAGE_PREFIX}${draftId}`;
}

/**
 * Whether a request that changes the draft comes from the page itself. The link's token is the only
 * credential, and a page elsewhere could post to it from the user's browser: a browser says where a
 * request comes from (`Sec-Fetch-Site`, else `Origin`), and one that says neither is refused.
 * `origins`: the relay's own (the request's, and PUBLIC_URL's behind a tunnel).
 */
export function isSameOriginRequest(h: { secFetchSite: string | null; origin: string | null }, origins: readonly string[]): boolean {
  if (h.secFetchSite !== null) return h.secFetchSite === "same-origin";
  return h.origin !== null && h.origin !== "null" && origins.some((o) => originOf(o) === h.origin);
}

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}
