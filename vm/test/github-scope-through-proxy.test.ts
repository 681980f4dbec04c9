// An agent's reach on GitHub through the real credential proxy, against the GitHub stand-in: the
// VM's token could do anything on both repositories below, the proxy lets the agent fetch only its
// user's conversation's repository, push only to the conversation's branch when approved, and call
// only the REST routes a coding agent needs; every refusal is the proxy's, GitHub never asked.
// A run is known by its process, as in the VM: git runs under a process registered as an agent
// of that run, gh's requests come from this test's own process, registered as an agent whose run
// the test sets.
import { spawn } from "node:child_process";
import { request } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";
import { credentialLinesOf } from "../src/core/git-credentials";
import { gitConfigEnv } from "../src/core/credential-proxy";
import { startCredentialProxy, type CredentialProxy } from "../src/credentials/credential-proxy";
import { createGithubGate, type GithubGate, type RunReach } from "../src/github/github-gate";
import { userPathsOfKey, workspaceDirOf } from "../src/users/user-paths";
import { tempDir } from "./helpers/temp-dir";

const VM_TOKEN = "ghp_operator0123456789";
const ALICE_KEY = "a".repeat(64);
const DATA_DIR = "/data";
let github: RunningGithubEmulator;
let proxy: CredentialProxy;
let gate: GithubGate;
let approved = true;
/** The run this test's own process (gh's requests) serves now. */
let ghRun: (() => RunReach) | null = null;
let unregisterSelf = () => {};

beforeAll(async () => {
  github = await startGithubEmulator({
    accounts: [{ login: "operator", token: VM_TOKEN }],
    repos: [
      { owner: "operator", name: "app", files: { "README.md": "app\n" } },
      { owner: "operator", name: "bobs", files: { "README.md": "bob\n" } },
    ],
  });
  // Alice's conversations "api" and "two" are clones of operator/app (as the server recorded them); Bob's is of operator/bobs.
  const alice = ["api", "two"].map((workspace) => ({ workspace, repo: "operator/app", branch: "main", defaultBranch: "main" }));
  const repos = { of: (userKey: string) => (userKey === ALICE_KEY ? alice : [{ workspace: "main", repo: "operator/bobs", branch: "main", defaultBranch: "main" }]) };
  gate = createGithubGate({ githubUrl: github.url, dataDir: DATA_DIR, repos });
  const { lines } = credentialLinesOf({ githubToken: VM_TOKEN, githubUrl: github.url });
  proxy = await startCredentialProxy({ cliEnv: {}, gitLines: lines, githubToken: VM_TOKEN, githubApiBase: github.apiUrl, github: gate, socketDir: tempDir("gh-scope-proxy-") });
  unregisterSelf = proxy.registerAgent(process.pid, { ids: null, runOf: () => ghRun?.() ?? null });
});
afterAll(async () => {
  unregisterSelf();
  await proxy?.close();
  await github?.close();
});

/** A run of Alice's in conversation `workspace`, asking before each command while `approved` says so. */
function aliceToken(workspace = "api"): () => RunReach {
  const cwd = workspaceDirOf(userPathsOfKey(DATA_DIR, ALICE_KEY), workspace);
  return () => ({ userKey: ALICE_KEY, cwd, asks: approved });
}

/** git as the agent of `run` runs it: the proxy's rewrites from its config, no credential or token of its own. */
async function git(cwd: string, run: () => RunReach, ...args: string[]): Promise<{ ok: boolean; out: string }> {
  const rewrites = proxy.gitConfigPairs("").filter(([key]) => !key.endsWith(".extraHeader"));
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, LC_ALL: "C", GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "Agent", GIT_AUTHOR_EMAIL: "agent@example.invalid", GIT_COMMITTER_NAME: "Agent", GIT_COMMITTER_EMAIL: "agent@example.invalid",
    ...gitConfigEnv(rewrites),
  };
  // Registered as the run's agent before it goes on (a line on its stdin), as the VM registers its CLI.
  const child = spawn("sh", ["-c", 'read -r _ && exec git "$@"', "sh", ...args], { cwd, env, stdio: ["pipe", "pipe", "pipe"] });
  const unregister = proxy.registerAgent(child.pid ?? 0, { ids: null, runOf: run });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  child.stderr.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
  child.stdin.end("\n");
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  unregister();
  return { ok: code === 0, out };
}

async function aliceClone(token: () => RunReach): Promise<string> {
  const dir = tempDir("gh-scope-");
  expect((await git(dir, token, "clone", "-q", `${github.url}/operator/app.git`, "w")).ok).toBe(true);
  const work = join(dir, "w");
  writeFileSync(join(work, "change.txt"), `${Math.random()}\n`);
  await git(work, token, "add", "-A");
  await git(work, token, "commit", "-q", "-m", "change");
  return work;
}

const heads = () => github.state.requests.filter((r) => r.method === "POST" && r.path.endsWith("/git-receive-pack")).length;

describe("git", () => {
  it("fetches the user's conversation's repository; refuses a repository of no conversation of that user", async () => {
    const token = aliceToken();
    const work = await aliceClone(token);
    expect((await git(work, token, "fetch", "-q", "origin")).ok).toBe(true);
    const asked = github.state.requests.length;
    const other = await git(tempDir("gh-scope-"), token, "clone", "-q", `${github.url}/operator/bobs.git`, "b");
    expect(other.ok).toBe(false);
    expect(other.out).toContain("credential proxy refused this: operator/bobs");
    expect(github.state.requests.length).toBe(asked);
  });

  it("pushes to the conversation's own branch when approved; never to main, another user's repository, or unapproved", async () => {
    const token = aliceToken();
    const work = await aliceClone(token);
    const before = heads();
    const toMain = await git(work, token, "push", "origin", "HEAD:main");
    expect(toMain.ok).toBe(false);
    expect(toMain.out).toMatch(/remote rejected\].*only to its conversation's branch \(agent\/api\)/);
    const toOther = await git(work, token, "push", `${github.url}/operator/bobs.git`, "HEAD:refs/heads/agent/api");
    expect(toOther.ok).toBe(false);
    expect(toOther.out).toContain("not the repository of one of your conversations");
    approved = false;
    const unapproved = await git(work, token, "push", "origin", "HEAD:agent/api");
    approved = true;
    expect(unapproved.ok).toBe(false);
    expect(unapproved.out).toContain("approvals on");
    expect(heads()).toBe(before);

    const own = await git(work, token, "push", "origin", "HEAD:agent/api");
    expect(own).toMatchObject({ ok: true });
    expect((await git(work, token, "ls-remote", "origin", "agent/api")).out).toMatch(/refs\/heads\/agent\/api/);
    const deleting = await git(work, token, "push", "origin", ":agent/api");
    expect(deleting.ok).toBe(false);
  });

  it("judges each run by its own process: a run of another conversation of the same repository pushes to neither branch but its own", async () => {
    const api = aliceToken("api");
    const two = aliceToken("two");
    const work = await aliceClone(two);
    const before = heads();
    const toApi = await git(work, two, "push", "--force", "origin", "HEAD:agent/api");
    expect(toApi.ok).toBe(false);
    expect(toApi.out).toMatch(/remote rejected\].*only to its conversation's branch \(agent\/two\)/);
    expect(heads()).toBe(before);
    expect((await git(work, two, "push", "origin", "HEAD:agent/two")).ok).toBe(true);
    await git(work, two, "commit", "-q", "--allow-empty", "-m", "again");
    expect((await git(work, api, "push", "--force", "origin", "HEAD:agent/two")).out).toMatch(/only to its conversation's branch \(agent\/api\)/);
  });
});

/** A request as gh sends it over the proxy's socket, from this process as `run`'s agent (whatever token it sends). */
function gh(run: () => RunReach, method: string, path: string, body?: unknown): Promise<{ status: number; json: { message?: string } & Record<string, unknown> }> {
  ghRun = run;
  const token = "anything";
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    const req = request({ socketPath: proxy.ghSocket ?? "", method, path, headers: { host: "api.github.com", authorization: `token ${token}`, "content-type": "application/json", ...(text ? { "content-length": Buffer.byteLength(text) } : {}) } }, (res) => {
      let data = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (data += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, json: data ? JSON.parse(data) : {} }));
    });
    req.on("error", reject);
    req.end(text);
  });
}

describe("gh", () => {
  it("refuses repository settings with GitHub's error shape, and GitHub never sees them", async () => {
    const token = aliceToken();
    const asked = github.state.requests.length;
    const collaborator = await gh(token, "PUT", "/repos/operator/app/collaborators/mallory", {});
    expect(collaborator.status).toBe(403);
    expect(collaborator.json).toMatchObject({ message: expect.stringContaining("credential proxy refused this"), documentation_url: expect.any(String) });
    expect(collaborator.json.message).toContain("collaborators");
    expect((await gh(token, "POST", "/repos/operator/app/keys", { key: "ssh-ed25519 AAAA", title: "k" })).status).toBe(403);
    expect((await gh(token, "POST", "/repos/operator/app/hooks", { config: { url: "http://x" } })).status).toBe(403);
    expect((await gh(token, "GET", "/repos/operator/app/actions/secrets")).status).toBe(403);
    expect((await gh(token, "POST", "/user/keys", { key: "ssh-ed25519 AAAA" })).status).toBe(403);
    expect((await gh(token, "GET", "/repos/operator/bobs")).status).toBe(403);
    expect((await gh(token, "POST", "/graphql", { query: "mutation { addStar(input:{starrableId:\"x\"}) { clientMutationId } }" })).status).toBe(403);
    expect(github.state.requests.length).toBe(asked);
    expect(github.state.settingsChanges).toEqual([]);
  });

  it("reads, comments, and opens and updates a pull request of the conversation's branch only", async () => {
    const token = aliceToken();
    const work = await aliceClone(token);
    expect((await git(work, token, "push", "-q", "--force", "origin", "HEAD:agent/api")).ok).toBe(true);
    await git(work, token, "push", "-q", `${github.url.replace("http://", `http://x-access-token:${VM_TOKEN}@`)}/operator/app.git`, "HEAD:refs/heads/someone-else");
    expect((await gh(token, "GET", "/repos/operator/app")).json).toMatchObject({ full_name: "operator/app" });
    expect((await gh(token, "POST", "/repos/operator/app/pulls", { title: "x", head: "someone-else", base: "main" })).status).toBe(403);
    const opened = await gh(token, "POST", "/repos/operator/app/pulls", { title: "Change", head: "agent/api", base: "main" });
    expect(opened.status).toBe(201);
    const number = opened.json.number as number;
    expect((await gh(token, "GET", "/repos/operator/app/pulls?state=open")).status).toBe(200);
    expect((await gh(token, "POST", `/repos/operator/app/issues/${number}/comments`, { body: "done" })).status).toBe(201);
    expect((await gh(token, "PATCH", `/repos/operator/app/pulls/${number}`, { title: "Change v2" })).json).toMatchObject({ title: "Change v2" });
    expect((await gh(token, "GET", `/repos/operator/app/commits/agent%2Fapi/check-runs`)).status).toBe(200);
    expect((await gh(token, "POST", "/graphql", { query: "query { viewer { login } }" })).status).not.toBe(403);

    // Someone else's pull request in the same repository: not the agent's to change.
    const theirs = await fetch(`${github.apiUrl}/repos/operator/app/pulls`, { method: "POST", headers: { authorization: `token ${VM_TOKEN}` }, body: JSON.stringify({ title: "theirs", head: "someone-else", base: "main" }) });
    const their = (await theirs.json()) as { number: number };
    const changed = await gh(token, "PATCH", `/repos/operator/app/pulls/${their.number}`, { state: "closed" });
    expect(changed.status).toBe(403);
    expect(changed.json.message).toContain("someone-else");
  });
});

describe("GraphQL", () => {
  const SECRET_QUERY = `query { repository(owner: "operator", name: "bobs") { object(expression: "HEAD:README.md") { ... on Blob { text } } } }`;

  it("refuses a read of a repository of no conversation of the user: 403, and GitHub never sees it", async () => {
    const token = aliceToken();
    const asked = github.state.requests.length;
    for (const body of [
      { query: SECRET_QUERY },
      { query: "query Q($owner: String!, $repo: String!) { repository(owner: $owner, name: $repo) { id } }", variables: { owner: "operator", repo: "bobs" } },
      { query: "query { search(query: \"repo:operator/bobs\", type: REPOSITORY, first: 1) { repositoryCount } }" },
      { query: "query { viewer { repositories(first: 10) { nodes { nameWithOwner } } } }" },
    ]) {
      const refused = await gh(token, "POST", "/graphql", body);
      expect(refused.status).toBe(403);
      expect(refused.json.message).toMatch(/^The relay's credential proxy refused this: [^\n]+$/);
    }
    expect((await gh(token, "POST", "/graphql", { query: SECRET_QUERY })).json.message).toContain("operator/bobs is not the repository of one of your conversations");
    expect(github.state.requests.length).toBe(asked);
  });

  it("passes a read of the conversation's repository, with the VM's token", async () => {
    const token = aliceToken();
    const asked = github.state.requests.length;
    const query = "query PullRequestByNumber($owner: String!, $repo: String!, $pr_number: Int!) { repository(owner: $owner, name: $repo) { pullRequest(number: $pr_number) { number title author { login } } } }";
    expect((await gh(token, "POST", "/graphql", { query, variables: { owner: "operator", repo: "app", pr_number: 1 } })).status).not.toBe(403);
    expect(github.state.requests.slice(asked)).toEqual([{ method: "POST", path: expect.stringMatching(/\/graphql$/), login: "operator" }]);
  });
});

it("a process of an agent between runs, or of no agent, reaches no repository", async () => {
  const between = (() => null) as unknown as () => RunReach;
  expect((await gh(between, "GET", "/repos/operator/app")).status).toBe(401);
  expect((await git(tempDir("gh-scope-"), between, "clone", "-q", `${github.url}/operator/app.git`, "w")).ok).toBe(false);
  // git started apart from any agent (the test's own child, this process unregistered meanwhile), with a token the proxy granted for the model.
  unregisterSelf();
  try {
    const { token } = proxy.grant(() => true);
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: tempDir("gh-scope-"), GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null", ...gitConfigEnv(proxy.gitConfigPairs(token)) };
    const asked = github.state.requests.length;
    const apart = spawn("git", ["ls-remote", `${github.url}/operator/app.git`], { env, stdio: ["ignore", "ignore", "pipe"] });
    let said = "";
    apart.stderr.on("data", (chunk: Buffer) => (said += chunk.toString("utf8")));
    expect(await new Promise((resolve) => apart.on("close", resolve))).not.toBe(0);
    // The proxy answers 401 (git then asks for a username it cannot get); GitHub never hears of it.
    expect(said).toContain("could not read Username");
    expect(github.state.requests.length).toBe(asked);
  } finally {
    unregisterSelf = proxy.registerAgent(process.pid, { ids: null, runOf: () => ghRun?.() ?? null });
  }
});
