// Each run is judged on its own on GitHub, with the real CLI and the real VM: two runs live at once
// (two conversations of one repository, or a scheduled run beside a chat run in one workspace),
// each presenting its own proxy token. A run without approvals pushes to no branch, not even the
// one of a conversation whose live run asks before each command; the run that asks pushes to its
// own conversation's branch only.
import { afterAll, beforeAll, expect, it } from "vitest";
import { startGithubEmulator, type RunningGithubEmulator } from "../../emulator/github/server";
import { branchSha, bareDirOf } from "../../emulator/github/shell/git-backend";
import { resultsOf, startHarness, uniqueId, type EventReader, type Harness } from "./helpers/harness";

const VM_GITHUB_TOKEN = "ghp_vmOperator0123456789";
const userId = "+15550003111";
const identity = { name: "Agent", email: "agent@example.invalid" };
let github: RunningGithubEmulator;
let h: Harness;

beforeAll(async () => {
  github = await startGithubEmulator({ accounts: [{ login: "operator", token: VM_GITHUB_TOKEN }], repos: [{ owner: "operator", name: "app", files: { "README.md": "app\n" } }] });
  h = await startHarness({ githubToken: VM_GITHUB_TOKEN, githubUrl: github.url, githubApiBase: github.apiUrl, warmSessionMs: 0 });
  for (const workspace of ["one", "two"]) {
    expect((await h.call("POST", "/v1/workspaces", { userId, workspace, clone: { url: `${github.url}/operator/app.git` } })).status).toBe(201);
  }
});
afterAll(async () => {
  await h?.close();
  await github?.close();
});

const bash = (command: string) => `[[tool Bash ${JSON.stringify({ command })}]]`;
const tip = (branch: string) => branchSha(bareDirOf(github.state.root, "operator", "app"), branch);
const commitAndPush = (branch: string) => bash(`git commit -q --allow-empty -m change && git push origin HEAD:${branch} 2>&1`);

/** A run that asks before each command, held live at its first question until `release()`, which allows it and returns its answer. */
async function askingRun(workspace: string, text = bash("touch asked.txt")): Promise<{ release(): Promise<string> }> {
  const runId = uniqueId("run");
  const reader: EventReader = await h.startRun({ runId, userId, workspace, gitIdentity: identity, text, options: { approvals: { mode: "on" } } });
  const event = await reader.waitFor((e) => e.type === "approval_request");
  if (event.type !== "approval_request") throw new Error("not an approval request");
  return {
    async release() {
      expect((await h.call("POST", `/v1/runs/${runId}/approval`, { requestId: event.requestId, decision: "allow" })).status).toBe(202);
      return resultsOf(await reader.end())[0]?.text ?? "";
    },
  };
}

async function unaskedPush(workspace: string, branch: string): Promise<string> {
  const run = await h.startRun({ userId, workspace, gitIdentity: identity, text: commitAndPush(branch), options: { permissionMode: "bypassPermissions" } });
  return resultsOf(await run.end())[0]?.text ?? "";
}

it("a run without approvals cannot push to the branch of another conversation of the repository whose live run asks", async () => {
  const asking = await askingRun("two");
  try {
    const text = await unaskedPush("one", "agent/two");
    expect(text).toContain("credential proxy refused this");
    expect(text).toContain("approvals on");
    expect(await tip("agent/two")).toBeNull();
  } finally {
    await asking.release();
  }
});

it("two runs that ask, side by side in two conversations of the repository: each pushes to its own branch only", async () => {
  const two = await askingRun("two");
  try {
    const one = await askingRun("one", commitAndPush("agent/two"));
    const text = await one.release();
    expect(text).toContain("only to its conversation's branch (agent/one)");
    expect(await tip("agent/two")).toBeNull();
  } finally {
    await two.release();
  }
});

it("a scheduled run without approvals beside a chat run that asks, in one workspace, is judged by its own token", async () => {
  const chat = await askingRun("one");
  try {
    const text = await unaskedPush("one", "agent/one");
    expect(text).toContain("credential proxy refused this");
    expect(text).toContain("approvals on");
    expect(await tip("agent/one")).toBeNull();
  } finally {
    await chat.release();
  }
});
