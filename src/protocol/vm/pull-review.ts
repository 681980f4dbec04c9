// A review from the phone posted on the conversation's pull request: the relay's request, what
// GitHub took, and why it did not. Part of the relay-to-VM protocol, which both sides import (docs/protocol.md).
import * as z from "zod/mini";
import { REVIEW_MAX_COMMENTS, ReviewCommentSchema } from "../review-comments";

/**
 * `POST VM_ROUTES.workspacePullReview`: the comments as the page or the chat made them, for pull
 * request `pull` of the workspace's repository. The VM posts them only on a pull request /ship
 * opened for that workspace, in the repository it was cloned from.
 */
export const PullReviewRequestSchema = z.object({
  pull: z.number().check(z.int(), z.positive()),
  comments: z.array(ReviewCommentSchema).check(z.minLength(1), z.maxLength(REVIEW_MAX_COMMENTS)),
});
export type PullReviewRequest = z.infer<typeof PullReviewRequestSchema>;

/** 200: one review, its line comments on their lines, the whole-file comments in its text (GitHub's reviews take no file comment). */
export const PullReviewPostedSchema = z.object({
  repo: z.string(),
  number: z.number().check(z.int(), z.positive()),
  url: z.string(),
  lineComments: z.number().check(z.int(), z.nonnegative()),
  fileComments: z.number().check(z.int(), z.nonnegative()),
});
export type PullReviewPosted = z.infer<typeof PullReviewPostedSchema>;

export const PullReviewRefusalReasonSchema = z.enum([
  "no_github_remote", // the workspace is not a clone of a GitHub repository the VM made, or the VM has no GITHUB_TOKEN
  "not_our_pull", // the pull request is not one /ship opened for this workspace
  "line_outside_diff", // GitHub's 422: a commented line (or file) is not in the pull request's diff; nothing was posted
  "token_scope", // 401, 403, 404: the token cannot see the repository or write reviews
  "review_failed", // anything else GitHub said, or no answer
]);
export type PullReviewRefusalReason = z.infer<typeof PullReviewRefusalReasonSchema>;

/** 422: nothing was posted; `message` is one short line for the user, never credentials. */
export const PullReviewRefusalSchema = z.object({
  error: z.literal("review_refused"),
  reason: PullReviewRefusalReasonSchema,
  message: z.string().check(z.maxLength(500)),
});
export type PullReviewRefusal = z.infer<typeof PullReviewRefusalSchema>;
