// No long-lived secret in the agent's reach (issue 22): the real CLI, told by the offline model to
// run shell commands, looks everywhere it can (its environment, every /proc/*/environ and
// /proc/*/cmdline, its home, the workspace, the data dir, the relay MCP config, `git credential
// fill`, `gh auth token`) and the model key and git credentials are in none of it. Both VM modes:
// in-process as the shared VM runs (API key), and as a Machine runs it, a child process with the
// secrets in its own environment (OAuth token). Only where agents have uids of their own (root):
// agents sharing the server's uid could read its /proc, as the README says. /ship's push goes
// through the same proxy: after one, the GitHub token is in nothing the agent looks at either.
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAnthropicStandIn, type AnthropicStandIn } from "../../test/stand-ins/anthropic-api";
import { startGithubEmulator } from "../../emulator/github/server";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { userPathsOf } from "../src/users/user-paths";
import { IS_ROOT, readEvents, resultsOf, startHarness, TOKEN, uniqueId, type EventReader } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";
import { spawnVm } from "./helpers/vm-child";

const secret = (prefix: string) => `${prefix}${randomBytes(18).toString("hex")}`;
const MODEL_KEY = secret("sk-ant-api03-");
const OAUTH_TOKEN = secret("sk-ant-oat01-");
const GITHUB_TOKEN = secret("ghp_");
const GIT_PASSWORD = secret("pw-");
const GIT_CREDENTIALS = `https://alice:${GIT_PASSWORD}@git.test.example\n`;

/** Everything the agent can look at, dumped into probe.out in its workspace for the test to grep. */
function probeScript(dataDir: string): string {
  return [
    "{ echo '== id'; id",
    "echo '== env'; env",
    "echo '== environ'; n=0; for f in /proc/[0-9]*/environ; do if tr '\\0' '\\n' < \"$f\" 2>/dev/null; then n=$((n+1)); fi; done; echo \"environ-read=$n\"",
    "echo '== cmdline'; for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < \"$f\" 2>/dev/null; echo; done",
    "echo '== home'; grep -r -a -h . \"$HOME\" 2>/dev/null",
    "echo '== workspace'; grep -r -a -h . . --exclude=probe.out 2>/dev/null",
    `echo '== data'; find ${dataDir} -type f -readable ! -name probe.out 2>/dev/null | while read -r f; do echo "# $f"; cat "$f"; done`,
    "echo '== mcp'; cat \"$TMPDIR\"/relay-mcp-*.json",
    "echo '== fill'; printf 'protocol=https\\nhost=github.com\\n\\n' | git credential fill; printf 'protocol=https\\nhost=git.test.example\\n\\n' | git credential fill",
    "echo '== gh'; gh auth token",
    "echo '== end'; } > probe.out 2>&1",
  ].join("\n");
}

type Vm = { url: string; dataDir: string };

async function startRun(vm: Vm, userId: string, text: string): Promise<EventReader> {
  const body = { runId: uniqueId("run"), userId, sessionId: null, messages: [{ id: uniqueId("m"), text }], options: { permissionMode: "bypassPermissions", scheduleTools: true } };
  const response = await fetch(`${vm.url}/v1/runs`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  return readEvents(response);
}

const PROBE_USER = "+15550002301";

async function probe(vm: Vm, secrets: string[], gitHost = "https://github.com/"): Promise<void> {
  const userId = PROBE_USER;
  const events = await (await startRun(vm, userId, `[[tool Bash ${JSON.stringify({ command: probeScript(vm.dataDir) })}]]`)).end();
  expect(resultsOf(events)[0]?.isError, JSON.stringify(events)).toBe(false);
  const out = readFileSync(join(userPathsOf(vm.dataDir, userId).workspace, "probe.out"), "utf8");

  // The probes ran, and saw what an agent sees: its own uid, its own environment (the proxy's
  // URL and its process's token), its CLI's environ, its git config, the MCP config and its secret.
  expect(out).toContain("== end");
  expect(out).not.toMatch(/uid=0\(/);
  expect(out).toMatch(/ANTHROPIC_BASE_URL=http:\/\/127\.0\.0\.1:\d+\/model/);
  expect(Number(/environ-read=(\d+)/.exec(out)?.[1])).toBeGreaterThanOrEqual(2);
  expect(out).toContain('"Authorization":"Bearer ');
  expect(out).toContain(`insteadOf = ${gitHost}`);
  for (const value of secrets) {
    expect(out.includes(value), `a secret (${value.slice(0, 8)}…) was found by the agent`).toBe(false);
    expect(out.includes(encodeURIComponent(value))).toBe(false);
  }
}

describe.skipIf(!IS_ROOT)("no agent can read a secret (agents with uids of their own: root only)", () => {
  let api: AnthropicStandIn;
  beforeAll(async () => {
    api = await startAnthropicStandIn();
  });
  afterAll(() => api?.close());

  it("the shared VM (in-process, API key): not in anything the agent looks at", async () => {
    const h = await startHarness({ githubToken: GITHUB_TOKEN, gitCredentials: GIT_CREDENTIALS, cliEnv: { ANTHROPIC_API_KEY: MODEL_KEY } });
    try {
      await probe({ url: h.vm.url, dataDir: h.dataDir }, [MODEL_KEY, GITHUB_TOKEN, GIT_PASSWORD]);
    } finally {
      await h.close();
    }
  });

  it("after /ship committed and pushed the conversation's work through the proxy: not in anything the agent looks at", async () => {
    const github = await startGithubEmulator({ accounts: [{ login: "operator", token: GITHUB_TOKEN }], repos: [{ owner: "operator", name: "app", files: { "README.md": "app\n" } }] });
    const h = await startHarness({ githubToken: GITHUB_TOKEN, githubUrl: github.url, githubApiBase: github.apiUrl, cliEnv: { ANTHROPIC_API_KEY: MODEL_KEY } });
    try {
      const clone = await h.call("POST", "/v1/workspaces", { userId: PROBE_USER, workspace: "main", clone: { url: `${github.url}/operator/app.git` } });
      expect(clone.status).toBe(201);
      await (await startRun({ url: h.vm.url, dataDir: h.dataDir }, PROBE_USER, `[[tool Bash ${JSON.stringify({ command: "echo shipped > shipped.txt" })}]]`)).end();
      const shipped = await h.call("POST", VM_ROUTES.workspaceShip("main", PROBE_USER), { runs: [{ asked: "ship it" }] });
      expect(shipped.status).toBe(200);
      expect(github.state.pulls).toHaveLength(1);
      await probe({ url: h.vm.url, dataDir: h.dataDir }, [MODEL_KEY, GITHUB_TOKEN], `${github.url}/`);
    } finally {
      await h.close();
      await github.close();
    }
  });

  it("a Machine's VM (its own process, the secrets in its environment, OAuth token): not either", async () => {
    const dataDir = tempDir("vm-secrets-");
    const vm = await spawnVm({
      DATA_DIR: dataDir,
      ANTHROPIC_BASE_URL: api.url,
      CLAUDE_CODE_OAUTH_TOKEN: OAUTH_TOKEN,
      GITHUB_TOKEN,
      GIT_CREDENTIALS,
    });
    try {
      await probe({ url: vm.url, dataDir }, [OAUTH_TOKEN, GITHUB_TOKEN, GIT_PASSWORD]);
      // The VM's own environ holds them (root's, unreadable by the agent): the probe would have found them otherwise.
      expect(readFileSync(`/proc/${vm.child.pid}/environ`, "utf8")).toContain(OAUTH_TOKEN);
    } finally {
      vm.child.kill("SIGTERM");
      await vm.exited;
    }
  });
});
