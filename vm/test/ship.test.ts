// /ship on the VM against the GitHub stand-in (git http-backend, its REST API): a conversation's
// change committed, pushed through the credential proxy to agent/<conversation> and a pull request
// opened; a second /ship updating the same one; GitHub's 422 adopted; a push GitHub rejects named;
// a closed pull request giving the next /ship a new branch; no GitHub remote refused.
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";
import { branchSha, bareDirOf } from "../../emulator/github/shell/git-backend";
import { ShipDoneSchema, ShipPlanSchema, ShipRefusalSchema } from "../../src/protocol/vm/ship";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { userPathsOf } from "../src/users/user-paths";
import { startHarness, type Harness } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";

const VM_GITHUB_TOKEN = "ghp_shipOperator0123456789";
const userId = "+15550003301";
let github: RunningGithubEmulator;
let h: Harness;

beforeAll(async () => {
  github = await startGithubEmulator({
    accounts: [
      { login: "operator", token: VM_GITHUB_TOKEN },
      { login: "acme", token: "ghp_acmeOwner0123456789" },
    ],
    repos: [
      { owner: "operator", name: "app", files: { "README.md": "app\n" } },
      // The VM's account may read this one, not push to it.
      { owner: "acme", name: "locked", files: { "README.md": "locked\n" }, collaborators: { operator: "read" } },
    ],
  });
  h = await startHarness({ githubToken: VM_GITHUB_TOKEN, githubUrl: github.url, githubApiBase: github.apiUrl, warmSessionMs: 0 });
  const cloned = await h.call("POST", "/v1/workspaces", { userId, workspace: "api", clone: { url: `${github.url}/operator/app.git` } });
  expect(cloned.status).toBe(201);
});
afterAll(async () => {
  await h?.close();
  await github?.close();
});

const run = promisify(execFile);
const tip = (branch: string) => branchSha(bareDirOf(github.state.root, "operator", "app"), branch);
const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;

/** A run of the agent in the conversation: its Bash changes the files. */
async function agentRuns(command: string): Promise<void> {
  const reader = await h.startRun({ userId, workspace: "api", text: bash(command) });
  await reader.end();
}

async function preview(body: unknown, workspace = "api") {
  const res = await h.call("POST", VM_ROUTES.workspaceShipPreview(workspace, userId), body);
  return { status: res.status, body: (await res.json()) as unknown };
}
async function ship(body: unknown) {
  const res = await h.call("POST", VM_ROUTES.workspaceShip("api", userId), body);
  return { status: res.status, body: (await res.json()) as unknown };
}

const runs = [{ asked: "add a hello file", said: "Added hello.txt. I ran npm test: all 3 tests pass." }];

it("previews, then commits, pushes to agent/<conversation> through the proxy and opens the pull request", async () => {
  await agentRuns("echo hello > hello.txt && printf 'more\\nlines\\n' >> README.md");
  const planned = await preview({ runs });
  expect(planned.status).toBe(200);
  expect(ShipPlanSchema.parse(planned.body)).toEqual({ repo: "operator/app", branch: "agent/api", base: "main", files: 2, insertions: 3, deletions: 0, pull: null, closed: null, head: expect.stringMatching(/^[0-9a-f]{40}$/), tree: expect.stringMatching(/^[0-9a-f]{40}$/) });
  // The preview changed nothing on GitHub.
  expect(await tip("agent/api")).toBeNull();
  expect(github.state.pulls).toHaveLength(0);

  const done = await ship({ title: "Say hello", runs });
  expect(done.status).toBe(200);
  const shipped = ShipDoneSchema.parse(done.body);
  expect(shipped).toMatchObject({ repo: "operator/app", branch: "agent/api", files: 2, insertions: 3, deletions: 0, how: "created", pull: { number: 1, title: "Say hello" } });
  expect(shipped.pull.url).toMatch(/\/operator\/app\/pull\/1$/);
  expect(await tip("agent/api")).toBe(shipped.headSha);
  const pull = github.state.pulls[0];
  expect(pull).toMatchObject({ head: "agent/api", base: "main", state: "open" });
  expect(pull?.body).toContain("1. add a hello file");
  expect(pull?.body).toContain("I ran npm test: all 3 tests pass.");
  // The push went through the git route with the VM's token (the proxy added it); the agent never had it.
  const pushes = github.state.requests.filter((r) => r.method === "POST" && r.path.endsWith("/git-receive-pack"));
  expect(pushes.at(-1)?.login).toBe("operator");
  // The branch is the conversation's own now: the agent's approved pushes may go there too (the proxy's scope).
  const recorded = JSON.parse(readFileSync(join(h.dataDir, ".github-repos.json"), "utf8")) as Record<string, Record<string, { branch: string }>>;
  expect(Object.values(recorded)[0]?.api?.branch).toBe("agent/api");
  // Nothing of the ship is left in the workspace's git directory.
  const gitDir = join(userPathsOf(h.dataDir, userId).root, "workspaces", "api", ".git");
  expect(existsSync(join(gitDir, "HEAD"))).toBe(true);
  expect(existsSync(join(gitDir, "relay-ship-index"))).toBe(false);
  // The workspace now stands on the shipped commit: nothing more to ship.
  expect((await preview({ runs, pull: { number: 1, branch: "agent/api" } })).body).toMatchObject({ error: "ship_refused", reason: "nothing_to_ship" });
});

it("a second /ship pushes to the same branch and updates the same pull request", async () => {
  await agentRuns("echo again >> hello.txt");
  const more = [...runs, { asked: "say it twice" }];
  const planned = ShipPlanSchema.parse((await preview({ runs: more, pull: { number: 1, branch: "agent/api" } })).body);
  expect(planned).toMatchObject({ branch: "agent/api", files: 1, insertions: 1, pull: { number: 1 } });
  const done = ShipDoneSchema.parse((await ship({ runs: more, pull: { number: 1, branch: "agent/api" } })).body);
  expect(done).toMatchObject({ how: "updated", pull: { number: 1, title: "Say hello" }, files: 1 });
  expect(github.state.pulls).toHaveLength(1);
  expect(github.state.pulls[0]?.body).toContain("2. say it twice");
  expect(await tip("agent/api")).toBe(done.headSha);
});

it("adopts the pull request GitHub says exists (422) when the relay did not know it", async () => {
  await agentRuns("echo third >> hello.txt");
  const done = ShipDoneSchema.parse((await ship({ runs })).body);
  expect(done).toMatchObject({ how: "adopted", pull: { number: 1 }, branch: "agent/api" });
  expect(github.state.pulls).toHaveLength(1);
});

it("names a push GitHub rejects (the branch moved on GitHub) and opens nothing", async () => {
  // Someone pushes to agent/api outside the conversation.
  const other = tempDir("ship-other-");
  const authed = github.url.replace("http://", `http://x-access-token:${VM_GITHUB_TOKEN}@`);
  const env = { ...process.env, GIT_AUTHOR_NAME: "Someone", GIT_AUTHOR_EMAIL: "s@example.invalid", GIT_COMMITTER_NAME: "Someone", GIT_COMMITTER_EMAIL: "s@example.invalid", GIT_CONFIG_GLOBAL: "/dev/null" };
  // Never a synchronous child: the stand-in answers from this very process.
  await run("git", ["clone", "-q", "-b", "agent/api", `${authed}/operator/app.git`, "w"], { cwd: other, env });
  await run("sh", ["-c", "echo theirs > theirs.txt && git add -A && git commit -qm theirs && git push -q origin agent/api"], { cwd: join(other, "w"), env });
  const theirs = await tip("agent/api");
  await agentRuns("echo fourth >> hello.txt");
  const refused = await ship({ runs, pull: { number: 1, branch: "agent/api" } });
  expect(refused.status).toBe(422);
  expect(ShipRefusalSchema.parse(refused.body)).toMatchObject({ reason: "push_non_fast_forward", message: expect.stringContaining("agent/api on operator/app has commits") });
  expect(await tip("agent/api")).toBe(theirs);
});

it("says a pull request closed meanwhile, and ships to a new branch with a new pull request", async () => {
  const closed = await fetch(`${github.apiUrl}/repos/operator/app/pulls/1`, { method: "PATCH", headers: { authorization: `token ${VM_GITHUB_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ state: "closed" }) });
  expect(closed.status).toBe(200);
  const request = { runs, pull: { number: 1, branch: "agent/api" } };
  expect(ShipPlanSchema.parse((await preview(request)).body)).toMatchObject({ branch: "agent/api-2", pull: null, closed: { number: 1, merged: false } });
  const done = ShipDoneSchema.parse((await ship(request)).body);
  expect(done).toMatchObject({ branch: "agent/api-2", how: "created", pull: { number: 2 }, closed: { number: 1, merged: false } });
  expect(github.state.pulls.map((p) => [p.number, p.head, p.state])).toEqual([
    [1, "agent/api", "closed"],
    [2, "agent/api-2", "open"],
  ]);
});

it("refuses a repository the VM's token may read but not push to, pushing nothing", async () => {
  expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "locked", clone: { url: `${github.url}/acme/locked.git` } })).status).toBe(201);
  const reader = await h.startRun({ userId, workspace: "locked", text: bash("echo mine > mine.txt") });
  await reader.end();
  const pushes = github.state.requests.filter((r) => r.path.endsWith("/git-receive-pack")).length;
  const refused = await h.call("POST", VM_ROUTES.workspaceShip("locked", userId), { runs });
  expect(refused.status).toBe(422);
  expect(ShipRefusalSchema.parse(await refused.json())).toMatchObject({ reason: "push_no_permission", message: "The VM's token may read acme/locked but not push to it." });
  expect(github.state.requests.filter((r) => r.path.endsWith("/git-receive-pack")).length).toBe(pushes);
  expect(github.state.pulls.filter((p) => p.repo === "acme/locked")).toEqual([]);
});

it("refuses a workspace that is not a GitHub clone, changing nothing", async () => {
  expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "plain" })).status).toBe(201);
  const refused = await preview({}, "plain");
  expect(refused.status).toBe(422);
  expect(refused.body).toMatchObject({ error: "ship_refused", reason: "no_github_remote" });
  expect((await h.call("POST", VM_ROUTES.workspaceShip("nope", userId), {})).status).toBe(404);
});

/** Someone else's branch on operator/app, with one commit of theirs, and their open pull request from it. */
async function theirPullRequest(branch: string): Promise<number> {
  const other = tempDir("ship-theirs-");
  const authed = github.url.replace("http://", `http://x-access-token:${VM_GITHUB_TOKEN}@`);
  const env = { ...process.env, GIT_AUTHOR_NAME: "Someone", GIT_AUTHOR_EMAIL: "s@example.invalid", GIT_COMMITTER_NAME: "Someone", GIT_COMMITTER_EMAIL: "s@example.invalid", GIT_CONFIG_GLOBAL: "/dev/null" };
  await run("git", ["clone", "-q", `${authed}/operator/app.git`, "w"], { cwd: other, env });
  await run("sh", ["-c", `git checkout -qb ${branch} && echo theirs > ${branch}.txt && git add -A && git commit -qm theirs && git push -q origin ${branch}`], { cwd: join(other, "w"), env });
  const made = await fetch(`${github.apiUrl}/repos/operator/app/pulls`, { method: "POST", headers: { authorization: `token ${VM_GITHUB_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ title: "Their work", head: branch, base: "main", body: "theirs" }) });
  expect(made.status).toBe(201);
  return ((await made.json()) as { number: number }).number;
}

async function shipIn(workspace: string, body: unknown) {
  const res = await h.call("POST", VM_ROUTES.workspaceShip(workspace, userId), body);
  return { status: res.status, body: (await res.json()) as unknown };
}

it("pushes to the conversation's branch, never to the branch the agent checked out (someone else's pull request's)", async () => {
  const theirs = await theirPullRequest("feature-x");
  expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "hijack", clone: { url: `${github.url}/operator/app.git` } })).status).toBe(201);
  const before = await tip("feature-x");
  const reader = await h.startRun({ userId, workspace: "hijack", options: { permissionMode: "bypassPermissions" }, text: bash("git fetch -q origin && git checkout -q -B feature-x origin/feature-x && echo mine > mine.txt") });
  await reader.end();
  const asked = await preview({ runs }, "hijack");
  expect(asked.status, JSON.stringify(asked.body)).toBe(200);
  const planned = ShipPlanSchema.parse(asked.body);
  expect(planned.branch).toBe("agent/hijack");
  const done = ShipDoneSchema.parse((await shipIn("hijack", { runs, expected: planned })).body);
  expect(done).toMatchObject({ branch: "agent/hijack", how: "created" });
  // Their branch and their pull request are as they were.
  expect(await tip("feature-x")).toBe(before);
  expect(github.state.pulls.find((p) => p.number === theirs)).toMatchObject({ head: "feature-x", body: "theirs", title: "Their work" });
});

it("refuses, naming it, a ship whose files or commit changed after the preview the user agreed to", async () => {
  expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "moved", clone: { url: `${github.url}/operator/app.git` } })).status).toBe(201);
  await (await h.startRun({ userId, workspace: "moved", text: bash("echo first > first.txt") })).end();
  const planned = ShipPlanSchema.parse((await preview({ runs }, "moved")).body);
  const pushes = github.state.requests.filter((r) => r.path.endsWith("/git-receive-pack")).length;
  // After the preview (a process the agent left behind, say), the files change.
  await (await h.startRun({ userId, workspace: "moved", text: bash("echo sneaked > sneaked.txt") })).end();
  const files = await shipIn("moved", { runs, expected: planned });
  expect(files.status).toBe(422);
  expect(ShipRefusalSchema.parse(files.body)).toMatchObject({ reason: "preview_changed", message: expect.stringMatching(/^the files changed since the preview\./) });
  // Or its commit does.
  const again = ShipPlanSchema.parse((await preview({ runs }, "moved")).body);
  await (await h.startRun({ userId, workspace: "moved", options: { permissionMode: "bypassPermissions" }, text: bash("git -c user.name=a -c user.email=a@example.invalid commit -qm 'agent commit' --allow-empty") })).end();
  const commit = await shipIn("moved", { runs, expected: again });
  expect(ShipRefusalSchema.parse(commit.body)).toMatchObject({ reason: "preview_changed", message: expect.stringContaining("the workspace's commit changed since the preview") });
  // Or the branch the user was shown is not the one it would go to.
  const branch = await shipIn("moved", { runs, expected: { ...again, branch: "feature-x" } });
  expect(ShipRefusalSchema.parse(branch.body)).toMatchObject({ reason: "preview_changed", message: expect.stringContaining("the branch changed since the preview (feature-x, now agent/moved)") });
  expect(github.state.requests.filter((r) => r.path.endsWith("/git-receive-pack")).length).toBe(pushes);
  expect(await tip("agent/moved")).toBeNull();
});

it("never adopts or edits a pull request the relay did not open (GitHub's 422 for a branch someone else opened one from)", async () => {
  const theirs = await theirPullRequest("feature-y");
  // The user's conversation is a clone of that branch: its pushes go there, as the preview says.
  expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "shared", clone: { url: `${github.url}/operator/app.git`, branch: "feature-y" } })).status).toBe(201);
  await (await h.startRun({ userId, workspace: "shared", text: bash("echo ours > ours.txt") })).end();
  const planned = ShipPlanSchema.parse((await preview({ runs }, "shared")).body);
  expect(planned.branch).toBe("feature-y");
  const refused = await shipIn("shared", { title: "Taken over", runs, expected: planned });
  expect(refused.status).toBe(422);
  expect(ShipRefusalSchema.parse(refused.body)).toMatchObject({ reason: "pull_not_ours", pushed: true, message: expect.stringContaining(`pull request #${theirs} for feature-y on operator/app was not opened by the relay`) });
  expect(github.state.pulls.find((p) => p.number === theirs)).toMatchObject({ title: "Their work", body: "theirs" });
});
