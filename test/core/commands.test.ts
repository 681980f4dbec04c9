import { describe, expect, it } from "vitest";
import { COMMAND_HELP, parseCommand, type ParsedCommand } from "../../src/commands/commands";
import { helpReply, HELP_TOPICS, OFFLINE_LONG_RUN_HELP, topicOf } from "../../src/commands/help";
import { validateScheduleSpec } from "../../src/schedules/schedule-validate";

describe("parseCommand: not a command", () => {
  it.each([
    "hello",
    "  what does /help do?",
    "",
    "/",
    "/ 2",
    "/usr/bin/env is broken",
    "/123",
    // Any /word the relay does not own is the agent's (a Claude Code command).
    "/compact",
    "/init now",
    "/foo",
    "//status",
  ])("%j → null", (text) => {
    expect(parseCommand(text)).toBeNull();
  });
});

describe("parseCommand: simple commands", () => {
  it.each<[string, ParsedCommand]>([
    ["/help", { type: "help" }],
    ["/HELP", { type: "help" }],
    ["  /help  ", { type: "help" }],
    ["/help schedule", { type: "help", topic: "schedule" }],
    ["/status", { type: "status", checkVm: false }],
    ["/Status?", { type: "status", checkVm: false }],
    ["/status vm", { type: "status", checkVm: true }],
    ["/status VM", { type: "status", checkVm: true }],
    ["/cancel", { type: "cancel" }],
    ["/cancel!", { type: "cancel" }],
    ["/stop", { type: "cancel" }],
    ["/STOP", { type: "cancel" }],
    ["/new", { type: "new_session" }],
    ["/clear", { type: "new_session" }],
    ["/new api", { type: "conversation_create", name: "api", repo: null }],
    ["/new web-app_2 https://github.com/acme/web.git", { type: "conversation_create", name: "web-app_2", repo: { url: "https://github.com/acme/web.git", branch: null } }],
    ["/new api git@github.com:acme/api.git develop", { type: "conversation_create", name: "api", repo: { url: "git@github.com:acme/api.git", branch: "develop" } }],
    ["/new api https://github.com/acme/api release/2.1", { type: "conversation_create", name: "api", repo: { url: "https://github.com/acme/api", branch: "release/2.1" } }],
    // npm start's GitHub stand-in, on this machine over http (the VM clones it only as its GITHUB_URL).
    ["/new sample http://127.0.0.1:8792/acme/sample.git", { type: "conversation_create", name: "sample", repo: { url: "http://127.0.0.1:8792/acme/sample.git", branch: null } }],
    ["/sessions", { type: "conversation_list" }],
    ["/switch api", { type: "conversation_switch", target: "api" }],
    ["/switch 2", { type: "conversation_switch", target: "2" }],
    ["/rename backend", { type: "conversation_rename", name: "backend" }],
    ["/delete api", { type: "conversation_delete", name: "api", confirmed: false }],
    ["/delete api yes", { type: "conversation_delete", name: "api", confirmed: true }],
    ["/delete api YES", { type: "conversation_delete", name: "api", confirmed: true }],
    ["/deep", { type: "deep", on: true }],
    ["/end", { type: "deep", on: false }],
    ["/git", { type: "git_show" }],
    ["/git name Ada Lovelace", { type: "git_set", field: "name", value: "Ada Lovelace" }],
    ["/git email ada@example.com", { type: "git_set", field: "email", value: "ada@example.com" }],
    ["/schedules", { type: "schedule_list" }],
    ["/schedule list", { type: "schedule_list" }],
    ["/tz", { type: "tz_show" }],
    ["/tz   Europe/London", { type: "tz_set", timeZone: "Europe/London" }],
    ["/TZ america/new_york", { type: "tz_set", timeZone: "America/New_York" }],
    ["/cost", { type: "cost" }],
    ["/approvals", { type: "approvals", action: "show" }],
    ["/approvals EDITS", { type: "approvals", action: "edits" }],
    ["/approvals forget", { type: "approvals", action: "forget" }],
    ["/approvals maybe", { type: "invalid", reason: "/approvals takes off, edits, on, forget or log, not “maybe”." }],
    ["/status now", { type: "invalid", reason: "/status takes no arguments." }],
    ["/vm", { type: "vm_health", sweep: false }],
    ["/vm SWEEP", { type: "vm_health", sweep: true }],
    ["/vm now", { type: "invalid", reason: "/vm takes nothing, or sweep, not “now”." }],
    ["/schedules all", { type: "invalid", reason: "/schedules takes no arguments." }],
    ["/tz Mars/Olympus", { type: "invalid", reason: 'Unknown time zone "Mars/Olympus". Use an IANA name like Europe/London or America/New_York.' }],
    ["/tz Europe/London please", { type: "invalid", reason: "/tz takes one zone name, e.g. /tz Europe/London." }],
  ])("%j", (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe("parseCommand: conversation command refusals (one line, nothing changes)", () => {
  it.each<[string, RegExp]>([
    ["/new project: build X", /^“project:” is not a valid name\. Names are 1-32 letters, digits, - or _\.$/],
    ["/new " + "a".repeat(33), /is not a valid name/],
    ["/new café", /is not a valid name/],
    ["/new 🚀", /is not a valid name/],
    ["/new api file:///etc", /is not a repository URL I can clone/],
    ["/new api /srv/repo.git", /is not a repository URL I can clone/],
    ["/new api http://github.com/acme/api", /is not a repository URL I can clone/],
    ["/new api http://127.0.0.1/acme/api", /is not a repository URL I can clone/],
    ["/new api ext::sh -c evil", /^Usage: \/new <name> <git-url> \[branch\]\.$/],
    ["/new api https://user:secret@github.com/acme/api", /no password in the URL/],
    ["/new api https://github.com/acme/api --upload-pack=evil", /is not a branch name/],
    ["/new api https://github.com/acme/api main extra", /^Usage: \/new <name> <git-url> \[branch\]\.$/],
    ["/switch", /^Usage: \/switch <name or number>\.$/],
    ["/switch a b", /^Usage: \/switch/],
    ["/switch ../etc", /is not a valid name/],
    ["/rename", /^Usage: \/rename <new name>\.$/],
    ["/rename new name", /^Usage: \/rename/],
    ["/delete", /^Usage: \/delete <name>/],
    ["/delete api please", /^To confirm, send \/delete api yes\.$/],
    ["/deep now", /^\/deep takes no arguments\.$/],
    ["/clear all", /^\/clear takes no arguments\.$/],
    ["/git email not-an-email", /^Usage: \/git email/],
    ["/git colour blue", /^Usage: \/git name <name> or \/git email <email>/],
    ["/git name " + "x".repeat(101), /^Usage: \/git name/],
  ])("%j", (text, reason) => {
    const parsed = parseCommand(text);
    expect(parsed?.type).toBe("invalid");
    if (parsed?.type === "invalid") {
      expect(parsed.reason).toMatch(reason);
      expect(parsed.reason).not.toContain("\n");
    }
  });
});

describe("parseCommand: /schedule creating a task", () => {
  it.each<[string, ParsedCommand]>([
    ['/schedule cron "0 9 * * 1-5" standup report', { type: "schedule_create", request: { kind: "cron", expr: "0 9 * * 1-5", prompt: "standup report", context: "fresh" } }],
    ["/schedule cron “0 9 * * 1-5” standup", { type: "schedule_create", request: { kind: "cron", expr: "0 9 * * 1-5", prompt: "standup", context: "fresh" } }],
    ["/schedule cron ”0 9 * * 1-5” standup", { type: "schedule_create", request: { kind: "cron", expr: "0 9 * * 1-5", prompt: "standup", context: "fresh" } }],
    ['/Schedule CRON "  0 9 * * *  "standup', { type: "schedule_create", request: { kind: "cron", expr: "0 9 * * *", prompt: "standup", context: "fresh" } }],
    ['/schedule cron "0 9 * * 1-5" --in-chat standup', { type: "schedule_create", request: { kind: "cron", expr: "0 9 * * 1-5", prompt: "standup", context: "chat" } }],
    ["/schedule every 2h check the build", { type: "schedule_create", request: { kind: "every", every: "2h", prompt: "check the build", context: "fresh" } }],
    ["/schedule   every   1h30m   check", { type: "schedule_create", request: { kind: "every", every: "1h30m", prompt: "check", context: "fresh" } }],
    ["/schedule every 2h --in-chat check", { type: "schedule_create", request: { kind: "every", every: "2h", prompt: "check", context: "chat" } }],
    ["/schedule every 2h —in-chat check", { type: "schedule_create", request: { kind: "every", every: "2h", prompt: "check", context: "chat" } }],
    ["/schedule every 2h --IN-CHAT check", { type: "schedule_create", request: { kind: "every", every: "2h", prompt: "check", context: "chat" } }],
    ["/schedule every 0m check", { type: "schedule_create", request: { kind: "every", every: "0m", prompt: "check", context: "fresh" } }],
    ["/schedule every 2h", { type: "schedule_create", request: { kind: "every", every: "2h", prompt: "", context: "fresh" } }],
    ["/schedule at tomorrow 9:00 push the branch", { type: "schedule_create", request: { kind: "at", at: "tomorrow 9:00", prompt: "push the branch", context: "fresh" } }],
    ["/schedule at 2026-12-01 09:00 report", { type: "schedule_create", request: { kind: "at", at: "2026-12-01 09:00", prompt: "report", context: "fresh" } }],
    ["/schedule at 2026-12-01T09:00 report", { type: "schedule_create", request: { kind: "at", at: "2026-12-01T09:00", prompt: "report", context: "fresh" } }],
    ["/schedule at today 17:00 --in-chat report", { type: "schedule_create", request: { kind: "at", at: "today 17:00", prompt: "report", context: "chat" } }],
    ["/schedule at 17:00 report", { type: "schedule_create", request: { kind: "at", at: "17:00", prompt: "report", context: "fresh" } }],
    ["/schedule at 5pm report", { type: "schedule_create", request: { kind: "at", at: "5pm", prompt: "report", context: "fresh" } }],
    ["/schedule every 1d line one\n  line two", { type: "schedule_create", request: { kind: "every", every: "1d", prompt: "line one\n  line two", context: "fresh" } }],
    ["/schedule every weekday at 9am standup", { type: "schedule_create", request: { kind: "cron", expr: "0 9 * * 1-5", prompt: "standup", context: "fresh" } }],
    ["/schedule every weekdays at 9:30 standup", { type: "schedule_create", request: { kind: "cron", expr: "30 9 * * 1-5", prompt: "standup", context: "fresh" } }],
    ["/schedule every day at 17:00 wrap up", { type: "schedule_create", request: { kind: "cron", expr: "0 17 * * *", prompt: "wrap up", context: "fresh" } }],
    ["/schedule every Weekend at 10AM garden", { type: "schedule_create", request: { kind: "cron", expr: "0 10 * * 0,6", prompt: "garden", context: "fresh" } }],
    ["/schedule every monday at 5pm week plan", { type: "schedule_create", request: { kind: "cron", expr: "0 17 * * 1", prompt: "week plan", context: "fresh" } }],
    ["/schedule every mon,wed,fri at 8:15 gym", { type: "schedule_create", request: { kind: "cron", expr: "15 8 * * 1,3,5", prompt: "gym", context: "fresh" } }],
    ["/schedule every tues and thurs at 12pm lunch", { type: "schedule_create", request: { kind: "cron", expr: "0 12 * * 2,4", prompt: "lunch", context: "fresh" } }],
    ["/schedule every sunday, saturday at 12am backup", { type: "schedule_create", request: { kind: "cron", expr: "0 0 * * 0,6", prompt: "backup", context: "fresh" } }],
    ["/schedule every monday and weekend at 9:00 x", { type: "schedule_create", request: { kind: "cron", expr: "0 9 * * 0,1,6", prompt: "x", context: "fresh" } }],
    ["/schedule every mon,tue,wed,thu,fri at 9:00 x", { type: "schedule_create", request: { kind: "cron", expr: "0 9 * * 1-5", prompt: "x", context: "fresh" } }],
    ["/schedule every weekday at 9am --in-chat standup", { type: "schedule_create", request: { kind: "cron", expr: "0 9 * * 1-5", prompt: "standup", context: "chat" } }],
    ["/schedule every weekday at 9am", { type: "schedule_create", request: { kind: "cron", expr: "0 9 * * 1-5", prompt: "", context: "fresh" } }],
  ])("%j", (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe("parseCommand: /schedule managing a task", () => {
  it.each<[string, ParsedCommand]>([
    ["/schedule pause 3", { type: "schedule_manage", action: "pause", id: 3 }],
    ["/schedule RESUME #3", { type: "schedule_manage", action: "resume", id: 3 }],
    ["/schedule delete 12", { type: "schedule_manage", action: "delete", id: 12 }],
    ["/schedule log 7", { type: "schedule_manage", action: "log", id: 7 }],
    ["/schedule trust 4", { type: "schedule_manage", action: "trust", id: 4 }],
    ["/schedule TRUST #4", { type: "schedule_manage", action: "trust", id: 4 }],
  ])("%j", (text, expected) => {
    expect(parseCommand(text)).toEqual(expected);
  });
});

describe("parseCommand: /schedule refusals", () => {
  it.each<[string, RegExp]>([
    ["/schedule", /^Usage: \/schedule cron/],
    ["/schedule weekly standup", /^Unknown \/schedule kind "weekly"\. Usage:/],
    ["/schedule cron 0 9 * * 1-5 standup", /^Put the cron in quotes: \/schedule cron "0 9 \* \* 1-5" <prompt>\.$/],
    ['/schedule cron "0 9 * * 1-5 standup', /^The cron has no closing quote\./],
    ["/schedule cron 'x' standup", /^Put the cron in quotes/],
    ["/schedule every", /^Every how long\?/],
    ["/schedule every weekday standup", /^At what time\? e\.g\. \/schedule every weekday at 9:00 <prompt>/],
    ["/schedule every monday at 9 standup", /^"9" is not a time of day/],
    ["/schedule every mon, funday at 9:00 standup", /^Unknown day "funday": use day, weekday, weekend or day names/],
    ["/schedule every day at 25:00 standup", /^"25:00" is not a time of day: use forms like 9:00/],
    ["/schedule every day at 13pm standup", /^"13pm" is not a time of day/],
    ["/schedule every day at 9:75 standup", /^"9:75" is not a time of day/],
    ["/schedule at soon do it", /^Unknown time "soon"\. Use forms like/],
    ["/schedule at 9 pushups", /^Unknown time "9"\./],
    ["/schedule at", /^Unknown time ""/],
    ["/schedule every 2h --fresh check", /^Unknown option --fresh: the only option is --in-chat\.$/],
    ["/schedule every 2h check --in-chat", /^The --in-chat flag is in the wrong place: put --in-chat just before the prompt/],
    ["/schedule --in-chat every 2h check", /^The --in-chat flag is in the wrong place/],
    ["/schedule pause", /^Which task\? \/schedule pause <id>/],
    ["/schedule delete abc", /^"abc" is not a task id/],
    ["/schedule delete 0", /^"0" is not a task id/],
    ["/schedule delete -3", /^"-3" is not a task id/],
    ["/schedule delete 3 4", /^\/schedule delete takes one id\.$/],
    ["/schedule trust", /^Which task\? \/schedule trust <id>; \/schedules lists the ids\.$/],
    ["/schedule trust acme/api", /^"acme\/api" is not a task id/],
    ["/schedule trust 3 4", /^\/schedule trust takes one id\.$/],
    ["/schedule list all", /^\/schedule list takes no arguments\.$/],
  ])("%j", (text, reason) => {
    const parsed = parseCommand(text);
    expect(parsed?.type).toBe("invalid");
    if (parsed?.type === "invalid") {
      expect(parsed.reason).toMatch(reason);
      expect(parsed.reason).not.toContain("\n");
    }
  });
});

describe("parseCommand then validateScheduleSpec (how the Durable Object uses them)", () => {
  // Wednesday 13 May 2026, 15:30 in London.
  const context = { timeZone: "Europe/London", now: Date.parse("2026-05-13T14:30:00Z"), existingCount: 0 };
  it.each<[string, string]>([
    ['/schedule cron "0 9 * * 1-5" standup', "ok"],
    ["/schedule at tomorrow 9:00 push", "ok"],
    ['/schedule cron "0 9 * *" standup', 'Invalid cron "0 9 * *": it needs 5 fields (minute hour day-of-month month day-of-week, e.g. 0 9 * * 1-5).'],
    ["/schedule every 0m check", "The interval must be more than zero."],
    ["/schedule every -5m check", "The interval must be positive, not -5m."],
    ["/schedule every 2h", "The task needs a prompt: what should the agent do?"],
    ["/schedule at today 9:00 push", "today 9:00 is in the past: it is now Wed 13 May 15:30 in Europe/London."],
  ])("%j → %s", (text, expected) => {
    const parsed = parseCommand(text);
    if (parsed?.type !== "schedule_create") throw new Error(`expected schedule_create, got ${JSON.stringify(parsed)}`);
    const result = validateScheduleSpec(parsed.request, context);
    expect(result.ok ? "ok" : result.reason).toBe(expected);
  });
});

describe("/help", () => {
  it("every command is in one topic, one line each, and the topics hold every command", () => {
    const listed = HELP_TOPICS.flatMap((t) => helpReply(t, true).split("\n").slice(1));
    expect(listed).toHaveLength(COMMAND_HELP.length - 1);
    for (const { usage } of COMMAND_HELP.slice(1)) expect(topicOf(usage), usage).not.toBeNull();
    for (const name of ["/status", "/stop", "/new", "/sessions", "@<name>", "/rename", "/deep", "/git", "/schedule cron", "/schedule every", "/schedule at", "--in-chat", "/schedules", "/schedule pause", "/schedule resume", "/schedule delete", "/schedule log", "/schedule trust", "/tz", "/vm"]) {
      expect(listed.some((line) => line.startsWith(name) || line.includes(` ${name} `)), name).toBe(true);
    }
  });

  it("fits one phone screen, and so does each topic", () => {
    for (const offline of [false, true]) {
      expect(helpReply(undefined, true, offline).length).toBeLessThanOrEqual(1000);
      expect(helpReply(undefined, true, offline).split("\n").length).toBeLessThanOrEqual(12);
    }
    for (const t of HELP_TOPICS) expect(helpReply(t, true).length, t).toBeLessThanOrEqual(1000);
  });

  it.each([
    ["review", "line 12: <comment> – after /diff or a change line, a review comment on that line for the agent (or tap the line on the /web page)"],
    ["/handoff", "/handoff – go on with this conversation on your laptop; /handoff back brings it back"],
  ])("the first screen names %s in a line of its own", (_what, line) => {
    for (const admin of [false, true]) expect(helpReply(undefined, admin).split("\n")).toContain(line);
  });

  it("names the offline model's minute-long run, /stop and a second conversation only while the agent answers with it", () => {
    expect(helpReply(undefined, false, true).split("\n").at(-1)).toBe(OFFLINE_LONG_RUN_HELP);
    expect(OFFLINE_LONG_RUN_HELP).toMatch(/take a minute to refactor everything.*\/stop.*\/new <name>/);
    expect(helpReply(undefined, false, false)).not.toContain("offline");
    expect(helpReply("runs", false, true)).not.toContain("offline");
  });

  it("names only what the relay really does: no project's own commands (they are not loaded)", () => {
    expect(helpReply(undefined, false)).not.toMatch(/project's own/);
    expect(helpReply(undefined, false)).toContain("/compact, /init and /review go to your agent");
  });

  it.each([
    ["schedules", /^Scheduled tasks:\n\/schedule cron/],
    ["SCHEDULE", /^Scheduled tasks:/],
    ["/approvals", /^Approvals .*\n\/approvals \[off\|edits\|on\]/],
    ["conversations", /^Conversations/],
    ["nonsense", /^No help on “nonsense”\. Topics: runs, chats, approvals, schedules, changes, github, apps \(\/help <topic>\)\.$/],
    // Admins' commands are for admins.
    ["admin", /^No help on “admin”/],
  ])("/help %s", (topic, expected) => {
    expect(helpReply(topic, false)).toMatch(expected);
  });

  it("names the admin topic to admins only", () => {
    expect(helpReply(undefined, false)).not.toContain("admin");
    expect(helpReply(undefined, true)).toContain("apps, admin.");
    expect(helpReply("admin", true)).toMatch(/^Admins:\n\/vm – /);
  });

  it("every usage it shows parses as a command", () => {
    for (const { usage } of COMMAND_HELP) {
      const example = usage
        .split(",")[0]!
        .replace("<prompt>", "do the thing")
        .replace("<id>", "3")
        .replace("<name> [git-url] [branch]", "api https://github.com/acme/api main")
        .replace("<name or number>", "2")
        .replace("<name>", "api")
        .replace("<email>", "a@b.co")
        .replace("[off|edits|on]", "edits");
      // Not commands: "@name text" is routeInbound's (inbound-route.test.ts), "yes" an approval answer (approvals.test.ts).
      if (!example.startsWith("/")) continue;
      const parsed = parseCommand(example);
      expect(parsed, example).not.toBeNull();
      expect(parsed?.type, example).not.toBe("invalid");
    }
  });
});
