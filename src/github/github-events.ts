// GitHub's webhook payloads, as the relay reads them: parsed with zod into the few facts it acts
// on (docs: "Webhook events and payloads"). A payload missing what its event must carry is
// malformed; events the relay does not act on are `other`.
import * as z from "zod/mini";

const User = z.object({ login: z.string() });
const opt = <T extends z.ZodMiniType>(t: T) => z.optional(z.nullable(t));
const PullRef = z.object({ number: z.number() });

/** Every event the relay takes names its repository: the webhook's secret is that repository's. */
export const RepositorySchema = z.object({ repository: z.object({ full_name: z.string().check(z.regex(/^[\w.-]+\/[\w.-]+$/)), clone_url: opt(z.string()) }) });

const CheckRunPayload = z.object({
  action: z.string(),
  check_run: z.object({
    name: z.string(),
    head_sha: z.string(),
    status: z.string(),
    conclusion: opt(z.string()),
    output: opt(z.object({ title: opt(z.string()), summary: opt(z.string()) })),
    pull_requests: opt(z.array(PullRef)),
  }),
});
const CheckSuitePayload = z.object({
  action: z.string(),
  check_suite: z.object({ head_sha: z.string(), head_branch: opt(z.string()), status: opt(z.string()), conclusion: opt(z.string()), pull_requests: opt(z.array(PullRef)), updated_at: opt(z.string()) }),
});
const PullRequest = z.object({ number: z.number(), title: z.string(), html_url: z.string(), merged: opt(z.boolean()), head: z.object({ sha: z.string(), ref: z.string() }) });
const PullRequestPayload = z.object({ action: z.string(), pull_request: PullRequest });
const ReviewPayload = z.object({
  action: z.string(),
  review: z.object({ id: z.number(), user: User, state: z.string(), body: opt(z.string()), html_url: opt(z.string()) }),
  pull_request: z.object({ number: z.number(), title: z.string(), html_url: z.string() }),
});
const ReviewCommentPayload = z.object({
  action: z.string(),
  comment: z.object({ user: User, path: z.string(), line: opt(z.number()), original_line: opt(z.number()), body: z.string(), pull_request_review_id: opt(z.number()) }),
  pull_request: z.object({ number: z.number() }),
});
const Issue = z.object({ number: z.number(), title: z.string(), body: opt(z.string()), html_url: z.string(), pull_request: opt(z.object({})), user: User, updated_at: opt(z.string()) });
const IssuesPayload = z.object({ action: z.string(), issue: Issue, label: opt(z.object({ name: z.string() })), sender: User });
const IssueCommentPayload = z.object({ action: z.string(), issue: Issue, comment: z.object({ body: z.string(), user: User, author_association: z.string(), html_url: z.string(), created_at: opt(z.string()), updated_at: opt(z.string()) }) });

/** What the relay reads of one event; `repo` and `number` name what it is about. */
export type GithubEvent =
  | { kind: "check_run"; action: string; name: string; headSha: string; conclusion: string | null; summary: string | null; prNumbers: number[] }
  | { kind: "check_suite"; action: string; headSha: string; headBranch: string | null; conclusion: string | null; prNumbers: number[] }
  | { kind: "pull_request"; action: string; number: number; title: string; url: string; merged: boolean; headSha: string }
  | { kind: "review"; action: string; number: number; title: string; url: string; reviewId: number; reviewer: string; state: string; body: string }
  | { kind: "review_comment"; action: string; number: number; reviewId: number | null; author: string; path: string; line: number | null; body: string }
  | { kind: "issue"; action: string; number: number; title: string; body: string; url: string; label: string | null; sender: string; author: string; isPullRequest: boolean }
  | { kind: "issue_comment"; action: string; number: number; title: string; body: string; url: string; author: string; association: string; isPullRequest: boolean }
  | { kind: "other"; name: string };

/**
 * `at`: when GitHub says the event's subject last changed (a suite's, an issue's, a comment's
 * `updated_at`), epoch ms; null when the payload does not say. A body older than the replay
 * window is a replay (stalePayload).
 */
export type ParsedDelivery = { repo: string; cloneUrl: string | null; event: GithubEvent; at?: number | null };

/**
 * Whether a payload is older than `windowMs`: its signed body could only be a replay, since the
 * hash that would recognise it was let go with the window (github_deliveries' retention). A
 * payload that says no time is judged by its hash alone.
 */
export function stalePayload(at: number | null | undefined, now: number, windowMs: number): boolean {
  return typeof at === "number" && Number.isFinite(at) && at < now - windowMs;
}

const timeOf = (iso: string | null | undefined): number | null => {
  const at = iso ? Date.parse(iso) : Number.NaN;
  return Number.isFinite(at) ? at : null;
};

function atOf(name: string, payload: unknown): number | null {
  switch (name) {
    case "check_suite": {
      const p = CheckSuitePayload.safeParse(payload);
      return p.success ? timeOf(p.data.check_suite.updated_at) : null;
    }
    case "issues": {
      const p = IssuesPayload.safeParse(payload);
      return p.success ? timeOf(p.data.issue.updated_at) : null;
    }
    case "issue_comment": {
      const p = IssueCommentPayload.safeParse(payload);
      return p.success ? timeOf(p.data.comment.updated_at ?? p.data.comment.created_at) : null;
    }
    default:
      return null;
  }
}

/** The event `name` (X-GitHub-Event) of `payload`; null when it is malformed. */
export function parseGithubEvent(name: string, payload: unknown): ParsedDelivery | null {
  const repository = RepositorySchema.safeParse(payload);
  if (!repository.success) return null;
  const event = eventOf(name, payload);
  return event && { repo: repository.data.repository.full_name, cloneUrl: repository.data.repository.clone_url ?? null, event, at: atOf(name, payload) };
}

function eventOf(name: string, payload: unknown): GithubEvent | null {
  const read = <T>(schema: z.ZodMiniType<T>): T | null => {
    const parsed = schema.safeParse(payload);
    return parsed.success ? parsed.data : null;
  };
  const prs = (list: { number: number }[] | null | undefined) => (list ?? []).map((p) => p.number);
  switch (name) {
    case "check_run": {
      const p = read(CheckRunPayload);
      const r = p?.check_run;
      return p && r ? { kind: "check_run", action: p.action, name: r.name, headSha: r.head_sha, conclusion: r.conclusion ?? null, summary: r.output?.summary ?? r.output?.title ?? null, prNumbers: prs(r.pull_requests) } : null;
    }
    case "check_suite": {
      const p = read(CheckSuitePayload);
      const s = p?.check_suite;
      return p && s ? { kind: "check_suite", action: p.action, headSha: s.head_sha, headBranch: s.head_branch ?? null, conclusion: s.conclusion ?? null, prNumbers: prs(s.pull_requests) } : null;
    }
    case "pull_request": {
      const p = read(PullRequestPayload);
      const r = p?.pull_request;
      return p && r ? { kind: "pull_request", action: p.action, number: r.number, title: r.title, url: r.html_url, merged: r.merged === true, headSha: r.head.sha } : null;
    }
    case "pull_request_review": {
      const p = read(ReviewPayload);
      if (!p) return null;
      const { review: r, pull_request: pr } = p;
      return { kind: "review", action: p.action, number: pr.number, title: pr.title, url: r.html_url ?? pr.html_url, reviewId: r.id, reviewer: r.user.login, state: r.state.toLowerCase(), body: r.body ?? "" };
    }
    case "pull_request_review_comment": {
      const p = read(ReviewCommentPayload);
      const c = p?.comment;
      return p && c ? { kind: "review_comment", action: p.action, number: p.pull_request.number, reviewId: c.pull_request_review_id ?? null, author: c.user.login, path: c.path, line: c.line ?? c.original_line ?? null, body: c.body } : null;
    }
    case "issues": {
      const p = read(IssuesPayload);
      const i = p?.issue;
      return p && i ? { kind: "issue", action: p.action, number: i.number, title: i.title, body: i.body ?? "", url: i.html_url, label: p.label?.name ?? null, sender: p.sender.login, author: i.user.login, isPullRequest: Boolean(i.pull_request) } : null;
    }
    case "issue_comment": {
      const p = read(IssueCommentPayload);
      if (!p) return null;
      const { issue: i, comment: c } = p;
      return { kind: "issue_comment", action: p.action, number: i.number, title: i.title, body: c.body, url: c.html_url, author: c.user.login, association: c.author_association, isPullRequest: Boolean(i.pull_request) };
    }
    default:
      return { kind: "other", name };
  }
}

/** `owner/name` (lower case) of a clone URL (`https://host/owner/name(.git)`, `git@host:owner/name.git`); null for any other. */
export function repoOfUrl(url: string | null): string | null {
  const m = url ? /^(?:https?:\/\/[^/]+\/|git@[^:]+:)([\w.-]+)\/([\w.-]+?)(?:\.git)?\/?$/.exec(url.trim()) : null;
  return m ? `${m[1]}/${m[2]}`.toLowerCase() : null;
}

/** A conversation name for a clone of `repo` (its name, made a valid name), not one of `taken`. */
export function conversationNameFor(repo: string, taken: (name: string) => boolean): string {
  const base = (repo.split("/")[1] ?? "repo").replace(/[^A-Za-z0-9_-]/g, "-").slice(0, 28) || "repo";
  for (let n = 1; ; n++) {
    const name = n === 1 ? base : `${base}-${n}`;
    if (!taken(name)) return name;
  }
}
