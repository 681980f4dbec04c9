// A review from the phone, also posted on the conversation's open pull request (the one /ship opened)
// as one GitHub review, through the VM, which holds the GitHub token. The review reaches the agent by
// the caller's path whatever this says: a refusal is returned as the chat's line, never thrown.
import type { Log } from "../shared/log";
import { pullReviewFailedLine, pullReviewPostedLine } from "./pull-review";
import type { ReviewComment } from "../protocol/review-comments";
import type { VmClient } from "../machines/vm-client";

export type PullRequestReviewDeps = {
  vm: Pick<VmClient, "pullRequestReview"> | null;
  /** The user's id on the VM (the phone, as /ship sends it). */
  phone: string;
  /** The conversation's open pull request (pull-requests-repo.ts's `openOf`). */
  pulls: { openOf(conversationId: number): { number: number } | null };
  log: Log;
};

/** The conversation the review is of: its id (its pull request) and its workspace on the VM. */
export type ReviewedConversation = { id: number; workspace: string };

/**
 * The chat's one line: "Also posted on GitHub as a review of #12: 3 comments", or what failed
 * (a line outside the pull request's diff, a token without the scope, no VM). Null when the
 * conversation has no open pull request: there is nothing to post on, and nothing to say.
 */
export async function postPullRequestReview(d: PullRequestReviewDeps, conversation: ReviewedConversation, comments: readonly ReviewComment[]): Promise<string | null> {
  const pull = d.pulls.openOf(conversation.id);
  if (!pull || comments.length === 0) return null;
  const outcome = d.vm ? await d.vm.pullRequestReview(d.phone, conversation.workspace, { pull: pull.number, comments: [...comments] }) : null;
  if (outcome?.ok) return pullReviewPostedLine(outcome.value);
  if (!outcome || !outcome.refusal) d.log("pull_review_failed", { detail: outcome ? outcome.detail : "no VM" });
  return pullReviewFailedLine(pull.number, outcome && !outcome.ok ? outcome.refusal : null);
}
