import { describe, expect, it } from "vitest";
import { conversationNameFor, parseGithubEvent, repoOfUrl, stalePayload } from "../../src/github/github-events";
import { parseCommand } from "../../src/commands/commands";

const repository = { full_name: "Acme/API", clone_url: "https://github.com/Acme/API.git" };

describe("parseGithubEvent", () => {
  it.each([
    ["check_run", { action: "completed", repository, check_run: { name: "test", head_sha: "abc", status: "completed", conclusion: "failure", output: { title: "1 failed", summary: "FAIL a.test.ts\nexpected 2" }, pull_requests: [{ number: 12 }] } },
      { kind: "check_run", action: "completed", name: "test", headSha: "abc", conclusion: "failure", summary: "FAIL a.test.ts\nexpected 2", prNumbers: [12] }],
    ["check_suite", { action: "completed", repository, check_suite: { head_sha: "abc", head_branch: "agent/api", status: "completed", conclusion: "success", pull_requests: [] } },
      { kind: "check_suite", action: "completed", headSha: "abc", headBranch: "agent/api", conclusion: "success", prNumbers: [] }],
    ["pull_request", { action: "closed", repository, pull_request: { number: 12, title: "T", html_url: "u", merged: true, head: { sha: "abc", ref: "agent/api" } } },
      { kind: "pull_request", action: "closed", number: 12, title: "T", url: "u", merged: true, headSha: "abc" }],
    ["pull_request_review", { action: "submitted", repository, review: { id: 5, user: { login: "bob" }, state: "CHANGES_REQUESTED", body: null, html_url: "r" }, pull_request: { number: 12, title: "T", html_url: "u" } },
      { kind: "review", action: "submitted", number: 12, title: "T", url: "r", reviewId: 5, reviewer: "bob", state: "changes_requested", body: "" }],
    ["pull_request_review_comment", { action: "created", repository, comment: { user: { login: "bob" }, path: "a.ts", line: null, original_line: 4, body: "why?", pull_request_review_id: 5 }, pull_request: { number: 12 } },
      { kind: "review_comment", action: "created", number: 12, reviewId: 5, author: "bob", path: "a.ts", line: 4, body: "why?" }],
    ["issues", { action: "labeled", repository, issue: { number: 7, title: "Bug", body: null, html_url: "i", user: { login: "al" } }, label: { name: "agent" }, sender: { login: "al" } },
      { kind: "issue", action: "labeled", number: 7, title: "Bug", body: "", url: "i", label: "agent", sender: "al", author: "al", isPullRequest: false }],
    ["issue_comment", { action: "created", repository, issue: { number: 12, title: "T", html_url: "i", pull_request: {}, user: { login: "al" } }, comment: { body: "/agent go", user: { login: "bob" }, author_association: "MEMBER", html_url: "c" } },
      { kind: "issue_comment", action: "created", number: 12, title: "T", body: "/agent go", url: "c", author: "bob", association: "MEMBER", isPullRequest: true }],
    ["push", { repository, ref: "refs/heads/main" }, { kind: "other", name: "push" }],
  ])("%s", (name, payload, event) => {
    expect(parseGithubEvent(name, payload)).toEqual({ repo: "Acme/API", cloneUrl: "https://github.com/Acme/API.git", event, at: null });
  });

  it.each([
    ["an issue's updated_at", "issues", { action: "labeled", repository, issue: { number: 7, title: "Bug", html_url: "i", user: { login: "al" }, updated_at: "2026-11-01T10:00:00Z" }, label: { name: "agent" }, sender: { login: "al" } }, Date.parse("2026-11-01T10:00:00Z")],
    ["a comment's updated_at", "issue_comment", { action: "created", repository, issue: { number: 1, title: "T", html_url: "i", user: { login: "al" } }, comment: { body: "/agent", user: { login: "b" }, author_association: "OWNER", html_url: "c", created_at: "2026-10-01T00:00:00Z", updated_at: "2026-10-02T00:00:00Z" } }, Date.parse("2026-10-02T00:00:00Z")],
    ["a comment's created_at without updated_at", "issue_comment", { action: "created", repository, issue: { number: 1, title: "T", html_url: "i", user: { login: "al" } }, comment: { body: "/agent", user: { login: "b" }, author_association: "OWNER", html_url: "c", created_at: "2026-10-01T00:00:00Z" } }, Date.parse("2026-10-01T00:00:00Z")],
    ["a suite's updated_at", "check_suite", { action: "completed", repository, check_suite: { head_sha: "a", conclusion: "failure", updated_at: "2026-09-01T00:00:00Z" } }, Date.parse("2026-09-01T00:00:00Z")],
    ["a time that is not one", "issues", { action: "labeled", repository, issue: { number: 7, title: "Bug", html_url: "i", user: { login: "al" }, updated_at: "yesterday" }, label: { name: "agent" }, sender: { login: "al" } }, null],
  ])("when the payload says it changed: %s", (_name, event, payload, at) => {
    expect(parseGithubEvent(event, payload)?.at).toBe(at);
  });

  const DAY = 24 * 3600_000;
  it.each([
    ["within the window", Date.parse("2026-11-20T00:00:00Z"), false],
    ["older than the window: only a replay can bring it", Date.parse("2026-10-01T00:00:00Z"), true],
    ["no time said: the hash alone judges", null, false],
  ])("stalePayload: %s", (_name, at, stale) => {
    expect(stalePayload(at, Date.parse("2026-11-25T00:00:00Z"), 30 * DAY)).toBe(stale);
  });

  it.each([
    ["no repository", "issues", { action: "labeled" }],
    ["a repository name with a path in it", "push", { repository: { full_name: "acme/api/../x" } }],
    ["a check run without its name", "check_run", { action: "completed", repository, check_run: { head_sha: "abc", status: "completed" } }],
    ["a review with a string id", "pull_request_review", { action: "submitted", repository, review: { id: "5", user: { login: "b" }, state: "approved" }, pull_request: { number: 1, title: "T", html_url: "u" } }],
    ["not an object", "issues", "hello"],
    ["null", "issues", null],
  ])("malformed: %s", (_why, name, payload) => {
    expect(parseGithubEvent(name, payload)).toBeNull();
  });
});

describe("repoOfUrl and conversationNameFor", () => {
  it.each([
    ["https://github.com/acme/api.git", "acme/api"],
    ["https://github.com/Acme/API", "acme/api"],
    ["http://127.0.0.1:4290/operator/sample.git", "operator/sample"],
    ["git@github.com:acme/api.git", "acme/api"],
    ["https://github.com/acme", null],
    [null, null],
  ])("%s → %s", (url, repo) => expect(repoOfUrl(url)).toBe(repo));

  it("names a clone after the repository, avoiding names taken", () => {
    expect(conversationNameFor("acme/api", () => false)).toBe("api");
    expect(conversationNameFor("acme/api", (n) => n === "api" || n === "api-2")).toBe("api-3");
    expect(conversationNameFor("acme/my.site", () => false)).toBe("my-site");
  });
});

describe("/github and /autofix", () => {
  it.each([
    ["/github", { type: "github", action: "list" }],
    ["/github watch acme/api", { type: "github", action: "watch", repo: "acme/api" }],
    ["/github WATCH https://github.com/acme/api.git", { type: "github", action: "watch", repo: "acme/api" }],
    ["/github unwatch acme/api", { type: "github", action: "unwatch", repo: "acme/api" }],
    ["/autofix", { type: "autofix", on: null }],
    ["/autofix on", { type: "autofix", on: true }],
    ["/autofix OFF", { type: "autofix", on: false }],
  ])("%s", (text, parsed) => expect(parseCommand(text)).toEqual(parsed));

  it.each(["/github watch", "/github watch acme", "/github watch acme/api extra", "/github watch ../x", "/github follow acme/api", "/autofix maybe"])("%s is refused with a reason", (text) => {
    expect(parseCommand(text)).toMatchObject({ type: "invalid" });
  });
});
