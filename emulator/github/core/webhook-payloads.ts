// The JSON GitHub sends with each webhook event the stand-in emits, per GitHub's "Webhook events and
// payloads": every payload has `action` (but ping), `repository` and `sender`; the event's own
// objects are the REST API's. Pure: the REST views come in built.
import type { Urls } from "./resources";

export type HookEvent = "ping" | "pull_request" | "check_suite" | "check_run" | "pull_request_review" | "pull_request_review_comment" | "issues" | "issue_comment";
export const HOOK_EVENTS: readonly HookEvent[] = ["pull_request", "check_suite", "check_run", "pull_request_review", "pull_request_review_comment", "issues", "issue_comment"];

type Json = Record<string, unknown>;
type PullView = { number: number; url: string; id: number; head: { ref: string; sha: string; repo: Json }; base: { ref: string; sha: string; repo: Json } };

/** How a check suite or run names its pull requests: number, url, and both ends (GitHub's "minimal" pull request). */
export function minimalPull(pull: PullView) {
  const end = (side: PullView["head"]) => ({ ref: side.ref, sha: side.sha, repo: { id: side.repo.id, url: side.repo.url, name: side.repo.name } });
  return { url: pull.url, id: pull.id, number: pull.number, head: end(pull.head), base: end(pull.base) };
}

export function base(repository: Json, sender: Json): { repository: Json; sender: Json } {
  return { repository, sender };
}

/** `ping`: sent when a hook is created; `zen`, `hook_id` and the `hook`. */
export function pingPayload(hook: Json, repository: Json, sender: Json): Json {
  return { zen: "Keep it logically awesome.", hook_id: hook.id, hook, ...base(repository, sender) };
}

export function pullRequestPayload(action: "opened" | "closed" | "reopened" | "edited" | "synchronize", pull: Json & { number: number }, repository: Json, sender: Json, extra: Json = {}): Json {
  return { action, number: pull.number, pull_request: pull, ...extra, ...base(repository, sender) };
}

export function checkRunPayload(run: Json, suite: Json, pulls: PullView[], repository: Json, sender: Json): Json {
  const minimal = pulls.map(minimalPull);
  return { action: "completed", check_run: { ...run, check_suite: { ...suite, pull_requests: minimal }, pull_requests: minimal }, ...base(repository, sender) };
}

export function checkSuitePayload(suite: Json, pulls: PullView[], repository: Json, sender: Json): Json {
  return { action: "completed", check_suite: { ...suite, pull_requests: pulls.map(minimalPull) }, ...base(repository, sender) };
}

export function reviewPayload(review: Json, pull: Json, repository: Json, sender: Json): Json {
  return { action: "submitted", review, pull_request: pull, ...base(repository, sender) };
}

export function reviewCommentPayload(comment: Json, pull: Json, repository: Json, sender: Json): Json {
  return { action: "created", comment, pull_request: pull, ...base(repository, sender) };
}

export function issuesPayload(action: "opened" | "labeled", issue: Json, repository: Json, sender: Json, label?: Json): Json {
  return { action, issue, ...(label ? { label } : {}), ...base(repository, sender) };
}

export function issueCommentPayload(comment: Json, issue: Json, repository: Json, sender: Json): Json {
  return { action: "created", issue, comment, ...base(repository, sender) };
}

/** A label as GitHub shows one; the stand-in's colours are fixed. */
export function labelJson(urls: Urls, repo: string, name: string, id: number) {
  return { id, node_id: Buffer.from(`L:${id}`).toString("base64").replace(/=+$/, ""), url: `${urls.api}/repos/${repo}/labels/${encodeURIComponent(name)}`, name, color: "ededed", default: false, description: null };
}

/** The hook as the REST API shows it (`GET /repos/{o}/{r}/hooks/{id}`); the secret is never shown, as on GitHub. */
export function hookJson(urls: Urls, hook: { id: number; repo: string; url: string; secret: string | null; contentType: "json" | "form"; events: string[]; active: boolean; createdAt: number }) {
  const api = `${urls.api}/repos/${hook.repo}/hooks/${hook.id}`;
  const at = new Date(hook.createdAt).toISOString().replace(/\.\d{3}Z$/, "Z");
  return {
    type: "Repository", id: hook.id, name: "web", active: hook.active, events: hook.events,
    config: { url: hook.url, content_type: hook.contentType, insecure_ssl: "0", ...(hook.secret ? { secret: "********" } : {}) },
    updated_at: at, created_at: at, url: api, test_url: `${api}/test`, ping_url: `${api}/pings`, deliveries_url: `${api}/deliveries`,
  };
}
