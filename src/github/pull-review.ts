// What the chat says after a review from the phone was also posted on the conversation's pull
// request on GitHub, or why it was not (the review reached the agent either way). Pure: the VM's
// answer comes in (protocol/vm/pull-review.ts).
import type { PullReviewPosted, PullReviewRefusal } from "../protocol/vm/pull-review";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "Also posted on GitHub as a review of #12: 3 comments" (and the review's link). */
export function pullReviewPostedLine(posted: PullReviewPosted): string {
  const files = posted.fileComments > 0 ? ` (${plural(posted.fileComments, "whole-file comment", "whole-file comments")} in its text)` : "";
  const count = plural(posted.lineComments + posted.fileComments, "comment", "comments");
  return `Also posted on GitHub as a review of #${posted.number}: ${count}${files}.${posted.url ? `\n${posted.url}` : ""}`;
}

/** The VM's refusal in its own words, or no answer from it, marked as not posted on GitHub. */
export function pullReviewFailedLine(number: number, refusal: PullReviewRefusal | null): string {
  if (refusal) return `⚠️ Not posted on GitHub (pull request #${number}): ${refusal.message}`;
  return `⚠️ Not posted on GitHub (pull request #${number}): the agent VM did not answer. The agent has the review.`;
}
