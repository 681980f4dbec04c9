// The pure part of approvals: rules, the prompt tool's answer text, the bounded input, the
// settings file merge, and the CLI's arguments with and without approvals.
import { describe, expect, it } from "vitest";
import { ApprovalAnswerRequestSchema, APPROVAL_INPUT_MAX_CHARS } from "../../../src/protocol/vm/approvals";
import { RunOptionsSchema } from "../../../src/protocol/vm/runs";
import {
  allowRulesOf,
  boundApprovalInput,
  formatPermissionRule,
  parsePermissionRule,
  permissionAnswerText,
  ruleFitsRequest,
  withAllowRule,
  withoutAllowRules,
} from "../../src/core/approvals";
import { cliArgs, optionsFingerprint, permissionModeOf, relayToolsAllowedUnasked } from "../../src/core/cli-command";
import { RELAY_TOOL_NAMES } from "../../../src/protocol/relay-tools";

describe("permission rules", () => {
  const cases = [
    { rule: "Bash", parsed: { toolName: "Bash" } },
    { rule: "Bash(npm test:*)", parsed: { toolName: "Bash", ruleContent: "npm test:*" } },
    { rule: "Edit(src/**)", parsed: { toolName: "Edit", ruleContent: "src/**" } },
    { rule: "mcp__github__create_issue", parsed: { toolName: "mcp__github__create_issue" } },
    { rule: "Bash()", parsed: null },
    { rule: "Bash(a(b))", parsed: null },
    { rule: "(x)", parsed: null },
    { rule: "Bash(x\ny)", parsed: null },
  ];
  for (const c of cases) {
    it(c.rule, () => {
      expect(parsePermissionRule(c.rule)).toEqual(c.parsed);
      if (c.parsed) expect(formatPermissionRule(c.parsed)).toBe(c.rule);
      expect(ApprovalAnswerRequestSchema.safeParse({ requestId: "r1", decision: "allow", remember: c.rule }).success).toBe(c.parsed !== null);
    });
  }
});

it("answers the CLI in the shapes it accepts", () => {
  expect(JSON.parse(permissionAnswerText({ behavior: "deny", message: "no" }, { command: "ls" }))).toEqual({ behavior: "deny", message: "no" });
  expect(JSON.parse(permissionAnswerText({ behavior: "allow" }, { command: "ls" }))).toEqual({ behavior: "allow", updatedInput: { command: "ls" } });
  expect(JSON.parse(permissionAnswerText({ behavior: "allow", rule: { toolName: "Bash", ruleContent: "ls:*" } }, { command: "ls" }))).toEqual({
    behavior: "allow",
    updatedInput: { command: "ls" },
    updatedPermissions: [{ type: "addRules", rules: [{ toolName: "Bash", ruleContent: "ls:*" }], behavior: "allow", destination: "session" }],
  });
});

it("bounds the input the relay sees and redacts secrets", () => {
  expect(boundApprovalInput({ command: "curl -H 'x: sk-secret-1' x", n: 3 }, ["sk-secret-1"])).toEqual({ command: "curl -H 'x: [redacted]' x", n: 3 });
  const big = boundApprovalInput({ file_path: "a.txt", content: "x".repeat(100_000), parts: Array.from({ length: 500 }, () => "y".repeat(300)) }, []);
  expect(JSON.stringify(big).length).toBeLessThanOrEqual(APPROVAL_INPUT_MAX_CHARS);
  expect(big.file_path).toBe("a.txt");
  expect(String(big.content).endsWith("…")).toBe(true);
  // A long command alone fits: it reaches the relay whole (the run's page shows it so).
  const command = `echo ${"z".repeat(5000)}`;
  expect(boundApprovalInput({ command, description: "print" }, [])).toEqual({ command, description: "print" });
});

it("adds a rule to the settings file, keeping the rest, once", () => {
  expect(JSON.parse(withAllowRule(null, "Bash(ls:*)"))).toEqual({ permissions: { allow: ["Bash(ls:*)"] } });
  const existing = JSON.stringify({ model: "x", permissions: { allow: ["Read"], deny: ["Bash(rm:*)"] } });
  const once = withAllowRule(existing, "Bash(ls:*)");
  expect(JSON.parse(once)).toEqual({ model: "x", permissions: { allow: ["Read", "Bash(ls:*)"], deny: ["Bash(rm:*)"] } });
  expect(withAllowRule(once, "Bash(ls:*)")).toBe(once);
  expect(() => withAllowRule("[1]", "Bash")).toThrow();
  expect(() => withAllowRule("{oops", "Bash")).toThrow();
});

describe("reading and forgetting the allow rules of a settings file", () => {
  const cases: Array<{ name: string; text: string | null; rules: string[]; after: unknown }> = [
    { name: "no file", text: null, rules: [], after: null },
    { name: "an empty file", text: "", rules: [], after: null },
    { name: "no permissions", text: JSON.stringify({ model: "x" }), rules: [], after: null },
    { name: "permissions without allow", text: JSON.stringify({ permissions: { deny: ["Bash(rm:*)"] } }), rules: [], after: null },
    {
      name: "rules beside other keys, which stay",
      text: JSON.stringify({ model: "x", permissions: { allow: ["Bash(touch:*)", "Read"], deny: ["Bash(rm:*)"], ask: ["WebFetch"] } }),
      rules: ["Bash(touch:*)", "Read"],
      after: { model: "x", permissions: { deny: ["Bash(rm:*)"], ask: ["WebFetch"] } },
    },
    { name: "an empty allow list", text: JSON.stringify({ permissions: { allow: [] } }), rules: [], after: { permissions: {} } },
    { name: "entries that are not strings are dropped", text: JSON.stringify({ permissions: { allow: ["Bash", 7, null] } }), rules: ["Bash"], after: { permissions: {} } },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(allowRulesOf(c.text)).toEqual(c.rules);
      const { text, removed } = withoutAllowRules(c.text);
      expect(removed).toEqual(c.rules);
      expect(text === null ? null : JSON.parse(text)).toEqual(c.after);
    });
  }

  it("refuses what it cannot read, as the merge does", () => {
    expect(() => allowRulesOf("[1]")).toThrow();
    expect(() => withoutAllowRules("{oops")).toThrow();
  });
});

describe("the CLI's arguments", () => {
  const without = RunOptionsSchema.parse({});
  it("are unchanged without approvals", () => {
    expect(permissionModeOf(without)).toBe("bypassPermissions");
    expect(cliArgs(without, null).join(" ")).not.toMatch(/permission-prompt-tool|--mcp-config/);
    expect(optionsFingerprint(without)).toBe(JSON.stringify(["bypassPermissions", "", false, []]));
  });
  it("follow the approval mode and name the prompt tool, which the model may not call", () => {
    const on = RunOptionsSchema.parse({ approvals: { mode: "on" } });
    expect(on.approvals?.timeoutMs).toBe(600_000);
    const args = cliArgs(on, null, "/t/relay-mcp-1.json");
    expect(args.slice(args.indexOf("--permission-mode"), args.indexOf("--permission-mode") + 2)).toEqual(["--permission-mode", "default"]);
    expect(args.slice(-3)).toEqual(["--mcp-config=/t/relay-mcp-1.json", "--permission-prompt-tool=mcp__relay__approve", "--disallowedTools=mcp__relay__approve"]);
    expect(permissionModeOf(RunOptionsSchema.parse({ approvals: { mode: "edits" } }))).toBe("acceptEdits");
    const both = cliArgs({ ...on, scheduleTools: true }, null, "/t/c.json");
    expect(both.at(-1)).toBe("--disallowedTools=CronCreate,CronDelete,CronList,ScheduleWakeup,mcp__relay__approve");
    expect(optionsFingerprint(on)).not.toBe(optionsFingerprint(without));
    expect(optionsFingerprint(on)).not.toBe(optionsFingerprint({ ...on, approvals: { mode: "on", timeoutMs: 1000 } }));
  });
  it("a run of someone else's text asks for every action whatever its mode, in a process of its own", () => {
    const untrusted = RunOptionsSchema.parse({ approvals: { mode: "edits", untrusted: true } });
    const trusted = RunOptionsSchema.parse({ approvals: { mode: "on" } });
    expect(permissionModeOf(untrusted)).toBe("default");
    expect(permissionModeOf(RunOptionsSchema.parse({ approvals: { mode: "on", untrusted: true } }))).toBe("default");
    // A warm process with the user's rules (or rules its session learned) never takes such a run, nor the reverse.
    expect(optionsFingerprint(RunOptionsSchema.parse({ approvals: { mode: "on", untrusted: true } }))).not.toBe(optionsFingerprint(trusted));
  });
});

describe("ruleFitsRequest: an always rule no wider than what the user saw", () => {
  const bash = (command: string) => ({ command });
  it.each([
    ["Bash(npm test:*)", "Bash", bash("npm test -- --watch"), true],
    ["Bash(touch:*)", "Bash", bash("touch one.txt"), true],
    ["Bash(npm test && git push)", "Bash", bash("npm test && git push"), true],
    // The issue's four, and a wider rule than the command asked about.
    ["Bash(node:*)", "Bash", bash("node --version"), false],
    ["Bash(bash:*)", "Bash", bash("bash --version"), false],
    ["Bash(env:*)", "Bash", bash("env FOO=1 ls"), false],
    ["Bash(git:*)", "Bash", bash("git --version"), false],
    ["Bash(npm:*)", "Bash", bash("npm test"), false],
    ["Bash(rm:*)", "Bash", bash("touch x"), false],
    ["Bash", "Bash", bash("ls"), false],
    ["Write(/w/a.ts)", "Write", { file_path: "/w/a.ts" }, true],
    ["Write(*)", "Write", { file_path: "/w/a.ts" }, false],
    ["WebFetch(domain:example.com)", "WebFetch", { url: "https://example.com/x" }, true],
    ["WebFetch(domain:evil.test)", "WebFetch", { url: "https://example.com/x" }, false],
    ["mcp__github__create_pr", "mcp__github__create_pr", {}, true],
    ["Bash(ls:*)", "Write", { file_path: "/w/a.ts" }, false],
  ])("%s for %s %j: %s", (rule, tool, input, fits) => {
    const parsed = parsePermissionRule(rule);
    expect(parsed).not.toBeNull();
    expect(ruleFitsRequest(parsed!, tool, input)).toBe(fits);
  });
});

describe("relay tools a run may call unasked", () => {
  const withTools = (approvals: unknown) => RunOptionsSchema.parse({ scheduleTools: true, ...(approvals ? { approvals } : {}) });
  const cases = [
    { run: "the user's, no approvals", options: withTools(null), unasked: RELAY_TOOL_NAMES },
    { run: "the user's, approvals on", options: withTools({ mode: "on" }), unasked: RELAY_TOOL_NAMES },
    { run: "a trusted repository's event (the conversation's mode)", options: withTools({ mode: "edits" }), unasked: RELAY_TOOL_NAMES },
    { run: "someone else's text", options: withTools({ mode: "on", untrusted: true }), unasked: ["schedule_list"] },
  ];
  it.each(cases)("$run", ({ options, unasked }) => {
    expect(relayToolsAllowedUnasked(options)).toEqual(unasked);
    const allowed = cliArgs(options, null, "/t/c.json").find((a) => a.startsWith("--allowedTools="));
    expect(allowed).toBe(`--allowedTools=${unasked.map((name) => `mcp__relay__${name}`).join(",")}`);
  });
  it("never lets someone else's text create, pause, cancel a task, set the zone or send a file unasked", () => {
    const unasked = relayToolsAllowedUnasked(withTools({ mode: "on", untrusted: true }));
    for (const name of ["schedule_create", "schedule_pause", "schedule_resume", "schedule_cancel", "set_time_zone", "send_file"]) expect(unasked).not.toContain(name);
  });
});

describe("a forked session's CLI arguments", () => {
  const fork = RunOptionsSchema.parse({ forkSession: true });
  const session = "0b8f3c1e-2d4a-4f6b-9c7d-1e2f3a4b5c6d";
  it.each([
    { options: fork, resume: session, forks: true },
    { options: fork, resume: null, forks: false },
    { options: RunOptionsSchema.parse({}), resume: session, forks: false },
  ])("resume $resume, forkSession $options.forkSession", ({ options, resume, forks }) => {
    expect(cliArgs(options, resume).includes("--fork-session")).toBe(forks);
  });
  it("a forked run's process never takes up the session it forks, nor the reverse", () => {
    expect(optionsFingerprint(fork)).not.toBe(optionsFingerprint(RunOptionsSchema.parse({})));
  });
});
