// The GitHub scope of an agent, as tables: which repository a URL or git path names, what a git
// request and a push may do, which REST calls gh may make, and the body checks behind them.
import { describe, expect, it } from "vitest";
import { ghApiDecision, ownPullDecision, pullCreateDecision } from "../../src/core/github-api-scope";
import { gitDecision, ownBranchesOf, pushDecision, receivePackCommands, receivePackRefusal, repoOfUrl, type GithubScope, type ScopedRepo } from "../../src/core/github-scope";

const API: ScopedRepo = { repo: "acme/api", workspace: "api", ownBranches: ["agent/api"], ofRun: true };
/** A second conversation of the same repository, beside the presenting run's. */
const API_TWO: ScopedRepo = { repo: "acme/api", workspace: "two", ownBranches: ["agent/two"], ofRun: false };
const SCOPE: GithubScope = { repos: [API], runAsks: true };
const A = "a".repeat(40);
const B = "b".repeat(40);
const Z = "0".repeat(40);

describe("repositories and branches", () => {
  it.each([
    ["https://github.com/Acme/API.git", "https://github.com", "acme/api"],
    ["https://github.com/acme/api", "https://github.com", "acme/api"],
    ["git@github.com:acme/api.git", "https://github.com", "acme/api"],
    ["https://gitlab.com/acme/api", "https://github.com", null],
    ["http://127.0.0.1:4000/acme/api.git", "http://127.0.0.1:4000", "acme/api"],
    ["https://github.com/acme", "https://github.com", null],
    ["https://github.com/acme/api/tree/main", "https://github.com", null],
  ])("%s on %s: %s", (url, host, repo) => expect(repoOfUrl(url, host)).toBe(repo));

  it.each([
    ["api", "main", "main", ["agent/api"]],
    ["api", "feature", "main", ["agent/api", "feature"]],
    ["api", "feature", null, ["agent/api"]],
    ["api", null, "main", ["agent/api"]],
    ["api", "agent/api", "main", ["agent/api"]],
  ])("own branches of %s on %s (default %s): %j", (workspace, branch, defaultBranch, own) => expect(ownBranchesOf(workspace, branch, defaultBranch)).toEqual(own));
});

describe("git requests", () => {
  it.each([
    ["/acme/api.git/info/refs", "?service=git-upload-pack", SCOPE, true, false],
    ["/ACME/api/git-upload-pack", "", SCOPE, true, false],
    ["/acme/api.git/info/refs", "?service=git-receive-pack", SCOPE, true, true],
    ["/acme/api.git/git-receive-pack", "", SCOPE, true, true],
    ["/acme/api.git/git-receive-pack", "", { repos: [API], runAsks: false }, false, true],
    // The run's conversation is "two"; "api" asks, but is another run's: no push from this one.
    ["/acme/api.git/git-receive-pack", "", { repos: [{ ...API, ofRun: false }, { ...API_TWO, ofRun: true }], runAsks: false }, false, true],
    ["/acme/api.git/git-receive-pack", "", { repos: [{ ...API, ofRun: false }], runAsks: true }, false, true],
    ["/acme/api.git/info/refs", "?service=git-upload-pack", { repos: [{ ...API, ofRun: false }], runAsks: false }, true, false],
    ["/acme/other.git/info/refs", "?service=git-upload-pack", SCOPE, false, false],
    ["/acme/api.git/info/refs", "?service=git-upload-pack", { repos: [], runAsks: false }, false, false],
  ])("%s%s: allowed %s, push %s", (path, search, scope, allowed, push) => {
    const result = gitDecision(scope as GithubScope, path, search);
    expect(result.decision.allow).toBe(allowed);
    expect(result.push).toBe(push);
  });

  it.each([
    [{ old: A, new: B, ref: "refs/heads/agent/api" }, true],
    [{ old: Z, new: B, ref: "refs/heads/agent/api" }, true],
    [{ old: A, new: B, ref: "refs/heads/main" }, false],
    [{ old: A, new: Z, ref: "refs/heads/agent/api" }, false],
    [{ old: Z, new: B, ref: "refs/tags/v1" }, false],
    [{ old: A, new: B, ref: "refs/heads/agent/api2" }, false],
  ])("push %j: %s", (update, allowed) => expect(pushDecision({ repos: [API, API_TWO], runAsks: true }, "acme/api", [update]).get(update.ref)?.allow).toBe(allowed));

  it("a push without approval is refused whatever the branch", () => {
    expect(pushDecision({ repos: [API], runAsks: false }, "acme/api", [{ old: A, new: B, ref: "refs/heads/agent/api" }]).get("refs/heads/agent/api")?.allow).toBe(false);
  });

  it("a push to another conversation's branch of the same repository is refused, whichever of them asks", () => {
    const update = { old: A, new: B, ref: "refs/heads/agent/two" };
    const decision = pushDecision({ repos: [API, API_TWO], runAsks: true }, "acme/api", [update]).get(update.ref);
    expect(decision).toEqual({ allow: false, why: "the relay's proxy lets an agent push only to its conversation's branch (agent/api)" });
    expect(pushDecision({ repos: [API], runAsks: true }, "acme/other", [{ old: A, new: B, ref: "refs/heads/agent/api" }]).get("refs/heads/agent/api")?.allow).toBe(false);
  });

  const line = (text: string) => `${(text.length + 4).toString(16).padStart(4, "0")}${text}`;
  it.each([
    [line(`${A} ${B} refs/heads/agent/api\0report-status side-band-64k\n`) + "0000PACK", { updates: [{ old: A, new: B, ref: "refs/heads/agent/api" }], capabilities: ["report-status", "side-band-64k"] }],
    [line(`${A} ${B} refs/heads/x\0report-status`) + line(`${Z} ${B} refs/heads/y`) + "0000", { updates: [{ old: A, new: B, ref: "refs/heads/x" }, { old: Z, new: B, ref: "refs/heads/y" }], capabilities: ["report-status"] }],
    [line(`${A} ${B} refs/heads/x\0report-status`), "incomplete"],
    ["00", "incomplete"],
    [line("push-cert\0report-status") + "0000", "invalid"],
    ["0000", "invalid"],
    ["zzzz", "invalid"],
  ])("receive-pack commands of %j", (head, expected) => expect(receivePackCommands(Buffer.from(head))).toEqual(expected));

  it("a refusal is receive-pack's report, in side-band when the client asked for it", () => {
    const update = { old: A, new: B, ref: "refs/heads/main" };
    const plain = receivePackRefusal([update], new Map([[update.ref, { allow: false, why: "not yours" }]]), ["report-status"]).toString();
    expect(plain).toBe("000eunpack ok\n0021ng refs/heads/main not yours\n0000");
    const banded = receivePackRefusal([update], new Map([[update.ref, { allow: false, why: "not yours" }]]), ["report-status", "side-band-64k"]).toString("latin1");
    expect(banded).toContain("\x02refused by the relay's credential proxy: not yours\n");
    expect(banded).toContain("\x01000eunpack ok\n0021ng refs/heads/main not yours\n0000");
    expect(banded.endsWith("0000")).toBe(true);
  });
});

describe("gh's REST calls", () => {
  it.each([
    ["GET", "/user", true],
    ["GET", "/rate_limit", true],
    ["GET", "/repos/acme/api", true],
    ["GET", "/repos/Acme/API/pulls", true],
    ["GET", "/repos/acme/api/pulls/3/reviews", true],
    ["GET", "/repos/acme/api/issues/3/comments", true],
    ["GET", "/repos/acme/api/commits/abc/check-runs", true],
    ["GET", "/repos/acme/api/check-suites/9", true],
    ["GET", "/repos/acme/api/actions/runs/5/logs", true],
    ["GET", "/repos/acme/api/contents/src/a.ts", true],
    ["POST", "/repos/acme/api/issues/3/comments", true],
    ["POST", "/repos/acme/api/pulls/3/comments", true],
    ["POST", "/repos/acme/api/pulls/3/comments/7/replies", true],
    ["POST", "/repos/acme/api/pulls", "pull_create"],
    ["PATCH", "/repos/acme/api/pulls/3", "own_pull"],
    ["POST", "/graphql", "graphql"],
    ["PUT", "/repos/acme/api/collaborators/mallory", false],
    ["PUT", "/repos/acme/api/Collaborators/mallory", false],
    ["PUT", "/repos/acme/api/collaborators/", false],
    ["POST", "/repos/acme/api/Issues/3/comments", false],
    ["GET", "/repos/acme/api/collaborators", false],
    ["POST", "/repos/acme/api/keys", false],
    ["POST", "/repos/acme/api/hooks", false],
    ["GET", "/repos/acme/api/hooks", false],
    ["PUT", "/repos/acme/api/actions/secrets/X", false],
    ["GET", "/repos/acme/api/actions/secrets", false],
    ["PUT", "/repos/acme/api/actions/permissions", false],
    ["GET", "/repos/acme/api/actions/variables", false],
    ["PUT", "/repos/acme/api/branches/main/protection", false],
    ["GET", "/repos/acme/api/branches/main/protection", false],
    ["PUT", "/repos/acme/api/environments/prod/secrets/X", false],
    ["PUT", "/repos/acme/api/contents/.github/workflows/x.yml", false],
    ["DELETE", "/repos/acme/api", false],
    ["PATCH", "/repos/acme/api", false],
    ["POST", "/repos/acme/api/transfer", false],
    ["POST", "/repos/acme/api/git/refs", false],
    ["PUT", "/repos/acme/api/pulls/3/merge", false],
    ["POST", "/repos/acme/api/issues", false],
    ["GET", "/repos/acme/other", false],
    ["POST", "/repos/acme/other/issues/1/comments", false],
    ["POST", "/user/keys", false],
    ["GET", "/user/keys", false],
    ["POST", "/user/repos", false],
    ["GET", "/orgs/acme/members", false],
    ["POST", "/authorizations", false],
  ])("%s %s: %s", (method, path, expected) => {
    const decision = ghApiDecision(SCOPE, method, path);
    expect(decision.allow).toBe(expected);
    if (decision.allow === false) expect(decision.why.length).toBeGreaterThan(10);
  });

  it("opens and changes pull requests only for the presenting run's own conversation, and there only its branches", () => {
    const other: GithubScope = { repos: [{ ...API, ofRun: false }, { ...API_TWO, ofRun: true }], runAsks: false };
    expect(ghApiDecision(other, "POST", "/repos/acme/api/pulls")).toEqual({ allow: "pull_create", repo: { ...API_TWO, ofRun: true } });
    expect(pullCreateDecision(API_TWO, { head: "agent/api", base: "main" }).allow).toBe(false);
    const none: GithubScope = { repos: [{ ...API, ofRun: false }], runAsks: true };
    expect(ghApiDecision(none, "GET", "/repos/acme/api/pulls").allow).toBe(true);
    expect(ghApiDecision(none, "POST", "/repos/acme/api/pulls")).toMatchObject({ allow: false, why: expect.stringContaining("own conversation") });
    expect(ghApiDecision(none, "PATCH", "/repos/acme/api/pulls/3")).toMatchObject({ allow: false });
  });

  it("names the settings it refused", () => {
    expect(ghApiDecision(SCOPE, "PUT", "/repos/acme/api/collaborators/m")).toMatchObject({ allow: false, why: expect.stringContaining("collaborators") });
  });

  it.each([
    [{ head: "agent/api", base: "main" }, true],
    [{ head: "acme:agent/api", base: "main" }, true],
    [{ head: "evil:agent/api", base: "main" }, false],
    [{ head: "main", base: "dev" }, false],
    [{ base: "main" }, false],
    [null, false],
  ])("open a pull request %j: %s", (body, allowed) => expect(pullCreateDecision(API, body).allow).toBe(allowed));

  it.each([
    [{ head: { ref: "agent/api", repo: { full_name: "acme/api" } } }, true],
    [{ head: { ref: "agent/api", repo: { full_name: "evil/api" } } }, false],
    [{ head: { ref: "feature", repo: { full_name: "acme/api" } } }, false],
    [{ head: { ref: "agent/api", repo: null } }, false],
    [null, false],
  ])("update the pull request %j: %s", (pull, allowed) => expect(ownPullDecision(API, pull).allow).toBe(allowed));
});
