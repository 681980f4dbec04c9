import { describe, expect, it } from "vitest";
import { repoLocationOf, serverGitDecision, serverPushDecision, type ServerGitGrant } from "../../src/core/server-git-scope";

const fetchGrant: ServerGitGrant = { kind: "fetch", host: "github.com", repoPath: "/acme/api" };
const pushGrant: ServerGitGrant = { kind: "push", host: "github.com", repoPath: "/acme/api", branch: "agent/api" };
const ZERO = "0".repeat(40);
const SHA = "1".repeat(40);

it.each([
  ["https://github.com/Acme/API.git", { host: "github.com", repoPath: "/acme/api" }],
  ["http://127.0.0.1:8080/acme/api/", { host: "127.0.0.1:8080", repoPath: "/acme/api" }],
  ["git@github.com:acme/api.git", null],
  ["file:///srv/repo", null],
  ["https://github.com/", null],
])("repoLocationOf(%j)", (url, location) => {
  expect(repoLocationOf(url)).toEqual(location);
});

describe("serverGitDecision", () => {
  it.each([
    ["a clone's ref advertisement", fetchGrant, "github.com", "/acme/api.git/info/refs", "?service=git-upload-pack", true],
    ["a clone's pack", fetchGrant, "github.com", "/acme/api.git/git-upload-pack", "", true],
    ["without .git, other case", fetchGrant, "GitHub.com", "/Acme/Api/git-upload-pack", "", true],
    ["a clone's token pushing", fetchGrant, "github.com", "/acme/api.git/info/refs", "?service=git-receive-pack", false],
    ["a clone's token posting a push", fetchGrant, "github.com", "/acme/api.git/git-receive-pack", "", false],
    ["another repository", fetchGrant, "github.com", "/acme/other.git/git-upload-pack", "", false],
    ["a repository under it", fetchGrant, "github.com", "/acme/api/x.git/git-upload-pack", "", false],
    ["another host", fetchGrant, "gitlab.com", "/acme/api.git/git-upload-pack", "", false],
    ["a push's ref advertisement", pushGrant, "github.com", "/acme/api.git/info/refs", "?service=git-receive-pack", true],
    ["a push's pack", pushGrant, "github.com", "/acme/api.git/git-receive-pack", "", true],
    ["a push's token fetching", pushGrant, "github.com", "/acme/api.git/git-upload-pack", "", false],
  ] as const)("%s", (_what, grant, host, path, search, allowed) => {
    expect(serverGitDecision(grant, host, path, search).allow).toBe(allowed);
  });
});

describe("serverPushDecision", () => {
  const allowed = (grant: ServerGitGrant, updates: Array<{ old: string; new: string; ref: string }>) => [...serverPushDecision(grant, updates).values()].map((d) => d.allow);
  it.each([
    ["its branch", pushGrant, [{ old: ZERO, new: SHA, ref: "refs/heads/agent/api" }], [true]],
    ["its branch, deleted", pushGrant, [{ old: SHA, new: ZERO, ref: "refs/heads/agent/api" }], [false]],
    ["its branch, deleted (sha-256)", pushGrant, [{ old: SHA, new: "0".repeat(64), ref: "refs/heads/agent/api" }], [false]],
    ["another branch", pushGrant, [{ old: SHA, new: SHA, ref: "refs/heads/main" }], [false]],
    ["a tag", pushGrant, [{ old: ZERO, new: SHA, ref: "refs/tags/agent/api" }], [false]],
    ["its branch and another", pushGrant, [{ old: ZERO, new: SHA, ref: "refs/heads/agent/api" }, { old: SHA, new: SHA, ref: "refs/heads/main" }], [true, false]],
    ["a clone's token", fetchGrant, [{ old: ZERO, new: SHA, ref: "refs/heads/agent/api" }], [false]],
  ] as const)("%s", (_what, grant, updates, expected) => {
    expect(allowed(grant, [...updates])).toEqual(expected);
  });
});
