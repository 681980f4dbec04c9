// The stand-in's records and the JSON GitHub's REST API gives for each (the fields its docs show
// that a client reads; others are left out). Pure: the URLs come in as `Urls`.
import { permissionsObject, type Account, type Permission, type RepoAccess } from "./access";

export type Urls = { api: string; web: string };
export type Repo = RepoAccess & { id: number; defaultBranch: string; createdAt: number };
export type Pull = {
  id: number; repo: string; number: number; title: string; body: string | null; user: string;
  head: string; base: string; headSha: string; baseSha: string; draft: boolean;
  state: "open" | "closed"; merged: boolean; createdAt: number; updatedAt: number; closedAt: number | null; mergedAt: number | null;
};
/** An issue (pull requests are issues too, but are kept as `Pull`): its number comes from the repository's one sequence. */
export type Issue = { id: number; repo: string; number: number; title: string; body: string | null; user: string; labels: string[]; state: "open" | "closed"; createdAt: number; updatedAt: number };
export type IssueComment = { id: number; repo: string; number: number; body: string; user: string; createdAt: number; updatedAt: number };
export type CheckStatus = "queued" | "in_progress" | "completed";
export type CheckConclusion = "success" | "failure" | "neutral" | "cancelled" | "skipped" | "timed_out" | "action_required" | "stale";
export type CheckRun = {
  id: number; repo: string; suiteId: number; name: string; headSha: string; status: CheckStatus; conclusion: CheckConclusion | null;
  output: { title: string | null; summary: string | null; text: string | null }; detailsUrl: string | null; externalId: string | null;
  startedAt: number; completedAt: number | null;
};
export type CheckSuite = { id: number; repo: string; headSha: string; headBranch: string | null };
export type ReviewState = "APPROVED" | "CHANGES_REQUESTED" | "COMMENTED";
export type ReviewComment = { id: number; reviewId: number; repo: string; number: number; path: string; line: number | null; side: "LEFT" | "RIGHT" | null; body: string; user: string; commitId: string; createdAt: number };
export type Review = { id: number; repo: string; number: number; user: string; body: string; state: ReviewState; commitId: string; submittedAt: number };

const iso = (at: number | null) => (at === null ? null : new Date(at).toISOString().replace(/\.\d{3}Z$/, "Z"));
const nodeId = (kind: string, id: number) => Buffer.from(`${kind}:${id}`).toString("base64").replace(/=+$/, "");

export function userJson(urls: Urls, account: Pick<Account, "login" | "id">) {
  return { login: account.login, id: account.id, node_id: nodeId("U", account.id), type: "User", site_admin: false, url: `${urls.api}/users/${account.login}`, html_url: `${urls.web}/${account.login}` };
}

export function repoJson(urls: Urls, repo: Repo, owner: Pick<Account, "login" | "id">, held: Permission | null) {
  const full = `${repo.owner}/${repo.name}`;
  return {
    id: repo.id, node_id: nodeId("R", repo.id), name: repo.name, full_name: full, private: repo.private, owner: userJson(urls, owner),
    html_url: `${urls.web}/${full}`, url: `${urls.api}/repos/${full}`, clone_url: `${urls.web}/${full}.git`,
    default_branch: repo.defaultBranch, visibility: repo.private ? "private" : "public", fork: false, archived: false, disabled: false,
    created_at: iso(repo.createdAt), permissions: permissionsObject(held),
  };
}

export function pullJson(urls: Urls, pull: Pull, repo: ReturnType<typeof repoJson>, author: Pick<Account, "login" | "id">) {
  const api = `${urls.api}/repos/${repo.full_name}`;
  const side = (ref: string, sha: string) => ({ label: `${repo.owner.login}:${ref}`, ref, sha, user: repo.owner, repo });
  return {
    id: pull.id, node_id: nodeId("PR", pull.id), number: pull.number, url: `${api}/pulls/${pull.number}`,
    html_url: `${urls.web}/${repo.full_name}/pull/${pull.number}`, diff_url: `${urls.web}/${repo.full_name}/pull/${pull.number}.diff`,
    issue_url: `${api}/issues/${pull.number}`, comments_url: `${api}/issues/${pull.number}/comments`,
    state: pull.state, locked: false, title: pull.title, body: pull.body, user: userJson(urls, author), draft: pull.draft,
    created_at: iso(pull.createdAt), updated_at: iso(pull.updatedAt), closed_at: iso(pull.closedAt), merged_at: iso(pull.mergedAt),
    merged: pull.merged, merge_commit_sha: null, head: side(pull.head, pull.headSha), base: side(pull.base, pull.baseSha), author_association: "OWNER",
  };
}

export function issueCommentJson(urls: Urls, comment: IssueComment, author: Pick<Account, "login" | "id">) {
  const api = `${urls.api}/repos/${comment.repo}`;
  return {
    id: comment.id, node_id: nodeId("IC", comment.id), url: `${api}/issues/comments/${comment.id}`,
    html_url: `${urls.web}/${comment.repo}/pull/${comment.number}#issuecomment-${comment.id}`, issue_url: `${api}/issues/${comment.number}`,
    body: comment.body, user: userJson(urls, author), created_at: iso(comment.createdAt), updated_at: iso(comment.updatedAt), author_association: "OWNER",
  };
}

export function checkRunJson(urls: Urls, run: CheckRun) {
  return {
    id: run.id, node_id: nodeId("CR", run.id), name: run.name, head_sha: run.headSha, status: run.status, conclusion: run.conclusion,
    external_id: run.externalId, details_url: run.detailsUrl, url: `${urls.api}/repos/${run.repo}/check-runs/${run.id}`,
    html_url: `${urls.web}/${run.repo}/runs/${run.id}`, started_at: iso(run.startedAt), completed_at: iso(run.completedAt),
    output: { ...run.output, annotations_count: 0 }, check_suite: { id: run.suiteId }, pull_requests: [],
  };
}

/** A suite's status and conclusion follow its runs: completed when all are, failure if any failed. */
export function suiteOutcome(runs: readonly CheckRun[]): { status: CheckStatus; conclusion: CheckConclusion | null } {
  if (runs.length === 0) return { status: "queued", conclusion: null };
  if (runs.some((run) => run.status !== "completed")) return { status: runs.some((run) => run.status === "in_progress") ? "in_progress" : "queued", conclusion: null };
  const bad = runs.find((run) => ["failure", "timed_out", "cancelled", "action_required"].includes(run.conclusion ?? ""));
  return { status: "completed", conclusion: bad?.conclusion ?? (runs.every((run) => run.conclusion === "skipped") ? "skipped" : "success") };
}

export function checkSuiteJson(urls: Urls, suite: CheckSuite, runs: readonly CheckRun[]) {
  return {
    id: suite.id, node_id: nodeId("CS", suite.id), head_sha: suite.headSha, head_branch: suite.headBranch, ...suiteOutcome(runs),
    url: `${urls.api}/repos/${suite.repo}/check-suites/${suite.id}`, latest_check_runs_count: runs.length, pull_requests: [],
    app: { id: 1, slug: "stand-in-ci", name: "Stand-in CI" },
  };
}

export function reviewJson(urls: Urls, review: Review, author: Pick<Account, "login" | "id">) {
  return {
    id: review.id, node_id: nodeId("PRR", review.id), user: userJson(urls, author), body: review.body, state: review.state,
    commit_id: review.commitId, submitted_at: iso(review.submittedAt), author_association: "OWNER",
    html_url: `${urls.web}/${review.repo}/pull/${review.number}#pullrequestreview-${review.id}`,
    pull_request_url: `${urls.api}/repos/${review.repo}/pulls/${review.number}`,
  };
}

export function reviewCommentJson(urls: Urls, comment: ReviewComment, author: Pick<Account, "login" | "id">) {
  return {
    id: comment.id, node_id: nodeId("PRRC", comment.id), pull_request_review_id: comment.reviewId, path: comment.path, line: comment.line,
    side: comment.side, subject_type: comment.line === null ? "file" : "line",
    body: comment.body, user: userJson(urls, author), commit_id: comment.commitId, created_at: iso(comment.createdAt), updated_at: iso(comment.createdAt),
    url: `${urls.api}/repos/${comment.repo}/pulls/comments/${comment.id}`, html_url: `${urls.web}/${comment.repo}/pull/${comment.number}#discussion_r${comment.id}`,
    pull_request_url: `${urls.api}/repos/${comment.repo}/pulls/${comment.number}`, author_association: "OWNER",
  };
}

/** An issue as the REST API (and a webhook's `issue`) shows it; a pull request's issue view carries `pull_request`. */
export function issueJson(urls: Urls, issue: Omit<Issue, "labels"> & { labels: Array<{ name: string; id: number }> }, author: Pick<Account, "login" | "id">, isPull = false) {
  const api = `${urls.api}/repos/${issue.repo}`;
  return {
    id: issue.id, node_id: nodeId("I", issue.id), number: issue.number, title: issue.title, body: issue.body, user: userJson(urls, author),
    labels: issue.labels.map((l) => ({ id: l.id, name: l.name, color: "ededed", default: false, description: null })), state: issue.state, locked: false,
    comments: 0, created_at: iso(issue.createdAt), updated_at: iso(issue.updatedAt), closed_at: null, author_association: "OWNER",
    url: `${api}/issues/${issue.number}`, html_url: `${urls.web}/${issue.repo}/${isPull ? "pull" : "issues"}/${issue.number}`, comments_url: `${api}/issues/${issue.number}/comments`,
    ...(isPull ? { pull_request: { url: `${api}/pulls/${issue.number}`, html_url: `${urls.web}/${issue.repo}/pull/${issue.number}` } } : {}),
  };
}
