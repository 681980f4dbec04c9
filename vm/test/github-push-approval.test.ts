// The whole way with the real CLI: the VM clones its user's repository from the GitHub stand-in
// (GITHUB_URL on loopback, plain HTTP, through the credential proxy), and the agent's own `git push`
// in a Bash call reaches GitHub only to the conversation's branch and only when the user approved
// the command; without approvals, or to main, the proxy refuses and the agent reads why.
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";
import { branchSha, bareDirOf } from "../../emulator/github/shell/git-backend";
import { resultsOf, startHarness, uniqueId, type EventReader, type Harness } from "./helpers/harness";

const VM_GITHUB_TOKEN = "ghp_vmOperator0123456789";
const userId = "+15550003101";
const identity = { name: "Agent", email: "agent@example.invalid" };
let github: RunningGithubEmulator;
let h: Harness;

beforeAll(async () => {
  github = await startGithubEmulator({ accounts: [{ login: "operator", token: VM_GITHUB_TOKEN }], repos: [{ owner: "operator", name: "app", files: { "README.md": "app\n" } }] });
  h = await startHarness({ githubToken: VM_GITHUB_TOKEN, githubUrl: github.url, githubApiBase: github.apiUrl, warmSessionMs: 0 });
});
afterAll(async () => {
  await h?.close();
  await github?.close();
});

const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;
const tip = (branch: string) => branchSha(bareDirOf(github.state.root, "operator", "app"), branch);

async function approveAll(reader: EventReader, runId: string): Promise<void> {
  const event = await reader.waitFor((e) => e.type === "approval_request");
  if (event.type !== "approval_request") throw new Error("not an approval request");
  expect((await h.call("POST", `/v1/runs/${runId}/approval`, { requestId: event.requestId, decision: "allow" })).status).toBe(202);
}

it("clones the user's repository from the stand-in over plain HTTP, and records it as the server's", async () => {
  const res = await h.call("POST", "/v1/workspaces", { userId, workspace: "api", clone: { url: `${github.url}/operator/app.git` } });
  expect(res.status).toBe(201);
  expect(await res.json()).toMatchObject({ workspace: "api", branch: "main", files: 1 });
  const recorded = JSON.parse(readFileSync(join(h.dataDir, ".github-repos.json"), "utf8")) as Record<string, Record<string, unknown>>;
  expect(Object.values(recorded)).toEqual([{ api: { repo: "operator/app", branch: "main", defaultBranch: "main" } }]);
  // Not a loopback stand-in: http:// stays refused.
  expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "x", clone: { url: "http://github.example/operator/app.git" } })).status).toBe(400);
});

it("the agent's push goes to agent/<conversation> once approved, never to main, never unapproved", async () => {
  const main = await tip("main");
  const commit = "git switch -q -c agent/api && echo change > change.txt && git add change.txt && git commit -q -m change";
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, workspace: "api", gitIdentity: identity, text: bash(`${commit} && git push origin HEAD:main 2>&1; git push origin agent/api 2>&1`), options: { approvals: { mode: "on" } } });
  await approveAll(reader, runId);
  const events = await reader.end();
  const text = resultsOf(events)[0]?.text ?? "";
  // The offline model quotes the start of the tool's output: the refusal of main comes first.
  expect(text).toContain("remote: refused by the relay's credential proxy: the relay's proxy lets an agent push only to its conversation's branch (agent/api)");
  expect(text).toContain("! [remote rejected] HEAD -> main");
  expect(await tip("main")).toBe(main);
  expect(await tip("agent/api")).toMatch(/^[0-9a-f]{40}$/);

  const before = await tip("agent/api");
  const off = await h.startRun({ userId, workspace: "api", gitIdentity: identity, text: bash("git commit -q --allow-empty -m again && git push origin agent/api 2>&1"), options: { permissionMode: "bypassPermissions" } });
  const offText = resultsOf(await off.end())[0]?.text ?? "";
  expect(offText).toContain("credential proxy refused this");
  expect(offText).toContain("approvals on");
  expect(await tip("agent/api")).toBe(before);
  expect(existsSync(join(h.dataDir, ".github-repos.json"))).toBe(true);
});

it("a VM upgraded from a version that kept no record adopts its workspaces' remotes once", async () => {
  const file = join(h.dataDir, ".github-repos.json");
  rmSync(file);
  await h.restart();
  // As the checkout is now: the agent switched it to its branch above.
  expect(Object.values(JSON.parse(readFileSync(file, "utf8")) as object)).toEqual([{ api: { repo: "operator/app", branch: "agent/api", defaultBranch: "main" } }]);
  // Once only: with the file there, no checkout is read again.
  writeFileSync(file, "{}");
  await h.restart();
  expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({});
});

it("a deleted workspace's repository is no longer its user's", async () => {
  const file = join(h.dataDir, ".github-repos.json");
  const res = await h.call("POST", "/v1/workspaces", { userId, workspace: "gone", clone: { url: `${github.url}/operator/app.git` } });
  expect(res.status).toBe(201);
  expect(JSON.stringify(JSON.parse(readFileSync(file, "utf8")))).toContain('"gone"');
  expect((await h.call("DELETE", `/v1/workspaces/gone?userId=${encodeURIComponent(userId)}`)).status).toBe(200);
  expect(JSON.stringify(JSON.parse(readFileSync(file, "utf8")))).not.toContain('"gone"');
});
