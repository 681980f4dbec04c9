// Tokens of the server's own git work, through the real credential proxy against the GitHub
// stand-in: a clone's token fetches its one repository and nothing else; a push's token updates
// its one branch of its one repository, deletes nothing; neither reaches gh's API or the model, and
// neither works once its operation ended or its time is up. No token passes unchecked any more.
import { execFile } from "node:child_process";
import { request } from "node:http";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";
import { credentialLinesOf } from "../src/core/git-credentials";
import { gitConfigEnv } from "../src/core/credential-proxy";
import { repoLocationOf } from "../src/core/server-git-scope";
import { startCredentialProxy, type CredentialProxy } from "../src/credentials/credential-proxy";
import { createGithubGate } from "../src/github/github-gate";
import { tempDir } from "./helpers/temp-dir";

const VM_TOKEN = "ghp_operatorServerGit0123456789";
let github: RunningGithubEmulator;
let proxy: CredentialProxy;

beforeAll(async () => {
  github = await startGithubEmulator({
    accounts: [{ login: "operator", token: VM_TOKEN }],
    repos: [
      { owner: "operator", name: "app", files: { "README.md": "app\n" } },
      { owner: "operator", name: "other", files: { "README.md": "other\n" } },
    ],
  });
  const gate = createGithubGate({ githubUrl: github.url, dataDir: "/", repos: null });
  const { lines } = credentialLinesOf({ githubToken: VM_TOKEN, githubUrl: github.url });
  proxy = await startCredentialProxy({ cliEnv: { ANTHROPIC_API_KEY: "sk-ant-test" }, gitLines: lines, githubToken: VM_TOKEN, githubApiBase: github.apiUrl, github: gate, socketDir: tempDir("server-git-proxy-") });
});
afterAll(async () => {
  await proxy?.close();
  await github?.close();
});

const location = (repo: string) => repoLocationOf(`${github.url}/${repo}.git`)!;
const fetchToken = (repo: string, expiresAt = Date.now() + 60_000) => proxy.grantServer({ kind: "fetch", ...location(repo) }, expiresAt);
const pushToken = (repo: string, branch: string) => proxy.grantServer({ kind: "push", ...location(repo), branch }, Date.now() + 60_000);

async function git(cwd: string, token: string, ...args: string[]): Promise<{ ok: boolean; out: string }> {
  const env = {
    PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: cwd, LC_ALL: "C", GIT_TERMINAL_PROMPT: "0", GIT_CONFIG_NOSYSTEM: "1", GIT_CONFIG_GLOBAL: "/dev/null",
    GIT_AUTHOR_NAME: "Server", GIT_AUTHOR_EMAIL: "server@example.invalid", GIT_COMMITTER_NAME: "Server", GIT_COMMITTER_EMAIL: "server@example.invalid",
    ...gitConfigEnv(proxy.gitConfigPairs(token)),
  };
  return promisify(execFile)("git", args, { cwd, env, encoding: "utf8" }).then(
    (done) => ({ ok: true, out: done.stdout + done.stderr }),
    (error: { stdout?: string; stderr?: string }) => ({ ok: false, out: `${error.stdout ?? ""}${error.stderr ?? ""}` }),
  );
}

function gh(token: string, method: string, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: proxy.ghSocket ?? "", method, path, headers: { host: "api.github.com", authorization: `token ${token}` } }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.on("error", reject);
    req.end();
  });
}

const pushes = () => github.state.requests.filter((r) => r.method === "POST" && r.path.endsWith("/git-receive-pack")).length;

/** A clone of operator/app with one more commit, made with a clone token of its own. */
async function workWithCommit(): Promise<string> {
  const grant = fetchToken("operator/app");
  const dir = tempDir("server-git-");
  expect((await git(dir, grant.token, "clone", "-q", `${github.url}/operator/app.git`, "w")).ok).toBe(true);
  grant.revoke();
  const work = join(dir, "w");
  writeFileSync(join(work, "change.txt"), `${Math.random()}\n`);
  await git(work, grant.token, "add", "-A");
  await git(work, grant.token, "commit", "-q", "-m", "change");
  return work;
}

describe("a clone's token", () => {
  it("fetches its one repository; not another, not a push, not gh, not the model", async () => {
    const grant = fetchToken("operator/app");
    const dir = tempDir("server-git-");
    expect((await git(dir, grant.token, "clone", "-q", `${github.url}/operator/app.git`, "w")).ok).toBe(true);
    const asked = github.state.requests.length;
    const other = await git(dir, grant.token, "clone", "-q", `${github.url}/operator/other.git`, "o");
    expect(other.ok).toBe(false);
    expect(other.out).toContain("is for");
    const pushed = await git(join(dir, "w"), grant.token, "push", "origin", "HEAD:refs/heads/agent/x");
    expect(pushed.ok).toBe(false);
    expect(pushed.out).toContain("may only fetch");
    expect(github.state.requests.length).toBe(asked);
    // The collaborator call of the review: refused before GitHub.
    expect(await gh(grant.token, "PUT", "/repos/operator/app/collaborators/mallory")).toBe(403);
    const model = await fetch(`${proxy.baseUrl}/model/v1/messages`, { method: "POST", headers: { "x-api-key": grant.token, "content-type": "application/json" }, body: "{}" });
    expect(model.status).toBe(403);
    expect(github.state.requests.length).toBe(asked);
    grant.revoke();
  });

  it("is refused once revoked, or once its time is up", async () => {
    const revoked = fetchToken("operator/app");
    revoked.revoke();
    expect((await git(tempDir("server-git-"), revoked.token, "clone", "-q", `${github.url}/operator/app.git`, "w")).ok).toBe(false);
    const expired = fetchToken("operator/app", Date.now() - 1);
    expect((await git(tempDir("server-git-"), expired.token, "clone", "-q", `${github.url}/operator/app.git`, "w")).ok).toBe(false);
    expired.revoke();
  });
});

describe("a push's token", () => {
  it("updates its one branch; not another branch, not a delete, not another repository", async () => {
    const work = await workWithCommit();
    const grant = pushToken("operator/app", "agent/api");
    const before = pushes();
    const toMain = await git(work, grant.token, "push", "origin", "HEAD:refs/heads/main");
    expect(toMain.ok).toBe(false);
    expect(toMain.out).toMatch(/remote rejected\].*may update agent\/api only/);
    const toOther = await git(work, grant.token, "push", `${github.url}/operator/other.git`, "HEAD:refs/heads/agent/api");
    expect(toOther.ok).toBe(false);
    expect(pushes()).toBe(before);
    expect(await gh(grant.token, "GET", "/repos/operator/app")).toBe(403);

    expect((await git(work, grant.token, "push", "origin", "HEAD:refs/heads/agent/api")).ok).toBe(true);
    const deleting = await git(work, grant.token, "push", "origin", ":refs/heads/agent/api");
    expect(deleting.ok).toBe(false);
    expect(deleting.out).toContain("may not delete");
    const both = await git(work, grant.token, "push", "origin", "HEAD:refs/heads/agent/api", "HEAD:refs/heads/main");
    expect(both.ok).toBe(false);
    grant.revoke();
  });
});
