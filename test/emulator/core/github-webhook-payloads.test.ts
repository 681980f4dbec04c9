// The GitHub stand-in's webhook payloads and who an author is to a repository: pure, as GitHub's docs shape them.
import { describe, expect, it } from "vitest";
import { associationOf } from "../../../emulator/github/core/access";
import { checkRunPayload, hookJson, issuesPayload, minimalPull, pingPayload, pullRequestPayload } from "../../../emulator/github/core/webhook-payloads";

const URLS = { api: "http://gh/api/v3", web: "http://gh" };
const REPO = { id: 7, full_name: "acme/sample", url: "http://gh/api/v3/repos/acme/sample", name: "sample" };
const SENDER = { login: "acme" };
const PULL = { number: 3, id: 30, url: "http://gh/api/v3/repos/acme/sample/pulls/3", head: { ref: "agent/x", sha: "b".repeat(40), repo: REPO }, base: { ref: "main", sha: "a".repeat(40), repo: REPO } };

describe("associationOf", () => {
  it.each([
    ["acme", "OWNER"],
    ["ACME", "OWNER"],
    ["reviewer", "COLLABORATOR"],
    ["stranger", "NONE"],
  ])("%s is %s", (login, expected) => {
    expect(associationOf({ owner: "acme", name: "sample", private: true, collaborators: { Reviewer: "read" } }, login)).toBe(expected);
  });
});

it("names a pull request in a check as GitHub's minimal pull request: number, url, both ends' ref, sha and repository", () => {
  expect(minimalPull(PULL)).toEqual({
    url: PULL.url, id: 30, number: 3,
    head: { ref: "agent/x", sha: "b".repeat(40), repo: { id: 7, url: REPO.url, name: "sample" } },
    base: { ref: "main", sha: "a".repeat(40), repo: { id: 7, url: REPO.url, name: "sample" } },
  });
  const payload = checkRunPayload({ id: 1, conclusion: "failure" }, { id: 2 }, [PULL], REPO, SENDER) as { check_run: { pull_requests: unknown[]; check_suite: { pull_requests: unknown[] } } };
  expect(payload.check_run.pull_requests).toEqual([minimalPull(PULL)]);
  expect(payload.check_run.check_suite.pull_requests).toEqual([minimalPull(PULL)]);
});

it("gives every payload its action, repository and sender; a label only when one was added", () => {
  expect(pullRequestPayload("synchronize", { number: 3 }, REPO, SENDER, { before: "a", after: "b" })).toEqual({ action: "synchronize", number: 3, pull_request: { number: 3 }, before: "a", after: "b", repository: REPO, sender: SENDER });
  expect(issuesPayload("opened", { number: 4 }, REPO, SENDER)).toEqual({ action: "opened", issue: { number: 4 }, repository: REPO, sender: SENDER });
  expect(issuesPayload("labeled", { number: 4 }, REPO, SENDER, { name: "agent" })).toMatchObject({ label: { name: "agent" } });
  expect(pingPayload({ id: 9 }, REPO, SENDER)).toMatchObject({ hook_id: 9, hook: { id: 9 }, zen: expect.any(String) });
});

it("never shows a hook's secret, as GitHub masks it", () => {
  const hook = { id: 9, repo: "acme/sample", url: "http://relay/github/webhook", secret: "s3cret", contentType: "json" as const, events: ["*"], active: true, createdAt: Date.UTC(2026, 0, 2) };
  const json = hookJson(URLS, hook);
  expect(json.config).toEqual({ url: "http://relay/github/webhook", content_type: "json", insecure_ssl: "0", secret: "********" });
  expect(JSON.stringify(json)).not.toContain("s3cret");
  expect(hookJson(URLS, { ...hook, secret: null }).config).not.toHaveProperty("secret");
  expect(json).toMatchObject({ type: "Repository", name: "web", created_at: "2026-01-02T00:00:00Z", deliveries_url: "http://gh/api/v3/repos/acme/sample/hooks/9/deliveries" });
});
