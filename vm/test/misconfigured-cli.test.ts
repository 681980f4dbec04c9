// A VM whose CLAUDE_BIN cannot run answers every run at once with `misconfigured` and the reason
// (never `cli_crashed`, which the relay retries for minutes), and /health tells the relay why;
// the same VM with the real CLI has no problem and answers.
import { chmodSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { CLAUDE_BIN, healthProblem, TOKEN, useHarness } from "./helpers/harness";
import { tempDir } from "./helpers/temp-dir";

const dir = tempDir("vm-misconfigured-");
// Reachable by the agents' own uids (a root VM runs the CLI as the user), as an installed CLI is.
chmodSync(dir, 0o755);
const missing = join(dir, "missing-claude");
const notExecutable = join(dir, "claude-not-executable");
writeFileSync(notExecutable, "#!/bin/sh\necho hi\n");
// Answers --version like the CLI, then rejects the VM's arguments as an older CLI would.
const olderCli = join(dir, "claude-older");
writeFileSync(olderCli, `#!/bin/sh\n[ "$1" = --version ] && echo "1.0.0 (Claude Code)" && exit 0\necho "error: unknown option '--replay-user-messages'" >&2\nexit 1\n`);
chmodSync(olderCli, 0o755);

const h = useHarness({ claudeBin: missing });

async function runOnce(userId: string) {
  const started = Date.now();
  const events = await (await h.startRun({ userId, text: "hi", options: { permissionMode: "bypassPermissions" } })).end();
  return { events, ms: Date.now() - started };
}

it("a missing CLAUDE_BIN: /health says so (with the token only), and a run ends misconfigured at once", async () => {
  expect(await healthProblem(h, (p) => p !== null)).toBe(`CLAUDE_BIN ${missing} was not found (spawn ENOENT: the file, or the interpreter its #! line names, does not exist)`);
  const anonymous = await h.call("GET", "/health", undefined, null);
  expect(await anonymous.text()).toBe('{"ok":true}');

  const { events, ms } = await runOnce("+15550000310");
  expect(events).toEqual([{ seq: 1, type: "error", code: "misconfigured", reason: "cli_not_found", message: expect.stringContaining(`CLAUDE_BIN ${missing} was not found`) }]);
  expect(ms).toBeLessThan(2_000);
  expect(h.api.requests).toEqual([]);
});

it("a CLAUDE_BIN that is not executable", async () => {
  await h.restart({ claudeBin: notExecutable });
  expect(await healthProblem(h, (p) => p !== null)).toContain("cannot be executed (spawn EACCES");
  const { events } = await runOnce("+15550000311");
  expect(events).toEqual([{ seq: 1, type: "error", code: "misconfigured", reason: "cli_not_executable", message: expect.any(String) }]);
});

it("a CLI that refuses the VM's arguments: the check passes, the first run finds it and /health shows it", async () => {
  await h.restart({ claudeBin: olderCli });
  await new Promise((r) => setTimeout(r, 500));
  expect(await healthProblem(h, () => true)).toBeNull();
  const { events } = await runOnce("+15550000312");
  const message = "the Claude Code CLI exited with code 1 before printing anything: error: unknown option '--replay-user-messages'";
  expect(events).toEqual([{ seq: 1, type: "error", code: "misconfigured", reason: "cli_failed_to_start", message }]);
  expect(await healthProblem(h, () => true)).toBe(message);
});

it("the real CLI: no problem, and a run is answered", async () => {
  await h.restart({ claudeBin: CLAUDE_BIN });
  await new Promise((r) => setTimeout(r, 500));
  expect(await healthProblem(h, () => true)).toBeNull();
  const { events } = await runOnce("+15550000313");
  expect(events.map((e) => e.type)).toEqual(["session", "result", "done"]);
  const body = await (await h.call("GET", "/health")).text();
  // `allowed` names ALLOW_SHARED_PROC where this machine's /proc has no hidepid (the harness allows it).
  expect(JSON.parse(body)).toEqual({ ok: true, problem: null, ...(body.includes('"allowed"') ? { allowed: ["ALLOW_SHARED_PROC"] } : {}) });
  expect(body).not.toContain(TOKEN);
});
