// The GitHub stand-in's webhooks, as a receiver meets them: registered per repository (GitHub's
// REST shape, or the control route), each event POSTed with X-GitHub-Event, X-GitHub-Delivery and
// X-Hub-Signature-256 over the exact body, payloads shaped as GitHub's docs show them, and the
// controls that make CI fail or pass, a reviewer comment on lines, an issue get a label, someone
// comment, and a delivery come again.
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";

const OWNER = "ghp_owner000000000";
const REVIEWER = "ghp_reviewer000000";
const SECRET = "It's a Secret to Everybody";
type Received = { headers: Record<string, string>; body: string };

let github: RunningGithubEmulator;
let receiver: Server;
let receiverUrl: string;
let received: Received[] = [];
let answerStatus = 200;
const dirs: string[] = [];

beforeAll(async () => {
  github = await startGithubEmulator({
    accounts: [{ login: "acme", token: OWNER }, { login: "reviewer", token: REVIEWER }],
    repos: [{ owner: "acme", name: "sample", files: { "src/add.js": "export const add = (a, b) => a + b;\n" }, collaborators: { reviewer: "write" } }],
  });
  receiver = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])), body });
      res.writeHead(answerStatus).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/github/webhook`;
});
afterAll(async () => {
  await github?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  received = [];
  answerStatus = 200;
  github.state.hooks.splice(0);
});

const api = (token: string, method: string, path: string, body?: unknown) =>
  fetch(`${github.apiUrl}${path}`, { method, headers: { authorization: `token ${token}` }, ...(body ? { body: JSON.stringify(body) } : {}) });
const control = async (path: string, body?: unknown) => {
  const res = await fetch(`${github.url}/__github${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body ?? {}) });
  return { status: res.status, json: (await res.json()) as { deliveries: Array<{ id: number; event: string; action: string | null; statusCode: number | null }> } & Record<string, unknown> };
};
/** The payloads of `event`, from a JSON body or a form's `payload` field. */
const payloads = (event: string) =>
  received
    .filter((r) => r.headers["x-github-event"] === event)
    .map((r) => JSON.parse(r.body.startsWith("payload=") ? new URLSearchParams(r.body).get("payload")! : r.body) as Record<string, any>);
const hmac = (body: string) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;

/** A new branch from main with one commit; `existing`: one more commit on a branch already pushed. */
async function pushBranch(branch: string, existing = false): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "gh-hooks-"));
  dirs.push(dir);
  const env = { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@x", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@x" };
  const git = (cwd: string, ...args: string[]) => promisify(execFile)("git", args, { cwd, env });
  await git(dir, "clone", "-q", `${github.url.replace("http://", `http://x-access-token:${OWNER}@`)}/acme/sample.git`, "w");
  const work = join(dir, "w");
  await git(work, "switch", "-q", ...(existing ? [branch] : ["-c", branch]));
  writeFileSync(join(work, `${branch.replace(/\W/g, "-")}.txt`), existing ? "another change\n" : "change\n");
  await git(work, "add", "-A");
  await git(work, "commit", "-q", "-m", "change");
  await git(work, "push", "-q", "origin", branch);
}

async function openPull(branch: string): Promise<{ number: number; head: { sha: string } }> {
  await pushBranch(branch);
  const res = await api(OWNER, "POST", "/repos/acme/sample/pulls", { title: `PR of ${branch}`, head: branch, base: "main" });
  expect(res.status).toBe(201);
  return (await res.json()) as { number: number; head: { sha: string } };
}

async function hookAll(): Promise<number> {
  const { status, json } = await control("/repos/acme/sample/hooks", { url: receiverUrl, secret: SECRET });
  expect(status).toBe(201);
  received = [];
  return (json.hook as { id: number }).id;
}

/** Deliveries the REST routes make in the background: waits for them, never a fixed time. */
async function until(count: number, event: string): Promise<void> {
  for (let i = 0; i < 200 && payloads(event).length < count; i++) await new Promise((resolve) => setTimeout(resolve, 25));
  expect(payloads(event)).toHaveLength(count);
}

describe("hooks", () => {
  it("are created with GitHub's REST shape by an admin, pinged, signed over the exact body", async () => {
    const body = { name: "web", config: { url: receiverUrl, content_type: "json", secret: SECRET }, events: ["pull_request", "issues"] };
    expect((await api(REVIEWER, "POST", "/repos/acme/sample/hooks", body)).status).toBe(403);
    const res = await api(OWNER, "POST", "/repos/acme/sample/hooks", body);
    expect(res.status).toBe(201);
    const hook = (await res.json()) as { id: number; config: Record<string, string>; events: string[] };
    expect(hook.config).toEqual({ url: receiverUrl, content_type: "json", insecure_ssl: "0", secret: "********" });
    await until(1, "ping");
    const [ping] = received;
    expect(ping!.headers).toMatchObject({ "content-type": "application/json", "x-github-hook-id": String(hook.id), "x-hub-signature-256": hmac(ping!.body) });
    expect(ping!.headers["x-github-delivery"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ping!.headers["user-agent"]).toMatch(/^GitHub-Hookshot\//);
    expect(JSON.parse(ping!.body)).toMatchObject({ hook_id: hook.id, hook: { id: hook.id, events: ["pull_request", "issues"] }, repository: { full_name: "acme/sample" }, sender: { login: "acme" } });
    expect(JSON.parse(ping!.body).repository.permissions).toBeUndefined();

    // Subscribed to pull_request and issues: an issue comment is not sent to it.
    await control("/repos/acme/sample/issues", { title: "Crash on empty input" });
    await control("/repos/acme/sample/issues/1/comments", { body: "same here" });
    expect(received.map((r) => r.headers["x-github-event"])).toEqual(["ping", "issues"]);
  });

  it("sends a form body (GitHub's default content type) signed over the encoded body", async () => {
    await api(OWNER, "POST", "/repos/acme/sample/hooks", { config: { url: receiverUrl, secret: SECRET }, events: ["*"] });
    await until(1, "ping");
    const [ping] = received;
    expect(ping!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(ping!.body.startsWith("payload=")).toBe(true);
    expect(ping!.headers["x-hub-signature-256"]).toBe(hmac(ping!.body));
    expect(JSON.parse(new URLSearchParams(ping!.body).get("payload")!)).toMatchObject({ zen: expect.any(String) });
  });
});

describe("events", () => {
  it("a pull request opened, a check that fails then passes on its head, each told with the PR", async () => {
    await hookAll();
    const pull = await openPull("agent/checks");
    await until(1, "pull_request");
    expect(payloads("pull_request")[0]).toMatchObject({ action: "opened", number: pull.number, pull_request: { number: pull.number, head: { ref: "agent/checks", sha: pull.head.sha }, base: { ref: "main" } } });

    const failed = await control(`/repos/acme/sample/pulls/${pull.number}/checks`, { conclusion: "failure", name: "test", summary: "add.test.js: expected 5, got 6" });
    expect(failed.status).toBe(201);
    expect(failed.json.deliveries.map((d) => [d.event, d.action, d.statusCode])).toEqual([["check_run", "completed", 200], ["check_suite", "completed", 200]]);
    const [run] = payloads("check_run");
    expect(run).toMatchObject({
      action: "completed",
      check_run: { name: "test", status: "completed", conclusion: "failure", head_sha: pull.head.sha, output: { summary: "add.test.js: expected 5, got 6" }, pull_requests: [{ number: pull.number, head: { ref: "agent/checks", sha: pull.head.sha } }] },
      repository: { full_name: "acme/sample" },
    });
    expect(payloads("check_suite")[0]).toMatchObject({ action: "completed", check_suite: { head_sha: pull.head.sha, head_branch: "agent/checks", status: "completed", conclusion: "failure", pull_requests: [{ number: pull.number }] } });

    await control(`/repos/acme/sample/pulls/${pull.number}/checks`, { conclusion: "success", name: "test" });
    expect(payloads("check_run")[1]).toMatchObject({ check_run: { conclusion: "success" } });
    // The suite follows its runs: a failed run keeps it failed, as on GitHub.
    expect(payloads("check_suite")[1]).toMatchObject({ check_suite: { conclusion: "failure" } });
    const runs = (await (await api(OWNER, "GET", `/repos/acme/sample/commits/${pull.head.sha}/check-runs`)).json()) as { total_count: number };
    expect(runs.total_count).toBe(2);
  });

  it("a push to an open pull request's branch: synchronize, with before and after", async () => {
    await hookAll();
    const pull = await openPull("agent/again");
    await pushBranch("agent/again", true);
    await until(2, "pull_request");
    const sync = payloads("pull_request")[1]!;
    expect(sync).toMatchObject({ action: "synchronize", number: pull.number, before: pull.head.sha, pull_request: { head: { ref: "agent/again" } } });
    expect(sync.after).toMatch(/^[0-9a-f]{40}$/);
    expect(sync.after).not.toBe(pull.head.sha);
    expect(sync.pull_request.head.sha).toBe(sync.after);
    // A push of a branch without a pull request tells nobody.
    await pushBranch("agent/no-pull");
    expect(payloads("pull_request")).toHaveLength(2);
  });

  it("a review with comments on lines: the review, then each comment, by a collaborator", async () => {
    await hookAll();
    const pull = await openPull("agent/review");
    const review = await control(`/repos/acme/sample/pulls/${pull.number}/reviews`, { body: "Two things.", comments: [{ path: "src/add.js", line: 1, body: "Handle strings" }, { path: "README.md", line: 3, body: "Typo" }] });
    expect(review.json.deliveries.map((d) => d.event)).toEqual(["pull_request_review", "pull_request_review_comment", "pull_request_review_comment"]);
    expect(payloads("pull_request_review")[0]).toMatchObject({ action: "submitted", review: { state: "changes_requested".toUpperCase(), body: "Two things.", user: { login: "reviewer" }, author_association: "COLLABORATOR" }, pull_request: { number: pull.number } });
    expect(payloads("pull_request_review_comment").map((p) => [p.action, p.comment.path, p.comment.line, p.comment.body, p.pull_request.number])).toEqual([
      ["created", "src/add.js", 1, "Handle strings", pull.number],
      ["created", "README.md", 3, "Typo", pull.number],
    ]);
    // The same through the REST API, as a reviewer's client would.
    received = [];
    expect((await api(REVIEWER, "POST", `/repos/acme/sample/pulls/${pull.number}/reviews`, { event: "COMMENT", body: "LGTM" })).status).toBe(200);
    await until(1, "pull_request_review");
  });

  it("an issue labelled, comments from a collaborator and from a stranger, a pull request merged", async () => {
    await hookAll();
    const issue = await control("/repos/acme/sample/issues", { title: "Add subtraction", body: "sub(a, b)" });
    const number = issue.json.number as number;
    const labelled = await control(`/repos/acme/sample/issues/${number}/labels`, { label: "agent" });
    expect(labelled.status).toBe(200);
    expect(payloads("issues").map((p) => p.action)).toEqual(["opened", "labeled"]);
    expect(payloads("issues")[1]).toMatchObject({ action: "labeled", label: { name: "agent" }, issue: { number, title: "Add subtraction", body: "sub(a, b)", labels: [{ name: "agent" }] }, sender: { login: "acme" } });
    expect(payloads("issues")[1]!.issue.pull_request).toBeUndefined();

    await control(`/repos/acme/sample/issues/${number}/comments`, { body: "/agent please", by: "reviewer" });
    await control(`/repos/acme/sample/issues/${number}/comments`, { body: "/agent me too", by: "stranger" });
    expect(payloads("issue_comment").map((p) => [p.action, p.comment.body, p.comment.user.login, p.comment.author_association, p.issue.number])).toEqual([
      ["created", "/agent please", "reviewer", "COLLABORATOR", number],
      ["created", "/agent me too", "stranger", "NONE", number],
    ]);

    const pull = await openPull("agent/merge");
    await control(`/repos/acme/sample/issues/${pull.number}/comments`, { body: "/agent fix the title" });
    expect(payloads("issue_comment")[2]!.issue).toMatchObject({ number: pull.number, pull_request: { url: expect.stringContaining(`/pulls/${pull.number}`) } });
    await control(`/repos/acme/sample/pulls/${pull.number}/close`, { merged: true });
    expect(payloads("pull_request").at(-1)).toMatchObject({ action: "closed", pull_request: { state: "closed", merged: true } });
  });

  it("redelivers a delivery: the same GUID and body, signed, after the receiver failed it", async () => {
    await hookAll();
    answerStatus = 500;
    const issue = await control("/repos/acme/sample/issues", { title: "Flaky" });
    const [first] = issue.json.deliveries;
    expect(first!.statusCode).toBe(500);
    answerStatus = 200;
    const again = await control(`/deliveries/${first!.id}/redeliver`);
    expect(again.status).toBe(201);
    expect(again.json).toMatchObject({ redelivery: true, statusCode: 200, event: "issues" });
    const [a, b] = received;
    expect(b!.headers["x-github-delivery"]).toBe(a!.headers["x-github-delivery"]);
    expect(b!.body).toBe(a!.body);
    expect(b!.headers["x-hub-signature-256"]).toBe(hmac(b!.body));
    expect((await control("/deliveries/999999/redeliver")).status).toBe(404);
  });

  it("refuses controls on what does not exist, or with bad input, and changes nothing", async () => {
    await hookAll();
    expect((await control("/repos/acme/none/issues", { title: "x" })).status).toBe(404);
    expect((await control("/repos/acme/sample/pulls/9999/checks", { conclusion: "failure" })).status).toBe(404);
    expect((await control("/repos/acme/sample/issues", {})).status).toBe(400);
    expect(received).toEqual([]);
  });
});
