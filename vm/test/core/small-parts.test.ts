// The VM's small pure parts: progress lines, capped line splitting, the token check, idleness,
// and the CLI's argument vector and environment.
import { describe, expect, it } from "vitest";
import { cliArgs, cliEnv, optionsFingerprint } from "../../src/core/cli-command";
import { isIdle, shouldCompact } from "../../src/core/idle";
import { createLineSplitter } from "../../src/core/line-splitter";
import { describeToolUse } from "../../src/core/progress-line";

describe("describeToolUse", () => {
  const cwd = "/data/users/abc/workspace";
  const cases: Array<[string, Record<string, unknown>, string | null]> = [
    ["Bash", { command: "npm test\n  --silent" }, "Running: npm test --silent"],
    ["Edit", { file_path: `${cwd}/src/x.ts` }, "Editing src/x.ts"],
    ["Write", { file_path: "/etc/hosts" }, "Writing /etc/hosts"],
    ["Read", { file_path: `${cwd}/README.md` }, "Reading README.md"],
    ["Grep", { pattern: "flaky" }, "Searching for flaky"],
    ["WebFetch", { url: "https://example.com" }, "Fetching https://example.com"],
    ["mcp__relay__schedule_create", { prompt: "x" }, "Using schedule_create (relay)"],
    ["SomethingNew", {}, "Using SomethingNew"],
    ["Bash", {}, "Using Bash"],
    ["TodoWrite", { todos: [] }, null],
  ];
  for (const [name, input, expected] of cases) it(`${name} → ${expected}`, () => expect(describeToolUse(name, input, cwd)).toBe(expected));

  it("keeps a line short", () => {
    expect(describeToolUse("Bash", { command: "x".repeat(1000) }, cwd)?.length).toBe(120);
  });
});

describe("createLineSplitter", () => {
  it("joins lines across chunks and drops a line longer than the cap without buffering it", () => {
    const splitter = createLineSplitter(10);
    expect(splitter.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(splitter.push(":2}\n" + "y".repeat(30))).toEqual(['{"b":2}']);
    expect(splitter.push("y".repeat(30) + "\nok\n")).toEqual(["ok"]);
    expect(splitter.dropped()).toBe(1);
    expect(splitter.push("tail")).toEqual([]);
    expect(splitter.end()).toEqual(["tail"]);
  });
});

describe("isIdle", () => {
  const base = { now: 10_000, lastActivityAt: 0, idleTimeoutMs: 5_000, liveRuns: 0, openStreams: 0, heldUntil: 0 };
  const cases: Array<[string, Partial<typeof base>, boolean]> = [
    ["quiet past the timeout", {}, true],
    ["quiet, not long enough", { lastActivityAt: 6_000 }, false],
    ["a live run, however long", { liveRuns: 1 }, false],
    ["an open stream", { openStreams: 1 }, false],
    ["disabled", { idleTimeoutMs: 0 }, false],
    ["a deep-mode warm process holds it up", { heldUntil: 10_001 }, false],
    ["a deep-mode hold that has ended", { heldUntil: 10_000 }, true],
  ];
  for (const [name, over, idle] of cases) it(name, () => expect(isIdle({ ...base, ...over })).toBe(idle));
});

describe("shouldCompact", () => {
  const base = { now: 10_000, lastActivityAt: 8_000, compactedAt: 0, quietMs: 1_000, liveRuns: 0, openStreams: 0 };
  const cases: Array<[string, Partial<typeof base>, boolean]> = [
    ["quiet long enough, never compacted", {}, true],
    ["quiet, but not long enough", { lastActivityAt: 9_500 }, false],
    ["already compacted in this quiet spell", { compactedAt: 9_000 }, false],
    ["compacted before the latest activity", { compactedAt: 7_000 }, true],
    ["a live run", { liveRuns: 1 }, false],
    ["an open stream", { openStreams: 1 }, false],
  ];
  for (const [name, over, compact] of cases) it(name, () => expect(shouldCompact({ ...base, ...over })).toBe(compact));
});

describe("cliArgs and cliEnv", () => {
  it("builds the headless stream-json command, values attached so a leading dash stays a value", () => {
    expect(cliArgs({ permissionMode: "acceptEdits", appendSystemPrompt: "-be brief", scheduleTools: false }, "0b9c2e4e-1111-4111-8111-111111111111")).toEqual([
      "-p", "--output-format", "stream-json", "--verbose", "--input-format", "stream-json", "--replay-user-messages",
      "--permission-mode", "acceptEdits", "--setting-sources=", "--strict-mcp-config",
      "--append-system-prompt=-be brief", "--resume=0b9c2e4e-1111-4111-8111-111111111111",
    ]);
    expect(cliArgs({ permissionMode: "default", scheduleTools: false }, null)).not.toContain("--resume");
  });

  it("reads no settings file of the CLI's own, and the user's rules only from the file the server keeps", () => {
    const options = { permissionMode: "acceptEdits", scheduleTools: true, approvals: { mode: "edits", timeoutMs: 1000 } } as const;
    const cases: [string | null, string | null, string[]][] = [
      [null, null, []],
      [null, "/d/.permissions/k/main.json", ["--settings=/d/.permissions/k/main.json"]],
      ["/t/relay-mcp-1.json", "/d/.permissions/k/app.json", ["--settings=/d/.permissions/k/app.json"]],
    ];
    for (const [mcp, settings, expected] of cases) {
      const args = cliArgs(options, null, mcp, settings);
      // Every run, whatever its options: an empty source list, and no MCP server but --mcp-config's.
      expect(args.filter((a) => a.startsWith("--setting-sources") || a === "--strict-mcp-config")).toEqual(["--setting-sources=", "--strict-mcp-config"]);
      expect(args.filter((a) => a.startsWith("--settings"))).toEqual(expected);
    }
  });

  it("offers the relay tools only with an MCP config: the server, its tools allowed, the CLI's own schedulers not", () => {
    const without = cliArgs({ permissionMode: "default", scheduleTools: false }, null);
    expect(without.filter((a) => /--mcp-config|allowedTools|disallowedTools/i.test(a))).toEqual([]);
    const tools = cliArgs({ permissionMode: "default", scheduleTools: true }, null, "/d/t/relay-mcp-1.json").slice(without.length);
    expect(tools).toEqual([
      "--mcp-config=/d/t/relay-mcp-1.json",
      "--allowedTools=mcp__relay__schedule_create,mcp__relay__schedule_list,mcp__relay__schedule_pause,mcp__relay__schedule_resume,mcp__relay__schedule_cancel,mcp__relay__set_time_zone,mcp__relay__send_file,mcp__relay__preview_start,mcp__relay__send_shot",
      "--disallowedTools=CronCreate,CronDelete,CronList,ScheduleWakeup",
    ]);
  });

  it("never lets a process without the tools take a run that wants them (warm reuse)", () => {
    const base = { permissionMode: "default", scheduleTools: false } as const;
    expect(optionsFingerprint(base)).toBe(optionsFingerprint({ ...base }));
    expect(optionsFingerprint(base)).not.toBe(optionsFingerprint({ ...base, scheduleTools: true }));
  });

  it("never lets a process started with one git identity take a run with another", () => {
    const base = { permissionMode: "default", scheduleTools: false } as const;
    const ada = { GIT_AUTHOR_NAME: "Ada", GIT_AUTHOR_EMAIL: "ada@example.com" };
    expect(optionsFingerprint(base, { ...ada })).toBe(optionsFingerprint(base, { GIT_AUTHOR_EMAIL: "ada@example.com", GIT_AUTHOR_NAME: "Ada" }));
    expect(optionsFingerprint(base, ada)).not.toBe(optionsFingerprint(base, { ...ada, GIT_AUTHOR_NAME: "Bob" }));
    expect(optionsFingerprint(base, ada)).not.toBe(optionsFingerprint(base));
  });

  it("gives the CLI an allow-listed environment: the user's HOME, never the VM's secrets", () => {
    const env = cliEnv({
      inherited: { PATH: "/bin" },
      home: "/d/h",
      tmp: "/d/t",
      passThrough: { ANTHROPIC_API_KEY: "k", DISABLE_TELEMETRY: "0" },
      run: { GIT_AUTHOR_NAME: "Ada" },
    });
    expect(env).toEqual({
      PATH: "/bin",
      LANG: "C.UTF-8",
      HOME: "/d/h",
      TMPDIR: "/d/t",
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
      DISABLE_AUTOUPDATER: "1",
      DISABLE_TELEMETRY: "0",
      GIT_TERMINAL_PROMPT: "0",
      CLAUDE_CODE_ADDITIONAL_DIRECTORIES_CLAUDE_MD: "1",
      GIT_AUTHOR_NAME: "Ada",
      ANTHROPIC_API_KEY: "k",
      CLAUDE_CODE_TMPDIR: "/d/t",
    });
  });

  it("keeps the CLI's temporary root in the user's own directory, whatever the operator passes", () => {
    const env = cliEnv({ inherited: {}, home: "/d/h", tmp: "/d/t", passThrough: { CLAUDE_CODE_TMPDIR: "/tmp", TMPDIR: "/tmp" } });
    expect([env.TMPDIR, env.CLAUDE_CODE_TMPDIR]).toEqual(["/d/t", "/d/t"]);
  });
});
