// A review from the phone posted on the conversation's pull request with the VM's GITHUB_TOKEN (the
// agent never holds it): only on a pull request /ship opened for that workspace, in the repository
// the server recorded for it at the clone (never what the workspace's git config says). The
// decisions are core/pull-review.ts's.
import type { PullReviewPosted, PullReviewRefusal, PullReviewRequest } from "../../../src/protocol/vm/pull-review";
import { githubReviewOf, reviewRefusalOf } from "../core/pull-review";
import type { GithubRepos } from "./github-repos";
import { createGithubRest, type GithubRestDeps } from "./github-rest";

export type PullReviewDeps = GithubRestDeps & { repos: Pick<GithubRepos, "of"> };
export type PullReviewOutcome = { ok: true; value: PullReviewPosted } | { ok: false; refusal: PullReviewRefusal };

const refused = (reason: PullReviewRefusal["reason"], message: string): PullReviewOutcome => ({ ok: false, refusal: { error: "review_refused", reason, message } });

export function createPullReview(deps: PullReviewDeps) {
  const api = createGithubRest(deps, "agent-vm-review");
  return {
    async post(t: { userKey: string; workspace: string }, request: PullReviewRequest): Promise<PullReviewOutcome> {
      const entry = deps.repos.of(t.userKey).find((e) => e.workspace === t.workspace);
      if (!entry || !deps.githubToken) return refused("no_github_remote", "This conversation's workspace is not a clone of a GitHub repository the relay made, so there is no pull request to review.");
      // The scope: a pull request this workspace's /ship opened, in its own repository.
      if (!(entry.pulls ?? []).includes(request.pull)) return refused("not_our_pull", `pull request #${request.pull} on ${entry.repo} was not opened by this conversation's /ship, so it was not reviewed.`);
      const review = githubReviewOf(request.comments);
      const answer = await api("POST", `/repos/${entry.repo}/pulls/${request.pull}/reviews`, review);
      const refusal = reviewRefusalOf(answer.status, answer.json, { repo: entry.repo, number: request.pull, comments: request.comments });
      if (refusal) return { ok: false, refusal };
      const url = typeof (answer.json as { html_url?: unknown } | null)?.html_url === "string" ? (answer.json as { html_url: string }).html_url : "";
      return { ok: true, value: { repo: entry.repo, number: request.pull, url, lineComments: review.comments.length, fileComments: request.comments.length - review.comments.length } };
    },
  };
}
export type PullReview = ReturnType<typeof createPullReview>;
