// /ship's decisions, pure: the branch, the texts from the runs, and GitHub's refusals named.
import { describe, expect, it } from "vitest";
import { branchPart, checkedOf, commitMessage, numstatTotals, pullAnswerOf, previewChange, pullBody, pushRefusalOf, shipBranch, shipTitle } from "../../src/core/ship";

describe("shipBranch", () => {
  const base = { workspace: "api", defaultBranch: "main", openPullBranch: null, usedBranches: [] as string[] };
  it.each([
    ["a fresh clone of the default branch", { recorded: "main" }, "agent/api"],
    ["nothing recorded", { recorded: null }, "agent/api"],
    ["cloned on a branch of its own", { recorded: "feature/login" }, "feature/login"],
    ["the branch of the open pull request", { recorded: "main", openPullBranch: "agent/api" }, "agent/api"],
    ["the agent branch it shipped to", { recorded: "agent/api-3" }, "agent/api-3"],
    ["after a closed pull request", { recorded: "agent/api", usedBranches: ["agent/api"] }, "agent/api-2"],
    ["after two", { recorded: "agent/api-2", usedBranches: ["agent/api", "agent/api-2"] }, "agent/api-3"],
    ["the own branch closed", { recorded: "feature/login", usedBranches: ["feature/login"] }, "agent/api"],
    ["a conversation's name as the user wrote it", { workspace: "My API", recorded: "main" }, "agent/my-api"],
  ])("%s", (_what, s, branch) => {
    expect(shipBranch({ ...base, ...s })).toBe(branch);
  });
});

describe("previewChange", () => {
  const agreed = { repo: "acme/api", branch: "agent/api", head: "a".repeat(40), tree: "b".repeat(40) };
  it.each([
    ["nothing", {}, null],
    ["the repository", { repo: "acme/other" }, "the repository changed since the preview (acme/api, now acme/other)"],
    ["the branch", { branch: "feature-x" }, "the branch changed since the preview (agent/api, now feature-x)"],
    ["the commit", { head: "c".repeat(40) }, "the workspace's commit changed since the preview (aaaaaaa, now ccccccc)"],
    ["the commit, from none", { head: null }, "the workspace's commit changed since the preview (aaaaaaa, now none)"],
    ["the files", { tree: "d".repeat(40) }, "the files changed since the preview"],
  ])("%s", (_what, now, said) => {
    const line = previewChange(agreed, { ...agreed, ...now });
    if (said === null) expect(line).toBeNull();
    else expect(line).toMatch(new RegExp(`^${said.replace(/[()]/g, "\\$&")}\\. Send /ship again`));
  });
});

it.each([
  ["api", "api"],
  ["My API!", "my-api"],
  ["..x..y..", "x.y"],
  ["日本", "work"],
])("branchPart(%j) is %j", (name, part) => {
  expect(branchPart(name)).toBe(part);
});

describe("texts from the runs", () => {
  const runs = [
    { asked: "add a /health endpoint", said: "Added the route.\nI ran `npm test`: 42 tests passed." },
    { asked: "make it return the version" },
  ];
  it.each([
    ["I ran npm test: all 3 tests pass.", "I ran npm test: all 3 tests pass."],
    ["Done. The typecheck passes and lint is clean.", "The typecheck passes and lint is clean."],
    ["- `cargo test` ran green", "`cargo test` ran green"],
    ["I added the file.", null],
    ["Tests? I did not touch them.", null],
    [undefined, null],
  ])("checkedOf(%j)", (said, line) => {
    expect(checkedOf(said)).toBe(line);
  });
  it("the title is the user's, else the first words of the first run", () => {
    expect(shipTitle("  Health check ", runs, "api")).toBe("Health check");
    expect(shipTitle(undefined, runs, "api")).toBe("add a /health endpoint");
    expect(shipTitle(undefined, [], "api")).toBe("Work from conversation api");
    expect(shipTitle(undefined, [{ asked: "x".repeat(100) }], "api")).toHaveLength(72);
  });
  it("the commit message and the body list each run and how it was checked", () => {
    expect(commitMessage("Health", runs)).toBe("Health\n\nAsked, run by run:\n- add a /health endpoint\n- make it return the version\n\nChecked:\n- I ran `npm test`: 42 tests passed.\n");
    const body = pullBody(runs, "api");
    expect(body).toContain("1. add a /health endpoint\n2. make it return the version");
    expect(body).toContain("- I ran `npm test`: 42 tests passed.");
    expect(pullBody([{ asked: "x" }], "api")).toContain("did not say how it checked");
  });
});

describe("pushRefusalOf", () => {
  it.each([
    ["remote: error: GH006: Protected branch update failed for refs/heads/main.\n ! [remote rejected] main -> main (protected branch hook declined)", "push_protected"],
    [" ! [rejected]        HEAD -> agent/api (non-fast-forward)\nerror: failed to push some refs", "push_non_fast_forward"],
    [" ! [rejected]        HEAD -> agent/api (fetch first)", "push_non_fast_forward"],
    ["!\tabc:refs/heads/agent/api\t[rejected] (non-fast-forward)", "push_non_fast_forward"],
    ["remote: Permission to acme/api.git denied to bot.\nfatal: unable to access 'https://github.com/acme/api.git/': The requested URL returned error: 403", "push_no_permission"],
    ["remote: Repository not found.\nfatal: repository 'https://github.com/acme/api.git/' not found", "token_scope"],
    ["fatal: unable to access: Could not resolve host: github.com", "push_failed"],
  ])("%j", (stderr, reason) => {
    const named = pushRefusalOf(stderr, "agent/api", "acme/api");
    expect(named.reason).toBe(reason);
    expect(named.message).toMatch(/acme\/api/);
  });
});

describe("pullAnswerOf", () => {
  it.each([
    [201, {}, "ok"],
    [200, {}, "ok"],
    [422, { message: "Validation Failed", errors: [{ resource: "PullRequest", code: "custom", message: "A pull request already exists for acme:agent/api." }] }, "exists"],
    [422, { message: "Validation Failed", errors: [{ code: "custom", message: "No commits between main and agent/api" }] }, "nothing_to_ship"],
    [401, { message: "Bad credentials" }, "token_scope"],
    [403, { message: "Resource not accessible by personal access token" }, "token_scope"],
    [404, { message: "Not Found" }, "token_scope"],
    [422, { message: "Validation Failed", errors: [{ field: "base", code: "invalid" }] }, "pull_failed"],
    [502, null, "pull_failed"],
  ])("%i %j", (status, body, expected) => {
    const answer = pullAnswerOf(status, body, "acme/api");
    expect(typeof answer === "string" ? answer : answer.reason).toBe(expected);
  });
});

it("numstatTotals counts files and lines, binaries as files", () => {
  expect(numstatTotals("3\t1\ta.ts\n0\t5\tb.ts\n-\t-\tlogo.png\n")).toEqual({ files: 3, insertions: 3, deletions: 6 });
  expect(numstatTotals("")).toEqual({ files: 0, insertions: 0, deletions: 0 });
});
