// The operator's view: the VM started as `npm run vm` starts it logs a configuration problem in
// one line, found by its startup check and not repeated by the runs that hit it; secrets stay out.
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { readEvents, TOKEN } from "./helpers/harness";
import { spawnVm, type VmChild } from "./helpers/vm-child";
import { tempDir } from "./helpers/temp-dir";

const API_KEY = "sk-ant-offline-secret-0123456789";
let vm: VmChild | null = null;
afterEach(async () => {
  vm?.child.kill("SIGTERM");
  await vm?.exited;
  vm = null;
});

async function outputLine(child: VmChild, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const line = child.output().split("\n").find((l) => pattern.test(l));
    if (line) return line;
    if (Date.now() > deadline) throw new Error(`no line ${pattern} in: ${child.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function runOnce(child: VmChild, userId: string) {
  const res = await fetch(`${child.url}/v1/runs`, {
    method: "POST",
    headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ runId: `log-${userId.slice(1)}`, userId, sessionId: null, messages: [{ id: "m1", text: "hi" }] }),
  });
  return readEvents(res).end();
}

const problemLines = (child: VmChild) => child.output().split("\n").filter((l) => l.includes("configuration problem"));

it("a missing CLAUDE_BIN: one line at start, the runs add none", async () => {
  const bin = join(tmpdir(), "no-such-dir", "claude");
  vm = await spawnVm({ DATA_DIR: tempDir("vm-log-"), CLAUDE_BIN: bin, ANTHROPIC_API_KEY: API_KEY, IS_SANDBOX: "1" });
  expect(await outputLine(vm, /configuration problem/)).toBe(
    `vm: configuration problem (cli_not_found): CLAUDE_BIN ${bin} was not found (spawn ENOENT: the file, or the interpreter its #! line names, does not exist)`,
  );
  for (const user of ["+15550000330", "+15550000331"]) expect((await runOnce(vm, user)).at(-1)).toMatchObject({ code: "misconfigured", reason: "cli_not_found" });
  expect(problemLines(vm)).toHaveLength(1);
  expect(vm.output()).not.toContain(API_KEY);
  expect(vm.output()).not.toContain(TOKEN);
});

it.skipIf(process.getuid?.() !== 0)("as root with AGENT_UIDS=off and IS_SANDBOX unset: one line at start (skipped when not root)", async () => {
  const env = { DATA_DIR: tempDir("vm-log-"), AGENT_UIDS: "off", ANTHROPIC_BASE_URL: "http://127.0.0.1:9", ANTHROPIC_API_KEY: API_KEY };
  vm = await spawnVm(env);
  expect(await outputLine(vm, /configuration problem/)).toBe(
    "vm: configuration problem (root_without_sandbox): the VM runs as root with IS_SANDBOX unset: the Claude Code CLI refuses bypassPermissions (the relay's permission mode) as root unless IS_SANDBOX=1; set IS_SANDBOX=1 or run the VM as a non-root user",
  );
  // The relay's default mode: the CLI refuses before it would call the API.
  expect((await runOnce(vm, "+15550000332")).at(-1)).toMatchObject({ code: "misconfigured", reason: "root_without_sandbox" });
  expect(problemLines(vm)).toHaveLength(1);
});
