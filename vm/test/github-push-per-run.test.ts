// Each run is judged on its own on GitHub, with the real CLI and the real VM: two runs live at once
// (two conversations of one repository, or a scheduled run beside a chat run in one workspace),
// each known to the proxy by its process. A run without approvals pushes to no branch, not even the
// one of a conversation whose live run asks before each command; the run that asks pushes to its
// own conversation's branch only. A run an issue started that reads every environment and socket
// of its uid finds nothing that lets it push as the other run: it cannot read the other run's
// environment (sibling-run-fence.test.ts), and given it all the same, as a leak would, its pushes
// are still its own.
import { chownSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { readAgentRecords } from "../src/cli/agent-records";
import { userPathsOf } from "../src/users/user-paths";
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

/**
 * Every token-like value of every readable environment and of `$HOME/leaked.environ` (the model's, gh's, a git header's), each
 * tried as git's header on the proxy's git route and as gh's token on every Unix socket listed in
 * /proc/net/unix; with each the run pushes to `agent/two`, the other conversation's branch.
 */
const STEAL_AND_PUSH = [
  "proxy=${ANTHROPIC_BASE_URL%/model}",
  "found=$(mktemp)",
  "for f in /proc/[0-9]*/environ \"$HOME/leaked.environ\"; do tr '\\0' '\\n' < \"$f\"; done 2>/dev/null | sed -n -e 's/^\\(GH_TOKEN\\|GITHUB_TOKEN\\|ANTHROPIC_API_KEY\\|ANTHROPIC_AUTH_TOKEN\\|CLAUDE_CODE_OAUTH_TOKEN\\)=//p' -e 's/^GIT_CONFIG_VALUE_[0-9]*=Authorization: Bearer //p' | sort -u > \"$found\"",
  "echo \"tokens found: $(wc -l < \"$found\")\"",
  "git commit -q --allow-empty -m stolen",
  "sha=$(git rev-parse HEAD)",
  "while read -r t; do",
  "  GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=\"http.$proxy/git/.extraHeader\" GIT_CONFIG_VALUE_0=\"Authorization: Bearer $t\" git push origin HEAD:agent/two 2>&1 | grep -E 'refused|->' | head -n 1",
  "  for s in $(awk 'NR > 1 && $8 ~ /^\\// { print $8 }' /proc/net/unix | sort -u); do",
  "    curl -s --max-time 5 --unix-socket \"$s\" -H \"authorization: token $t\" -H 'content-type: application/json' -X POST -d \"{\\\"ref\\\":\\\"refs/heads/agent/two\\\",\\\"sha\\\":\\\"$sha\\\"}\" http://api.github.com/repos/operator/app/git/refs 2>/dev/null | head -c 120; echo",
  "  done",
  "done < \"$found\"",
  "rm -f \"$found\"",
].join("\n");

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

it("a scheduled run without approvals beside a chat run that asks, in one workspace, is judged by its own process", async () => {
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

it("an issue's run that reads every environment and socket it reaches cannot push with another live run's approval", async () => {
  const mine = await askingRun("two");
  try {
    // The live run's environments, handed to the run as a leak would: its own reads of
    // /proc/<pid>/environ are refused (each run's processes are in a Landlock domain of their own).
    const records = readAgentRecords(h.dataDir) ?? [];
    const leaked = join(userPathsOf(h.dataDir, userId).home, "leaked.environ");
    const environOf = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/environ`, "utf8");
      } catch {
        return ""; // gone meanwhile
      }
    };
    writeFileSync(leaked, records.map((r) => environOf(r.pid)).join("\0"), { mode: 0o600 });
    const ids = records[0]?.ids;
    if (ids) chownSync(leaked, ids.uid, ids.gid);
    // The run (untrusted): its command is asked, and allowed (a user who taps yes to a long command).
    const runId = uniqueId("issue");
    const reader = await h.startRun({ runId, userId, workspace: "one", gitIdentity: identity, text: bash(STEAL_AND_PUSH), options: { approvals: { mode: "edits", untrusted: true } } });
    const asked = await reader.waitFor((e) => e.type === "approval_request");
    if (asked.type !== "approval_request") throw new Error("not an approval request");
    expect((await h.call("POST", `/v1/runs/${runId}/approval`, { requestId: asked.requestId, decision: "allow" })).status).toBe(202);
    const text = resultsOf(await reader.end())[0]?.text ?? "";
    // It had the other run's environment (the model's token is there: no GitHub credential) and its own.
    expect(Number(/tokens found: (\d+)/.exec(text)?.[1] ?? "0")).toBeGreaterThanOrEqual(2);
    // Every push is the issue run's own, judged as it: its conversation's branch only.
    expect(text).toContain("only to its conversation's branch (agent/one)");
    expect(await tip("agent/two")).toBeNull();
  } finally {
    await mine.release();
  }
}, 120_000);
