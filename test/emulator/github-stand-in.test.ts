// The GitHub stand-in as a client meets it: git clone and push over smart HTTP with
// `x-access-token:<token>`, and the REST calls of a pull request's life (create, the 422 of one
// that exists, list, get, update, comments, check runs and suites, reviews), with GitHub's error
// bodies for a token that is missing, unknown, or without access.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signWebhook } from "../../emulator/github/core/webhook-signature";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";

const ALICE = "ghp_alice0123456789";
const BOB = "ghp_bob0123456789";
let github: RunningGithubEmulator;
const dirs: string[] = [];
beforeAll(async () => {
  github = await startGithubEmulator({
    accounts: [{ login: "alice", token: ALICE }, { login: "bob", token: BOB }, { login: "carol", token: "ghp_carol" }],
    repos: [
      { owner: "alice", name: "api", files: { "README.md": "hello\n" }, collaborators: { carol: "read" } },
      { owner: "bob", name: "secret" },
    ],
  });
});
afterAll(async () => {
  await github?.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

// Asynchronous: the stand-in answers from this same process.
const git = async (cwd: string, ...args: string[]) =>
  (await promisify(execFile)("git", args, {
    cwd,
    encoding: "utf8",
    env: { PATH: process.env.PATH, HOME: cwd, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", LC_ALL: "C", GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@x", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@x" },
  })).stdout.trim();
const remote = (token: string, repo: string) => github.url.replace("http://", `http://x-access-token:${token}@`) + `/${repo}.git`;
const api = (token: string | null, method: string, path: string, body?: unknown) =>
  fetch(`${github.apiUrl}${path}`, { method, headers: { ...(token ? { authorization: `token ${token}` } : {}), accept: "application/vnd.github+json" }, ...(body ? { body: JSON.stringify(body) } : {}) });

async function cloneWithBranch(branch: string, file: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "gh-stand-in-"));
  dirs.push(dir);
  await git(dir, "clone", "-q", remote(ALICE, "alice/api"), "w");
  const work = join(dir, "w");
  await git(work, "switch", "-q", "-c", branch);
  writeFileSync(join(work, file), "change\n");
  await git(work, "add", "-A");
  await git(work, "commit", "-q", "-m", `add ${file}`);
  await git(work, "push", "-q", "origin", branch);
  return work;
}

describe("git over smart HTTP", () => {
  it("clones and pushes with x-access-token; refuses no token, no access and no write", async () => {
    const work = await cloneWithBranch("agent/one", "one.txt");
    expect(await git(work, "ls-remote", "origin", "refs/heads/agent/one")).toMatch(/^[0-9a-f]{40}\trefs\/heads\/agent\/one$/);
    const dir = mkdtempSync(join(tmpdir(), "gh-stand-in-"));
    dirs.push(dir);
    const fails = (url: string) => git(dir, "ls-remote", url).then(() => "", (error: { stderr?: string }) => String(error.stderr));
    expect(await fails(`${github.url}/alice/api.git`)).toMatch(/Authentication failed|could not read Username|terminal prompts disabled/);
    expect(await fails(remote("ghp_unknown", "alice/api"))).toMatch(/Authentication failed|could not read Username|terminal prompts disabled/);
    expect(await fails(remote(BOB, "alice/api"))).toMatch(/not found/i);
    // carol reads but may not push.
    await git(dir, "clone", "-q", remote("ghp_carol", "alice/api"), "c");
    await git(join(dir, "c"), "switch", "-q", "-c", "carol");
    await expect(git(join(dir, "c"), "push", "-q", "origin", "carol")).rejects.toThrow(/denied to carol|403/);
  });
});

describe("REST", () => {
  it("gets a repository with the caller's permissions; 401 and 404 as GitHub answers them", async () => {
    const ok = await api(ALICE, "GET", "/repos/alice/api");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ full_name: "alice/api", private: true, default_branch: "main", owner: { login: "alice" }, permissions: { admin: true, push: true, pull: true } });
    expect(await (await api("ghp_carol", "GET", "/repos/alice/api")).json()).toMatchObject({ permissions: { admin: false, push: false, pull: true } });
    const none = await api(null, "GET", "/repos/alice/api");
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ message: "Bad credentials", documentation_url: expect.stringContaining("docs.github.com") });
    const hidden = await api(ALICE, "GET", "/repos/bob/secret");
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toMatchObject({ message: "Not Found", documentation_url: expect.stringContaining("docs.github.com") });
    expect((await api(ALICE, "GET", "/repos/alice/nope")).status).toBe(404);
  });

  it("a pull request: created, 422 when one exists, listed by head, got, updated, commented", async () => {
    await cloneWithBranch("agent/pr", "pr.txt");
    const created = await api(ALICE, "POST", "/repos/alice/api/pulls", { title: "Add pr", head: "agent/pr", base: "main", body: "why" });
    expect(created.status).toBe(201);
    const pull = (await created.json()) as { number: number; html_url: string; head: { ref: string; sha: string }; state: string };
    expect(pull).toMatchObject({ state: "open", head: { ref: "agent/pr" }, base: { ref: "main" }, user: { login: "alice" } });
    expect(pull.html_url).toBe(`${github.url}/alice/api/pull/${pull.number}`);

    const again = await api(ALICE, "POST", "/repos/alice/api/pulls", { title: "Again", head: "alice:agent/pr", base: "main" });
    expect(again.status).toBe(422);
    expect(await again.json()).toEqual({
      message: "Validation Failed",
      errors: [{ resource: "PullRequest", code: "custom", message: "A pull request already exists for alice:agent/pr." }],
      documentation_url: "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
      status: "422",
    });
    expect((await api(ALICE, "POST", "/repos/alice/api/pulls", { title: "x", head: "no-such", base: "main" })).status).toBe(422);
    expect((await api(ALICE, "POST", "/repos/alice/api/pulls", { title: "x", head: "main", base: "main" })).status).toBe(422);
    expect((await api("ghp_carol", "POST", "/repos/alice/api/pulls", { title: "x", head: "agent/pr", base: "main" })).status).toBe(403);

    const listed = (await (await api(ALICE, "GET", "/repos/alice/api/pulls?head=alice:agent/pr&state=open")).json()) as Array<{ number: number }>;
    expect(listed.map((p) => p.number)).toEqual([pull.number]);
    expect((await (await api(ALICE, "GET", "/repos/alice/api/pulls?head=alice:other")).json()) as unknown[]).toEqual([]);

    const updated = await api(ALICE, "PATCH", `/repos/alice/api/pulls/${pull.number}`, { title: "Add pr (v2)" });
    expect(await updated.json()).toMatchObject({ number: pull.number, title: "Add pr (v2)", state: "open" });
    const comment = await api(ALICE, "POST", `/repos/alice/api/issues/${pull.number}/comments`, { body: "done" });
    expect(comment.status).toBe(201);
    expect(await comment.json()).toMatchObject({ body: "done", user: { login: "alice" } });
    expect(((await (await api(ALICE, "GET", `/repos/alice/api/issues/${pull.number}/comments`)).json()) as unknown[]).length).toBe(1);

    const closed = await api(ALICE, "PATCH", `/repos/alice/api/pulls/${pull.number}`, { state: "closed" });
    expect(await closed.json()).toMatchObject({ state: "closed", closed_at: expect.any(String), merged: false });
    expect((await (await api(ALICE, "GET", "/repos/alice/api/pulls?head=alice:agent/pr")).json()) as unknown[]).toEqual([]);
    expect(await (await api(ALICE, "GET", `/repos/alice/api/pulls/${pull.number}`)).json()).toMatchObject({ state: "closed" });
  });

  it("check runs and their suite on a commit, and reviews with comments", async () => {
    await cloneWithBranch("agent/ci", "ci.txt");
    const pull = (await (await api(ALICE, "POST", "/repos/alice/api/pulls", { title: "CI", head: "agent/ci", base: "main" })).json()) as { number: number; head: { sha: string } };
    const run = await api(ALICE, "POST", "/repos/alice/api/check-runs", { name: "test", head_sha: pull.head.sha, status: "in_progress" });
    expect(run.status).toBe(201);
    const { id } = (await run.json()) as { id: number };
    const lint = await api(ALICE, "POST", "/repos/alice/api/check-runs", { name: "lint", head_sha: pull.head.sha, conclusion: "success", output: { title: "ok", summary: "clean" } });
    expect(await lint.json()).toMatchObject({ status: "completed", conclusion: "success", output: { title: "ok", summary: "clean" } });
    const suites = async () => ((await (await api(ALICE, "GET", "/repos/alice/api/commits/agent%2Fci/check-suites")).json()) as { check_suites: Array<{ status: string; conclusion: string | null; head_branch: string }> }).check_suites;
    expect(await suites()).toMatchObject([{ status: "in_progress", conclusion: null, head_branch: "agent/ci" }]);
    await api(ALICE, "PATCH", `/repos/alice/api/check-runs/${id}`, { conclusion: "failure", output: { title: "1 failed", summary: "expected 2, got 3" } });
    expect(await suites()).toMatchObject([{ status: "completed", conclusion: "failure" }]);
    const runs = (await (await api(ALICE, "GET", `/repos/alice/api/commits/${pull.head.sha}/check-runs`)).json()) as { total_count: number; check_runs: Array<{ name: string; conclusion: string }> };
    expect(runs.total_count).toBe(2);
    expect(runs.check_runs.find((r) => r.name === "test")).toMatchObject({ conclusion: "failure", output: { summary: "expected 2, got 3" } });
    expect((await api(ALICE, "POST", "/repos/alice/api/check-runs", { name: "x", head_sha: "0".repeat(40) })).status).toBe(422);

    expect((await api(ALICE, "POST", `/repos/alice/api/pulls/${pull.number}/reviews`, { event: "APPROVE" })).status).toBe(422);
    const review = await api("ghp_carol", "POST", `/repos/alice/api/pulls/${pull.number}/reviews`, { event: "REQUEST_CHANGES", body: "please", comments: [{ path: "ci.txt", line: 1, body: "typo" }] });
    expect(review.status).toBe(200);
    expect(await review.json()).toMatchObject({ state: "CHANGES_REQUESTED", user: { login: "carol" }, body: "please", commit_id: pull.head.sha });
    expect(await (await api(ALICE, "GET", `/repos/alice/api/pulls/${pull.number}/comments`)).json()).toMatchObject([{ path: "ci.txt", line: 1, body: "typo", user: { login: "carol" } }]);
    expect(await (await api(ALICE, "GET", `/repos/alice/api/pulls/${pull.number}/reviews`)).json()).toMatchObject([{ state: "CHANGES_REQUESTED" }]);
  });

  it("a review's comments land on their side and line of the diff; a line outside it refuses the whole review as GitHub does", async () => {
    const work = await cloneWithBranch("agent/review", "new.txt");
    writeFileSync(join(work, "README.md"), "hi\nthere\n");
    await git(work, "commit", "-q", "-am", "reword");
    await git(work, "push", "-q", "origin", "agent/review");
    const pull = (await (await api(ALICE, "POST", "/repos/alice/api/pulls", { title: "Review me", head: "agent/review", base: "main" })).json()) as { number: number };
    const reviews = `/repos/alice/api/pulls/${pull.number}/reviews`;
    const stored = () => github.state.reviewComments.filter((c) => c.number === pull.number).length;

    // README.md: "hello" (base line 1, LEFT) became "hi" and "there" (head lines 1-2, RIGHT).
    for (const [comment, problem] of [
      [{ path: "README.md", line: 3, side: "RIGHT", body: "x" }, "Pull request review thread line must be part of the diff and Pull request review thread diff hunk can't be blank"],
      [{ path: "README.md", line: 2, side: "LEFT", body: "x" }, "Pull request review thread line must be part of the diff and Pull request review thread diff hunk can't be blank"],
      [{ path: "untouched.txt", line: 1, body: "x" }, "Pull request review thread path is invalid and Pull request review thread diff hunk can't be blank"],
    ] as const) {
      const refused = await api("ghp_carol", "POST", reviews, { event: "COMMENT", body: "all or nothing", comments: [{ path: "new.txt", line: 1, body: "fine" }, comment] });
      expect(refused.status).toBe(422);
      expect(await refused.json()).toEqual({ message: "Unprocessable Entity", errors: [problem], documentation_url: "https://docs.github.com/rest/pulls/reviews#create-a-review-for-a-pull-request", status: "422" });
    }
    expect(stored()).toBe(0);
    const invalid = await api("ghp_carol", "POST", reviews, { event: "COMMENT", comments: [{ path: "README.md", line: 1, side: "UP", body: "x" }] });
    expect(invalid.status).toBe(422);
    expect(await invalid.json()).toMatchObject({ message: "Validation Failed", errors: [{ field: "comments.0.side", code: "invalid" }] });

    const posted = await api("ghp_carol", "POST", reviews, { event: "COMMENT", body: "two lines", comments: [{ path: "README.md", line: 1, side: "LEFT", body: "keep hello" }, { path: "README.md", line: 2, side: "RIGHT", body: "why there?" }, { path: "new.txt", line: 1, body: "ok" }] });
    expect(posted.status).toBe(200);
    expect(await (await api(ALICE, "GET", `/repos/alice/api/pulls/${pull.number}/comments`)).json()).toMatchObject([
      { path: "README.md", line: 1, side: "LEFT", subject_type: "line", body: "keep hello" },
      { path: "README.md", line: 2, side: "RIGHT", body: "why there?" },
      { path: "new.txt", line: 1, side: "RIGHT", body: "ok" },
    ]);
  });

  it("settings need admin: 403 for a reader, recorded for the owner", async () => {
    expect((await api("ghp_carol", "PUT", "/repos/alice/api/collaborators/mallory", {})).status).toBe(403);
    expect((await api("ghp_carol", "POST", "/repos/alice/api/keys", { key: "ssh-ed25519 AAAA", title: "k" })).status).toBe(403);
    expect(github.state.settingsChanges).toEqual([]);
    expect((await api(ALICE, "PUT", "/repos/alice/api/collaborators/mallory", {})).status).toBe(201);
    expect(github.state.settingsChanges).toMatchObject([{ kind: "collaborator", detail: "mallory", by: "alice" }]);
  });
});

it("signs a webhook body as GitHub's docs show", () => {
  // The example of docs.github.com "Validating webhook deliveries".
  expect(signWebhook("It's a Secret to Everybody", "Hello, World!")).toBe("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
});
