// The offline model's plain requests: which phrasings it understands, and the tool calls it plans
// for each, step by step, as a table. Pure: no CLI, no server.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { LONG_STEP_MS, LONG_STEPS, nextStep, recogniseIntent, workingDirectoryOf, type DoneCall, type Intent } from "../../test/stand-ins/offline-intents";
import { planReply, readConversation } from "../../test/stand-ins/anthropic-conversation";
import { OFFLINE_LONG_RUN_HELP } from "../../src/commands/help";

describe("recogniseIntent", () => {
  const cases: Array<[string, Intent | null]> = [
    // Running a command.
    ["please run a command that writes hello to notes.txt", { kind: "run", command: "echo hello > notes.txt" }],
    ["run a command that writes 'hello world' to out/notes.txt", { kind: "run", command: "echo 'hello world' > out/notes.txt" }],
    ["run `ls -la`", { kind: "run", command: "ls -la" }],
    ["run: date +%Y", { kind: "run", command: "date +%Y" }],
    ["Run echo hi", { kind: "run", command: "echo hi" }],
    ["run git status please", { kind: "run", command: "git status" }],
    // Writing and changing a file.
    ["write hello to notes.txt", { kind: "write", path: "notes.txt", content: "hello\n" }],
    ["write hi there to notes.txt", { kind: "write", path: "notes.txt", content: "hi there\n" }],
    ["in notes.txt replace hi there with bye", { kind: "replace", path: "notes.txt", from: "hi there", to: "bye" }],
    ["write “buy milk” to the file todo.md", { kind: "write", path: "todo.md", content: "buy milk\n" }],
    ["create a file called notes.txt with hello", { kind: "write", path: "notes.txt", content: "hello\n" }],
    ["in src/add.js replace “a + b” with “Number(a) + Number(b)”", { kind: "replace", path: "src/add.js", from: "a + b", to: "Number(a) + Number(b)" }],
    ['change "hello" to "goodbye" in notes.txt', { kind: "replace", path: "notes.txt", from: "hello", to: "goodbye" }],
    // The whole file's new text, as a newcomer asks for an edit.
    ["change notes.txt to say goodbye", { kind: "write", path: "notes.txt", content: "goodbye\n" }],
    ["Please make notes.txt say “see you soon”.", { kind: "write", path: "notes.txt", content: "see you soon\n" }],
    ["edit the file docs/todo.md to read buy milk", { kind: "write", path: "docs/todo.md", content: "buy milk\n" }],
    ["update notes.txt to contain 'ciao'", { kind: "write", path: "notes.txt", content: "ciao\n" }],
    ["make the build say hello", null],
    // Listing and showing files.
    ["list the files", { kind: "list", dir: null }],
    ["show me the files in src", { kind: "list", dir: "src" }],
    ["ls", { kind: "list", dir: null }],
    ["show notes.txt", { kind: "show", path: "notes.txt" }],
    ["please show me README.md", { kind: "show", path: "README.md" }],
    ["cat src/add.js", { kind: "show", path: "src/add.js" }],
    // Schedules in plain words.
    ["text me a standup every weekday at 9am", { kind: "schedule", args: { kind: "cron", expr: "0 9 * * 1-5", prompt: "text me a standup" } }],
    ["every monday at 17:30 summarise the week's commits", { kind: "schedule", args: { kind: "cron", expr: "30 17 * * 1", prompt: "summarise the week's commits" } }],
    ["every 2 hours check the build", { kind: "schedule", args: { kind: "every", every: "2h", prompt: "check the build" } }],
    ["every day tell me a joke", { kind: "schedule", args: { kind: "every", every: "1d", prompt: "tell me a joke" } }],
    ["remind me at 5pm to push the branch", { kind: "schedule", args: { kind: "at", at: "17:00", prompt: "remind me to push the branch" } }],
    ["remind me to call Bob tomorrow at 9:30am", { kind: "schedule", args: { kind: "at", at: "tomorrow 9:30", prompt: "remind me to call Bob" } }],
    // Sending a file back.
    ["send me report.pdf", { kind: "send", path: "report.pdf" }],
    ["The user sent an image: inbox/2026-11-22-a1b2c3.png (image/png, 70 bytes)\nsend it back", { kind: "send", path: "inbox/2026-11-22-a1b2c3.png" }],
    // Everything else, and the tests' own directives, are not requests.
    ["hello", null],
    ["what is in this repo?", null],
    ["run the tests please", null],
    ["(voice note, 0:04) run the tests please", null],
    ["make add() accept strings", null],
    ["I run it every day", null],
    ["do you write every day?", null],
    ["#1-3", null],
    ["write the report [[tool Bash {\"command\":\"echo x\"}]]", null],
    ["remind me [[vm:tool schedule_create {}]]", null],
    ["every 2h check the build\nand the tests", null],
    ["send it back", null],
    // A minute of long work (progress updates, /stop, two runs side by side).
    ["take a minute to refactor everything", { kind: "long", task: "refactor everything" }],
    ["Please take a minute and tidy up the tests.", { kind: "long", task: "tidy up the tests" }],
    ["spend a minute on the docs", { kind: "long", task: "the docs" }],
    ["take a minute", null],
    ["can you take a minute to explain this?", { kind: "long", task: "explain this" }],
  ];
  it.each(cases)("%j", (text, intent) => {
    expect(recogniseIntent(text)).toEqual(intent);
  });

  it("understands the long run /help names offline", () => {
    const quoted = /“([^”]+)”/.exec(OFFLINE_LONG_RUN_HELP)?.[1] ?? "";
    expect(recogniseIntent(quoted)).toEqual({ kind: "long", task: "refactor everything" });
  });
});

describe("nextStep", () => {
  const o = { cwd: "/w/p", toolNames: ["Bash", "Read", "Write", "Edit"], relayTool: (name: string) => `mcp__relay__${name}` };
  const ok = (name: string, input: Record<string, unknown>, text: string): DoneCall => ({ name, input, text, isError: false });
  const failed = (name: string, input: Record<string, unknown>, text: string): DoneCall => ({ name, input, text, isError: true });

  it("runs a command, then says what it printed", () => {
    const intent: Intent = { kind: "run", command: "echo hello > notes.txt" };
    const first = nextStep(intent, [], o);
    expect(first).toEqual({ kind: "tools", calls: [{ name: "Bash", input: { command: "echo hello > notes.txt", description: "Run echo hello > notes.txt" } }] });
    expect(nextStep(intent, [ok("Bash", {}, "")], o)).toEqual({ kind: "text", text: "[offline model] I ran `echo hello > notes.txt` (no output)." });
    expect(nextStep(intent, [ok("Bash", {}, "(Bash completed with no output)")], o)).toEqual(nextStep(intent, [ok("Bash", {}, "")], o));
    expect(nextStep({ kind: "run", command: "echo hi" }, [ok("Bash", {}, "hi\n")], o)).toEqual({ kind: "text", text: "[offline model] I ran `echo hi`: hi" });
    expect(nextStep(intent, [failed("Bash", {}, "Permission denied")], o)).toEqual({ kind: "text", text: "[offline model] That did not work: Permission denied" });
    expect(nextStep(intent, [failed("Bash", {}, "<tool_use_error>Exit code 1</tool_use_error>")], o)).toEqual({ kind: "text", text: "[offline model] That did not work: Exit code 1" });
  });

  it("writes with an absolute path, and reads first when Claude Code asks for it", () => {
    const intent: Intent = { kind: "write", path: "notes.txt", content: "hello\n" };
    const write = { name: "Write", input: { file_path: "/w/p/notes.txt", content: "hello\n" } };
    expect(nextStep(intent, [], o)).toEqual({ kind: "tools", calls: [write] });
    const refused = failed("Write", write.input, "File has not been read yet. Read it first before writing to it.");
    expect(nextStep(intent, [refused], o)).toEqual({ kind: "tools", calls: [{ name: "Read", input: { file_path: "/w/p/notes.txt" } }] });
    expect(nextStep(intent, [refused, ok("Read", {}, "     1\told")], o)).toEqual({ kind: "tools", calls: [write] });
    expect(nextStep(intent, [refused, ok("Read", {}, "     1\told"), ok("Write", write.input, "done")], o)).toEqual({ kind: "text", text: "[offline model] I wrote notes.txt (6 characters)." });
  });

  it("reads the file before editing it, and edits only what is there", () => {
    const intent: Intent = { kind: "replace", path: "src/add.js", from: "a + b", to: "Number(a) + Number(b)" };
    expect(nextStep(intent, [], o)).toEqual({ kind: "tools", calls: [{ name: "Read", input: { file_path: "/w/p/src/add.js" } }] });
    const read = ok("Read", {}, "     1\texport const add = (a, b) => a + b;\n");
    const edit = { name: "Edit", input: { file_path: "/w/p/src/add.js", old_string: "a + b", new_string: "Number(a) + Number(b)" } };
    expect(nextStep(intent, [read], o)).toEqual({ kind: "tools", calls: [edit] });
    expect(nextStep(intent, [read, ok("Edit", edit.input, "updated")], o)).toEqual({ kind: "text", text: "[offline model] I changed “a + b” to “Number(a) + Number(b)” in src/add.js." });
    expect(nextStep(intent, [ok("Read", {}, "     1\tnothing here")], o)).toEqual({ kind: "text", text: "[offline model] src/add.js does not contain “a + b”: nothing changed." });
  });

  it("lists with Glob when offered, else ls; shows with Read", () => {
    expect(nextStep({ kind: "list", dir: null }, [], o)).toEqual({ kind: "tools", calls: [{ name: "Bash", input: { command: "ls -la", description: "List the files" } }] });
    expect(nextStep({ kind: "list", dir: "src" }, [], { ...o, toolNames: ["Glob"] })).toEqual({ kind: "tools", calls: [{ name: "Glob", input: { pattern: "*", path: "/w/p/src" } }] });
    expect(nextStep({ kind: "show", path: "README.md" }, [ok("Read", {}, "     1\t# Sample\n     2\tA repo")], o)).toEqual({ kind: "text", text: "[offline model] README.md says: # Sample A repo" });
  });

  it("schedules and sends files through the relay's own tools, and reports the relay's answer", () => {
    const intent: Intent = { kind: "schedule", args: { kind: "cron", expr: "0 9 * * 1-5", prompt: "text me a standup" } };
    expect(nextStep(intent, [], o)).toEqual({ kind: "tools", calls: [{ name: "mcp__relay__schedule_create", input: { kind: "cron", expr: "0 9 * * 1-5", prompt: "text me a standup" } }] });
    const answered = ok("mcp__relay__schedule_create", {}, "Task #1 scheduled: weekdays 09:00.");
    expect(nextStep(intent, [answered], o)).toEqual({ kind: "text", text: "[offline model] Task #1 scheduled: weekdays 09:00." });
    expect(nextStep({ kind: "send", path: "a.png" }, [], o)).toEqual({ kind: "tools", calls: [{ name: "mcp__relay__send_file", input: { path: "a.png" } }] });
    // What the tool told the agent stays the agent's: the user hears that the file went.
    const sent = ok("mcp__relay__send_file", { path: "a.png" }, "a.png is queued for the user; it goes out to their chat in order with your replies.");
    expect(nextStep({ kind: "send", path: "a.png" }, [sent], o)).toEqual({ kind: "text", text: "[offline model] I sent you a.png." });
  });

  it("speaks to the user: no final text names a tool or repeats what a tool told the agent", () => {
    const intents: Array<[Intent, DoneCall[]]> = [
      [{ kind: "run", command: "echo hi" }, [ok("Bash", {}, "hi")]],
      [{ kind: "list", dir: null }, [ok("Glob", {}, "a.txt")]],
      [{ kind: "show", path: "a.txt" }, [ok("Read", {}, "     1\thi")]],
      [{ kind: "write", path: "a.txt", content: "hi\n" }, [ok("Write", {}, "File created successfully at: /w/p/a.txt")]],
      [{ kind: "send", path: "a.png" }, [ok("mcp__relay__send_file", {}, "a.png is queued for the user; it goes out to their chat in order with your replies.")]],
      [{ kind: "long", task: "refactor everything" }, Array.from({ length: LONG_STEPS }, () => ok("Glob", {}, "a.txt"))],
    ];
    for (const [intent, done] of intents) {
      const step = nextStep(intent, done, { ...o, toolNames: ["Glob", "Grep"] });
      const text = step.kind === "text" ? step.text : "";
      expect(text, intent.kind).toMatch(/^\[offline model\] \S/);
      expect(text, intent.kind).not.toMatch(/\b(?:Bash|Glob|Grep|Read|Write|Edit) tool\b|mcp__|queued for the user|your replies/);
    }
  });

  it("works for about a minute on “take a minute to …”: read-only looks spread over it, each after thinking a while, then says what it did", () => {
    const intent: Intent = { kind: "long", task: "refactor everything" };
    const offered = { ...o, toolNames: ["Bash", "Glob", "Grep", "Read"] };
    const looks: DoneCall[] = [];
    for (let i = 0; i < LONG_STEPS; i++) {
      const step = nextStep(intent, looks, offered);
      expect(step.kind, `step ${i}`).toBe("tools");
      if (step.kind !== "tools") return;
      expect(step.thinkMs).toBe(LONG_STEP_MS);
      // Never a tool that asks in any approval mode, nor one that changes a file.
      expect(["Glob", "Grep"]).toContain(step.calls[0]!.name);
      looks.push(ok(step.calls[0]!.name, step.calls[0]!.input, i === 2 ? "" : "src/a.ts"));
    }
    expect(LONG_STEPS * LONG_STEP_MS).toBeGreaterThanOrEqual(55_000);
    expect(LONG_STEPS * LONG_STEP_MS).toBeLessThanOrEqual(75_000);
    expect(nextStep(intent, looks, offered)).toEqual({ kind: "text", text: expect.stringMatching(/^\[offline model\] I spent about a minute on “refactor everything”: I looked through the project 6 times and changed nothing\./) });
    // A failed look is looked past: the run goes on to its minute.
    expect(nextStep(intent, [failed("Glob", {}, "boom")], offered)).toMatchObject({ kind: "tools", thinkMs: LONG_STEP_MS });
    // Without Glob and Grep on offer: read-only shell commands, a different one each step.
    const shell: DoneCall[] = [];
    for (let i = 0; i < LONG_STEPS; i++) {
      const step = nextStep(intent, shell, o);
      if (step.kind !== "tools") throw new Error(`step ${i}: ${JSON.stringify(step)}`);
      expect(step.calls[0]!.name).toBe("Bash");
      shell.push(ok("Bash", step.calls[0]!.input, ""));
    }
    expect(shell[0]!.input.command).toBe("ls -la");
    expect(new Set(shell.map((c) => c.input.command)).size).toBe(LONG_STEPS);
    for (const c of shell) expect(String(c.input.command), "read-only").not.toMatch(/>|\brm\b|\bmv\b|\bcp\b|-exec|-delete|\bsed\b|\btouch\b|\bmkdir\b/);
  });

  it("reads the working directory from Claude Code's system prompt", () => {
    expect(workingDirectoryOf("You have been invoked in the following environment: \n - Primary working directory: /data/ws/main\n - Is a git")).toBe("/data/ws/main");
    expect(workingDirectoryOf("no environment")).toBeNull();
  });
});

describe("planReply on a plain request", () => {
  const system = [{ type: "text", text: " - Primary working directory: /w/p\n" }];
  const user = (text: string) => ({ role: "user", content: [{ type: "text", text }] });

  it("answers the request with a tool call, then the tool's result with a final text", () => {
    const first = planReply(readConversation({ system, tools: [{ name: "Bash" }], messages: [user("please run a command that writes hello to notes.txt")] }));
    expect(first).toMatchObject({ kind: "tool_use", name: "Bash", input: { command: "echo hello > notes.txt" } });
    const messages = [
      user("please run a command that writes hello to notes.txt"),
      { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "echo hello > notes.txt" } }] },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "" }] },
    ];
    expect(planReply(readConversation({ system, messages }))).toMatchObject({ kind: "text", text: "[offline model] I ran `echo hello > notes.txt` (no output)." });
  });

  it("streams a long run's looks after thinking a while (the stream waits as long)", () => {
    const plan = planReply(readConversation({ system, tools: [{ name: "Glob" }, { name: "Grep" }], messages: [user("take a minute to refactor everything")] }));
    expect(plan).toMatchObject({ kind: "tool_use", name: "Glob", delayMs: LONG_STEP_MS });
  });

  it("calls the relay's schedule tool by the name the CLI gives it (deferred MCP tools are named in the prompt)", () => {
    const plan = planReply(readConversation({ system: "tools: mcp__relay__schedule_create", messages: [user("text me a standup every weekday at 9am")] }));
    expect(plan).toMatchObject({ kind: "tool_use", name: "mcp__relay__schedule_create", input: { kind: "cron", expr: "0 9 * * 1-5", prompt: "text me a standup" } });
  });

  it("answers anything else by quoting it and naming what it can do offline, in one line", () => {
    const plan = planReply(readConversation({ messages: [user("hello")] }));
    expect(plan).toMatchObject({ kind: "text" });
    const text = plan.kind === "text" ? plan.text : "";
    expect(text).toMatch(/^\[offline model\] You said: «hello»\. This conversation has 1 user message\. Offline I can write or change a file, run a command, list or show files, schedule a task, send a file back or work for a minute, e\.g\. “please run a command that writes hello to notes\.txt”/);
    expect(text).not.toContain("\n");
  });
});

describe("the relay's notes are never the user's words", () => {
  const user = (text: string) => ({ role: "user", content: [{ type: "text", text }] });
  const UNDONE = "[relay] The user undid your last change with /undo: these files are back as they were before it (notes.txt). Read them again before relying on what you wrote.";

  it("after /undo, a request with the relay's note after it is understood as the user wrote it", () => {
    const plan = planReply(readConversation({ system: " - Primary working directory: /w/p\n", tools: [{ name: "Write" }], messages: [user(`change notes.txt to say goodbye\n\n${UNDONE}`)] }));
    expect(plan).toMatchObject({ kind: "tool_use", name: "Write", input: { file_path: "/w/p/notes.txt", content: "goodbye\n" } });
  });

  it("quotes only the user's words as theirs, and the note as the relay's", () => {
    const conversation = readConversation({ messages: [user("hello"), user(`and now?\n\n${UNDONE}`)] });
    expect(conversation.userTexts).toEqual(["hello", "and now?"]);
    const plan = planReply(conversation);
    const text = plan.kind === "text" ? plan.text : "";
    expect(text).toMatch(/^\[offline model\] You said: «and now\?»\. The relay told me: «\[relay\] The user undid your last change with \/undo: /);
    expect(text).toContain("This conversation has 2 user messages; earlier: «hello».");
    expect(/You said: «[^»]*\[relay\]/.test(text)).toBe(false);
  });
});

describe("the README's quick start", () => {
  // Its offline requests, each the first `…` of a line of the list after "Without a model key".
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
  const list = readme.slice(readme.indexOf("Without a model key, the offline model answers")).split("\n\n")[1] ?? "";
  const requests = list.split("\n").flatMap((line) => /^- `([^`]+)`/.exec(line)?.[1] ?? []).filter((r) => r !== "send it back");

  it("names requests the offline model understands, an edit among them", () => {
    expect(requests.length).toBeGreaterThanOrEqual(4);
    for (const request of requests) expect([request, recogniseIntent(request)]).toEqual([request, expect.anything()]);
    // An edit of the file the first request wrote: the kind of request a newcomer tries next.
    expect(requests.map(recogniseIntent)).toContainEqual(expect.objectContaining({ kind: "write", path: "notes.txt" }));
    expect(requests.some((r) => /^change /.test(r))).toBe(true);
  });
});
