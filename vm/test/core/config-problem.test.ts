// What the CLI did (messages and exits observed from Claude Code 2.1.330, docs/vm.md) becomes a
// configuration problem, or stays a crash; the startup check; what /health reports next.
import { describe, expect, it } from "vitest";
import type { RunEvent } from "../../../src/protocol/vm/runs";
import {
  misconfigurationOf,
  nextProblem,
  observationOf,
  redactSecrets,
  secretsOf,
  startupProblem,
  type ConfigProblem,
  type ExitFacts,
} from "../../src/core/config-problem";

const BIN = "/opt/claude";
const exit = (over: Partial<ExitFacts>): ExitFacts => ({ bin: BIN, code: 0, signal: null, spawnErrorCode: null, spawnError: null, stderrTail: "", stdoutLines: 0, ...over });
const ROOT_STDERR = "--dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons\n";

describe("misconfigurationOf (a run's CLI)", () => {
  const cases: Array<{ name: string; exit: ExitFacts; problem: ConfigProblem | null }> = [
    {
      name: "CLAUDE_BIN does not exist",
      exit: exit({ code: null, spawnErrorCode: "ENOENT", spawnError: `spawn ${BIN} ENOENT` }),
      problem: { reason: "cli_not_found", message: `CLAUDE_BIN ${BIN} was not found (spawn ENOENT: the file, or the interpreter its #! line names, does not exist)` },
    },
    {
      name: "CLAUDE_BIN is a directory or not executable",
      exit: exit({ code: null, spawnErrorCode: "EACCES", spawnError: `spawn ${BIN} EACCES` }),
      problem: { reason: "cli_not_executable", message: `CLAUDE_BIN ${BIN} cannot be executed (spawn EACCES: a directory, or no execute permission)` },
    },
    {
      name: "another spawn failure",
      exit: exit({ code: null, spawnErrorCode: "E2BIG", spawnError: "spawn E2BIG" }),
      problem: { reason: "cli_failed_to_start", message: `CLAUDE_BIN ${BIN} could not be started: spawn E2BIG` },
    },
    {
      name: "root without IS_SANDBOX=1: exit 1, the refusal on stderr, nothing on stdout",
      exit: exit({ code: 1, stderrTail: ROOT_STDERR }),
      problem: {
        reason: "root_without_sandbox",
        message: "the Claude Code CLI refuses bypassPermissions because the VM runs as root without IS_SANDBOX=1 (it said: --dangerously-skip-permissions cannot be used with root/sudo privileges for security reasons)",
      },
    },
    {
      name: "a CLI that rejects the VM's arguments (another version)",
      exit: exit({ code: 1, stderrTail: "error: unknown option '--replay-user-messages'\n" }),
      problem: { reason: "cli_failed_to_start", message: "the Claude Code CLI exited with code 1 before printing anything: error: unknown option '--replay-user-messages'" },
    },
    {
      name: "an error exit with a silent stderr",
      exit: exit({ code: 2 }),
      problem: { reason: "cli_failed_to_start", message: "the Claude Code CLI exited with code 2 before printing anything" },
    },
    { name: "an exit after printing a line is a crash", exit: exit({ code: 3, stdoutLines: 1, stderrTail: "panic" }), problem: null },
    { name: "the root refusal after output is still a crash", exit: exit({ code: 1, stdoutLines: 4, stderrTail: ROOT_STDERR }), problem: null },
    { name: "a signal is a crash (or the VM's stop)", exit: exit({ code: null, signal: "SIGKILL" }), problem: null },
    { name: "exit 0 is not a refusal", exit: exit({ code: 0 }), problem: null },
    { name: "exit 143 is a signal the CLI caught (SIGTERM), not a refusal", exit: exit({ code: 143 }), problem: null },
    {
      name: "a wrapper script whose command is missing (sh: 127)",
      exit: exit({ code: 127, stderrTail: "/opt/claude: 2: exec: node: not found\n" }),
      problem: { reason: "cli_failed_to_start", message: "the Claude Code CLI exited with code 127 before printing anything: /opt/claude: 2: exec: node: not found" },
    },
  ];
  for (const c of cases) it(c.name, () => expect(misconfigurationOf(c.exit)).toEqual(c.problem));

  it("keeps the last three stderr lines, on one line", () => {
    const problem = misconfigurationOf(exit({ code: 1, stderrTail: "a\nb\n\nc\nd\n" }));
    expect(problem?.message).toBe("the Claude Code CLI exited with code 1 before printing anything: b | c | d");
  });
});

describe("startupProblem (CLAUDE_BIN --version, and the root rule)", () => {
  const version = (over: Partial<ExitFacts> & { timedOut?: boolean } = {}) => ({ ...exit({ code: 0, stdoutLines: 1 }), timedOut: false, ...over });
  const cases: Array<{ name: string; facts: Parameters<typeof startupProblem>[0]; reason: string | null; says?: string }> = [
    { name: "a working CLI, not root", facts: { version: version(), uid: 1000, isSandbox: undefined }, reason: null },
    { name: "a working CLI, root with IS_SANDBOX=1", facts: { version: version(), uid: 0, isSandbox: "1" }, reason: null },
    { name: "no uids (not POSIX)", facts: { version: version(), uid: null, isSandbox: undefined }, reason: null },
    { name: "root, IS_SANDBOX unset", facts: { version: version(), uid: 0, isSandbox: undefined }, reason: "root_without_sandbox", says: "the VM runs as root with IS_SANDBOX unset: " },
    { name: 'root, IS_SANDBOX "yes" (only "1" counts)', facts: { version: version(), uid: 0, isSandbox: "yes" }, reason: "root_without_sandbox", says: 'with IS_SANDBOX "yes"' },
    { name: "missing CLI comes first, root or not", facts: { version: version({ code: null, spawnErrorCode: "ENOENT", spawnError: "x" }), uid: 0, isSandbox: undefined }, reason: "cli_not_found" },
    { name: "not executable", facts: { version: version({ code: null, spawnErrorCode: "EACCES", spawnError: "x" }), uid: 1000, isSandbox: undefined }, reason: "cli_not_executable" },
    { name: "--version fails", facts: { version: version({ code: 127, stderrTail: "sh: node: not found\n" }), uid: 1000, isSandbox: undefined }, reason: "cli_failed_to_start", says: `CLAUDE_BIN ${BIN} --version exited with code 127: sh: node: not found` },
    { name: "--version killed", facts: { version: version({ code: null, signal: "SIGSEGV" }), uid: 1000, isSandbox: undefined }, reason: "cli_failed_to_start", says: "was killed by SIGSEGV" },
    { name: "--version hangs", facts: { version: version({ code: null, signal: "SIGTERM", timedOut: true }), uid: 1000, isSandbox: undefined }, reason: "cli_failed_to_start", says: "did not answer --version in time" },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const problem = startupProblem(c.facts);
      expect(problem?.reason ?? null).toBe(c.reason);
      if (c.says) expect(problem?.message).toContain(c.says);
    });
  }
});

describe("nextProblem", () => {
  const root: ConfigProblem = { reason: "root_without_sandbox", message: "root" };
  const missing: ConfigProblem = { reason: "cli_not_found", message: "missing" };
  const cases: Array<{ name: string; current: ConfigProblem | null; seen: Parameters<typeof nextProblem>[1]; next: ConfigProblem | null }> = [
    { name: "a problem found is reported", current: null, seen: { type: "found", problem: root }, next: root },
    { name: "a newer problem replaces it", current: root, seen: { type: "found", problem: missing }, next: missing },
    { name: "the same reason keeps its first words", current: root, seen: { type: "found", problem: { ...root, message: "again" } }, next: root },
    { name: "an answered run clears it", current: missing, seen: { type: "answered", permissionMode: "acceptEdits" }, next: null },
    { name: "an answered bypassPermissions run clears the root problem", current: root, seen: { type: "answered", permissionMode: "bypassPermissions" }, next: null },
    { name: "an answered run in another mode says nothing of root", current: root, seen: { type: "answered", permissionMode: "acceptEdits" }, next: root },
  ];
  for (const c of cases) it(c.name, () => expect(nextProblem(c.current, c.seen)).toEqual(c.next));

  it("returns the same object when nothing changes (the server logs changes only)", () => {
    expect(nextProblem(root, { type: "found", problem: { ...root } })).toBe(root);
    expect(nextProblem(null, { type: "answered", permissionMode: "plan" })).toBeNull();
  });
});

describe("observationOf (a finished run)", () => {
  const result: RunEvent = { seq: 2, type: "result", messageIds: ["m"], text: "hi", isError: false, subtype: "success", costUsd: 0, numTurns: 1, durationMs: 1, sessionId: "s" };
  const cases: Array<{ name: string; events: RunEvent[]; seen: ReturnType<typeof observationOf> }> = [
    {
      name: "ended misconfigured",
      events: [{ seq: 1, type: "error", code: "misconfigured", message: "m", reason: "cli_not_found" }],
      seen: { type: "found", problem: { reason: "cli_not_found", message: "m" } },
    },
    {
      name: "ended on an authentication failure",
      events: [{ seq: 1, type: "session", sessionId: "s" }, { seq: 2, type: "error", code: "auth_failed", message: "401", reason: "credentials_refused" }],
      seen: { type: "found", problem: { reason: "credentials_refused", message: "401" } },
    },
    { name: "answered", events: [result, { seq: 3, type: "done" }], seen: { type: "answered", permissionMode: "bypassPermissions" } },
    { name: "answered, then crashed", events: [result, { seq: 3, type: "error", code: "cli_crashed", message: "x" }], seen: { type: "answered", permissionMode: "bypassPermissions" } },
    { name: "crashed without a word", events: [{ seq: 1, type: "error", code: "cli_crashed", message: "x" }], seen: null },
    { name: "busy", events: [{ seq: 1, type: "error", code: "busy", message: "x" }], seen: null },
  ];
  for (const c of cases) it(c.name, () => expect(observationOf(c.events, "bypassPermissions")).toEqual(c.seen));
});

describe("secrets", () => {
  it("takes VM_TOKEN and secret-looking variables, never short values or ordinary ones", () => {
    const env = { ANTHROPIC_API_KEY: "sk-ant-0123456789", CLAUDE_CODE_OAUTH_TOKEN: "oat-abcdefgh", ANTHROPIC_BASE_URL: "http://127.0.0.1:8790", IS_SANDBOX: "1", ANTHROPIC_AUTH_TOKEN: "short" };
    expect(secretsOf("vm-token-0123", env)).toEqual(["vm-token-0123", "sk-ant-0123456789", "oat-abcdefgh"]);
  });

  it("redacts every occurrence", () => {
    expect(redactSecrets("key sk-ant-0123456789 and sk-ant-0123456789, token vm-token-0123", ["vm-token-0123", "sk-ant-0123456789"])).toBe(
      "key [redacted] and [redacted], token [redacted]",
    );
  });
});
