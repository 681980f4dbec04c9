// The GitHub stand-in's web pages, as a person meets them in a browser: the pull request at the
// html_url its REST API gives (its diff, its checks, and forms that fail or pass a check, review,
// comment and merge, each sending the webhooks GitHub would), and Settings → Webhooks → Add webhook,
// whose form registers a hook as the REST call does.
import { execFile } from "node:child_process";
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";

const OWNER = "ghp_owner000000000";
const SECRET = "page-secret";
type Received = { event: string; signature: string; body: string };

let github: RunningGithubEmulator;
let receiver: Server;
let receiverUrl = "";
const received: Received[] = [];
const dirs: string[] = [];
let pullUrl = "";

beforeAll(async () => {
  github = await startGithubEmulator({
    accounts: [{ login: "acme", token: OWNER }, { login: "reviewer", token: "ghp_reviewer000000" }],
    repos: [{ owner: "acme", name: "sample", files: { "src/add.js": "export const add = (a, b) => a + b;\n" }, collaborators: { reviewer: "write" } }],
  });
  receiver = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      received.push({ event: String(req.headers["x-github-event"]), signature: String(req.headers["x-hub-signature-256"]), body });
      res.writeHead(202).end("ok");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/github/webhook/door`;

  const dir = mkdtempSync(join(tmpdir(), "gh-page-"));
  dirs.push(dir);
  const env = { PATH: process.env.PATH, HOME: dir, GIT_CONFIG_NOSYSTEM: "1", GIT_TERMINAL_PROMPT: "0", GIT_AUTHOR_NAME: "A", GIT_AUTHOR_EMAIL: "a@x", GIT_COMMITTER_NAME: "A", GIT_COMMITTER_EMAIL: "a@x" };
  const git = (cwd: string, ...args: string[]) => promisify(execFile)("git", args, { cwd, env });
  await git(dir, "clone", "-q", `${github.url.replace("http://", `http://x-access-token:${OWNER}@`)}/acme/sample.git`, "w");
  const work = join(dir, "w");
  await git(work, "switch", "-q", "-c", "agent/sample");
  writeFileSync(join(work, "src/add.js"), "export const add = (a, b) => Number(a) + Number(b);\n");
  await git(work, "commit", "-q", "-am", "add() takes strings");
  await git(work, "push", "-q", "origin", "agent/sample");
  const res = await fetch(`${github.apiUrl}/repos/acme/sample/pulls`, { method: "POST", headers: { authorization: `token ${OWNER}` }, body: JSON.stringify({ title: "add() takes strings", head: "agent/sample", base: "main" }) });
  expect(res.status).toBe(201);
  pullUrl = ((await res.json()) as { html_url: string }).html_url;
});
afterAll(async () => {
  await github?.close();
  await new Promise((resolve) => receiver?.close(resolve));
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A form posted as a browser does; the page it redirects to (303), read. */
async function submit(action: string, fields: Record<string, string>): Promise<string> {
  const res = await fetch(new URL(action, github.url), { method: "POST", body: new URLSearchParams(fields), redirect: "manual" });
  expect(res.status).toBe(303);
  const page = await fetch(new URL(res.headers.get("location")!, github.url));
  expect(page.status).toBe(200);
  return page.text();
}

const eventsSince = (from: number) => received.slice(from).map((r) => `${r.event}:${(JSON.parse(r.body) as { action?: string }).action ?? ""}`);

it("registers the relay's webhook from Settings → Webhooks → Add webhook with its Payload URL and secret; GitHub's ping follows", async () => {
  const form = await (await fetch(`${github.url}/acme/sample/settings/hooks/new`)).text();
  expect(form).toContain('name="url"');
  expect(form).toContain('name="secret"');
  const page = await submit("/acme/sample/settings/hooks/new", { url: receiverUrl, contentType: "json", secret: SECRET });
  expect(page).toContain("Webhook added");
  expect(page).toContain(receiverUrl);
  expect(github.state.hooks.map((h) => [h.url, h.contentType, h.active])).toEqual([[receiverUrl, "json", true]]);
  const ping = received.find((r) => r.event === "ping")!;
  expect(ping.signature).toBe(`sha256=${createHmac("sha256", SECRET).update(ping.body).digest("hex")}`);
});

it("serves the pull request at its html_url: title, diff, checks and the buttons", async () => {
  expect(pullUrl).toBe(`${github.url}/acme/sample/pull/1`);
  const res = await fetch(pullUrl);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/html");
  const html = await res.text();
  expect(html).toContain("add() takes strings");
  expect(html).toContain('<span class="del">-export const add = (a, b) =&gt; a + b;</span>');
  expect(html).toContain('<span class="add">+export const add = (a, b) =&gt; Number(a) + Number(b);</span>');
  expect(html).toContain("No checks on");
  for (const button of ["Fail the check", "Pass the check", "Submit review", "Comment", "Merge pull request"]) expect(html).toContain(`>${button}</button>`);
  expect((await fetch(`${github.url}/acme/sample/pull/9`)).status).toBe(404);
});

it("fails and passes a check (check_run and check_suite completed), reviews on a line, comments, and merges, each told to the hook", async () => {
  let from = received.length;
  let page = await submit("/acme/sample/pull/1/checks", { conclusion: "failure", name: "unit tests", summary: "add.test.js: expected 5" });
  expect(eventsSince(from)).toEqual(["check_run:completed", "check_suite:completed"]);
  expect(page).toContain("Check “unit tests” failed. Sent: check_run completed → 202, check_suite completed → 202.");
  expect(page).toMatch(/<li class="fail">✗ <b>unit tests<\/b>: failure — add.test.js: expected 5<\/li>/);
  const run = JSON.parse(received[from]!.body) as { check_run: { conclusion: string; output: { summary: string }; pull_requests: Array<{ number: number }> } };
  expect(run.check_run).toMatchObject({ conclusion: "failure", output: { summary: "add.test.js: expected 5" }, pull_requests: [{ number: 1 }] });

  from = received.length;
  await submit("/acme/sample/pull/1/checks", { conclusion: "success", name: "unit tests", summary: "" });
  expect(eventsSince(from)).toEqual(["check_run:completed", "check_suite:completed"]);

  from = received.length;
  page = await submit("/acme/sample/pull/1/reviews", { event: "REQUEST_CHANGES", path: "src/add.js", line: "1", body: "needs a test" });
  expect(eventsSince(from)).toEqual(["pull_request_review:submitted", "pull_request_review_comment:created"]);
  expect(JSON.parse(received[from + 1]!.body)).toMatchObject({ comment: { path: "src/add.js", line: 1, body: "needs a test" } });
  expect(page).toContain("changes requested");

  from = received.length;
  page = await submit("/acme/sample/pull/1/comments", { body: "/agent add a test" });
  expect(eventsSince(from)).toEqual(["issue_comment:created"]);
  expect(page).toContain("/agent add a test");

  from = received.length;
  page = await submit("/acme/sample/pull/1/merge", {});
  expect(eventsSince(from)).toEqual(["pull_request:closed"]);
  expect(JSON.parse(received[from]!.body)).toMatchObject({ action: "closed", pull_request: { merged: true, number: 1 } });
  expect(page).toContain('class="state merged"');
  expect(page).not.toContain(">Merge pull request</button>");
});

it("says what was not done: a form without its fields changes nothing", async () => {
  const from = received.length;
  const page = await submit("/acme/sample/pull/1/comments", { body: "  " });
  expect(page).toContain("Not done: a comment needs text.");
  expect(received.length).toBe(from);
});
