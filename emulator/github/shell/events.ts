// What happened on the stand-in, told to the repository's webhooks: each function builds the
// event's payload from the stand-in's records (the REST API's views) and delivers it. Used by the
// REST routes (a pull request opened or closed, a review, a comment, a check run completed) and by
// the controls under /__github/.
import { associationOf } from "../core/access";
import type { CheckRun, Issue, IssueComment, Pull, Repo, Review, ReviewComment } from "../core/resources";
import { checkRunJson, checkSuiteJson, issueCommentJson, issueJson, pullJson, repoJson, reviewCommentJson, reviewJson, suiteOutcome, userJson } from "../core/resources";
import { checkRunPayload, checkSuitePayload, issueCommentPayload, issuesPayload, labelJson, pullRequestPayload, reviewCommentPayload, reviewPayload } from "../core/webhook-payloads";
import type { GithubContext } from "../context";
import { bareDirOf, branchSha } from "./git-backend";
import { emit, type DeliveryRecord } from "./webhooks";

const keyOf = (repo: Repo) => `${repo.owner}/${repo.name}`.toLowerCase();
const account = (ctx: GithubContext, login: string) => ctx.accounts.find((a) => a.login.toLowerCase() === login.toLowerCase()) ?? { login, id: 0 };

/** The repository as a payload names it (no `permissions`: those are the caller's, and a webhook has none). */
function repository(ctx: GithubContext, repo: Repo) {
  const { permissions: _, ...json } = repoJson(ctx.urls, repo, account(ctx, repo.owner), null);
  return json;
}
const sender = (ctx: GithubContext, login: string) => userJson(ctx.urls, account(ctx, login));
const pullView = (ctx: GithubContext, repo: Repo, pull: Pull) => pullJson(ctx.urls, pull, repoJson(ctx.urls, repo, account(ctx, repo.owner), null), account(ctx, pull.user));

export function pullEvent(ctx: GithubContext, repo: Repo, pull: Pull, action: "opened" | "closed" | "reopened" | "edited" | "synchronize", by: string, extra: Record<string, unknown> = {}): Promise<DeliveryRecord[]> {
  return emit(ctx, keyOf(repo), "pull_request", pullRequestPayload(action, pullView(ctx, repo, pull), repository(ctx, repo), sender(ctx, by), extra));
}

/** The open pull requests' head branches before a push, to tell afterwards which it moved. */
export async function headsBeforePush(ctx: GithubContext, repo: Repo): Promise<Map<Pull, string | null>> {
  const bare = bareDirOf(ctx.root, repo.owner, repo.name);
  const open = ctx.pulls.filter((p) => p.repo === keyOf(repo) && p.state === "open");
  return new Map(await Promise.all(open.map(async (p) => [p, await branchSha(bare, p.head)] as const)));
}

/** After a push: `pull_request` `synchronize` (with `before` and `after`) for each open pull request whose branch it moved. */
export async function pushed(ctx: GithubContext, repo: Repo, before: Map<Pull, string | null>, by: string): Promise<DeliveryRecord[]> {
  const bare = bareDirOf(ctx.root, repo.owner, repo.name);
  const sent: DeliveryRecord[] = [];
  for (const [pull, was] of before) {
    const now = await branchSha(bare, pull.head);
    if (!now || now === was) continue;
    pull.headSha = now;
    pull.updatedAt = ctx.now();
    sent.push(...(await pullEvent(ctx, repo, pull, "synchronize", by, { before: was, after: now })));
  }
  return sent;
}

/** A run completed: `check_run` completed, then `check_suite` completed once every run of its suite is. */
export async function checkCompleted(ctx: GithubContext, repo: Repo, run: CheckRun, by: string): Promise<DeliveryRecord[]> {
  const suite = ctx.checkSuites.find((s) => s.id === run.suiteId)!;
  const runs = ctx.checkRuns.filter((r) => r.suiteId === suite.id);
  const pulls = ctx.pulls.filter((p) => p.repo === keyOf(repo) && p.state === "open" && p.headSha === run.headSha).map((p) => pullView(ctx, repo, p));
  const suiteJson = checkSuiteJson(ctx.urls, suite, runs);
  const sent = await emit(ctx, keyOf(repo), "check_run", checkRunPayload(checkRunJson(ctx.urls, run), suiteJson, pulls, repository(ctx, repo), sender(ctx, by)));
  if (suiteOutcome(runs).status !== "completed") return sent;
  return [...sent, ...(await emit(ctx, keyOf(repo), "check_suite", checkSuitePayload(suiteJson, pulls, repository(ctx, repo), sender(ctx, by))))];
}

/** A review submitted: `pull_request_review` submitted, then `pull_request_review_comment` created for each of its comments. */
export async function reviewSubmitted(ctx: GithubContext, repo: Repo, pull: Pull, review: Review, comments: ReviewComment[]): Promise<DeliveryRecord[]> {
  const pullJsonView = pullView(ctx, repo, pull);
  const who = account(ctx, review.user);
  const author_association = associationOf(repo, review.user);
  const sent = await emit(ctx, keyOf(repo), "pull_request_review", reviewPayload({ ...reviewJson(ctx.urls, review, who), author_association }, pullJsonView, repository(ctx, repo), sender(ctx, review.user)));
  for (const comment of comments) {
    sent.push(...(await emit(ctx, keyOf(repo), "pull_request_review_comment", reviewCommentPayload({ ...reviewCommentJson(ctx.urls, comment, who), author_association }, pullJsonView, repository(ctx, repo), sender(ctx, review.user)))));
  }
  return sent;
}

/** The issue view of an issue, or of a pull request (which is an issue too). */
export function issueView(ctx: GithubContext, repo: Repo, number: number) {
  const issue = ctx.issues.find((i) => i.repo === keyOf(repo) && i.number === number);
  if (issue) return { ...issueJson(ctx.urls, { ...issue, labels: issue.labels.map((name, i) => ({ name, id: issue.id * 100 + i })) }, account(ctx, issue.user)), author_association: associationOf(repo, issue.user) };
  const pull = ctx.pulls.find((p) => p.repo === keyOf(repo) && p.number === number);
  if (!pull) return null;
  const json = issueJson(ctx.urls, { id: pull.id, repo: pull.repo, number, title: pull.title, body: pull.body, user: pull.user, labels: [], state: pull.state, createdAt: pull.createdAt, updatedAt: pull.updatedAt }, account(ctx, pull.user), true);
  return { ...json, author_association: associationOf(repo, pull.user) };
}

export function issueOpened(ctx: GithubContext, repo: Repo, issue: Issue): Promise<DeliveryRecord[]> {
  return emit(ctx, keyOf(repo), "issues", issuesPayload("opened", issueView(ctx, repo, issue.number)!, repository(ctx, repo), sender(ctx, issue.user)));
}

export function issueLabeled(ctx: GithubContext, repo: Repo, issue: Issue, label: string, by: string): Promise<DeliveryRecord[]> {
  const labelView = labelJson(ctx.urls, keyOf(repo), label, issue.id * 100 + issue.labels.indexOf(label));
  return emit(ctx, keyOf(repo), "issues", issuesPayload("labeled", issueView(ctx, repo, issue.number)!, repository(ctx, repo), sender(ctx, by), labelView));
}

export function commentCreated(ctx: GithubContext, repo: Repo, comment: IssueComment): Promise<DeliveryRecord[]> {
  const issue = issueView(ctx, repo, comment.number)!;
  const json = { ...issueCommentJson(ctx.urls, comment, account(ctx, comment.user)), html_url: `${issue.html_url}#issuecomment-${comment.id}`, author_association: associationOf(repo, comment.user) };
  return emit(ctx, keyOf(repo), "issue_comment", issueCommentPayload(json, issue, repository(ctx, repo), sender(ctx, comment.user)));
}
