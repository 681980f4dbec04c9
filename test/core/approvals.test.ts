import { describe, expect, it } from "vitest";
import {
  alwaysOffer,
  alwaysRule,
  approvalPrompt,
  buttonPayload,
  describeRequest,
  parseApprovalAnswer,
  parseButtonPayload,
} from "../../src/approvals/approvals";
import { bashRuleAllowed } from "../../src/protocol/always-rules";
import { PERMISSION_RULE } from "../../src/protocol/vm/approvals";

describe("parseApprovalAnswer", () => {
  it.each([
    ["yes", { answer: "yes", target: { kind: "only" } }],
    ["Yes!", { answer: "yes", target: { kind: "only" } }],
    ["  NO. ", { answer: "no", target: { kind: "only" } }],
    ["always", { answer: "always", target: { kind: "only" } }],
    ["yes 2", { answer: "yes", target: { kind: "number", number: 2 } }],
    ["no all", { answer: "no", target: { kind: "all" } }],
    ["Always ALL", { answer: "always", target: { kind: "all" } }],
    ["no   12", { answer: "no", target: { kind: "number", number: 12 } }],
    // Numbers only grow: a long-time user answers four-digit ones.
    ["yes 1234", { answer: "yes", target: { kind: "number", number: 1234 } }],
  ])("%j is an answer", (text, expected) => {
    expect(parseApprovalAnswer(text)).toEqual(expected);
  });

  it.each(["yes please run it", "yess", "y", "ok", "yes 1234567890", "no -1", "no 2 3", "yes, all", "", "always\u202Eall", "👍", "/yes", "no all please"])(
    "%j is not an answer (it goes to the agent)",
    (text) => {
      expect(parseApprovalAnswer(text)).toBeNull();
    },
  );
});

describe("button payloads", () => {
  it("round-trips a prompt's id and answer", () => {
    for (const answer of ["yes", "no", "always"] as const) {
      expect(parseButtonPayload(buttonPayload(42, answer))).toEqual({ approvalId: 42, answer });
    }
  });

  it.each(["approval:x:yes", "approval:1:maybe", "other:1:yes", "approval:1:yes:extra", "", "approval:1234567890123:yes"])("refuses %j", (payload) => {
    expect(parseButtonPayload(payload)).toBeNull();
  });
});

describe("alwaysRule", () => {
  it.each([
    ["Bash", { command: "npm test" }, "Bash(npm test:*)"],
    ["Bash", { command: "npm test -- --watch" }, "Bash(npm test:*)"],
    ["Bash", { command: "ls -la /tmp" }, "Bash(ls:*)"],
    ["Bash", { command: "npm run build" }, "Bash(npm run:*)"],
    ["Bash", { command: "./gradlew build --info" }, "Bash(./gradlew build:*)"],
    // Programs that run whatever follows them: no rule (the examples, and their kin).
    ["Bash", { command: "git push origin main" }, null],
    ["Bash", { command: "git --version" }, null],
    ["Bash", { command: "node --version" }, null],
    ["Bash", { command: "node -p process.version" }, null],
    ["Bash", { command: "/usr/local/bin/node script.js" }, null],
    ["Bash", { command: "bash --version" }, null],
    ["Bash", { command: "python3 manage.py test" }, null],
    ["Bash", { command: "env FOO=1 ls" }, null],
    ["Bash", { command: "FOO=1 ls" }, null],
    ["Bash", { command: "sudo ls" }, null],
    ["Bash", { command: "xargs -n1 echo" }, null],
    ["Bash", { command: "find . -name x" }, null],
    ["Bash", { command: "timeout 5 ls" }, null],
    ["Bash", { command: "npx prettier --write ." }, null],
    ["Bash", { command: "npm exec -- vitest" }, null],
    ["Bash", { command: "npm --version" }, null],
    ["Bash", { command: "go run ./cmd/x" }, null],
    ["Bash", { command: "go test ./..." }, "Bash(go test:*)"],
    // A compound command is remembered only whole: a prefix would allow whatever follows it.
    ["Bash", { command: "npm test && git push" }, "Bash(npm test && git push)"],
    ["Bash", { command: "echo $(whoami)" }, null],
    ["Bash", { command: "printf 'a\nb'" }, null],
    ["Bash", { command: "" }, null],
    ["WebFetch", { url: "https://docs.example.com/a?b=c" }, "WebFetch(domain:docs.example.com)"],
    ["WebFetch", { url: "not a url" }, null],
    ["Write", { file_path: "/etc/hosts", content: "x" }, "Write(/etc/hosts)"],
    ["Edit", { file_path: "/home/u/other/a.ts", old_string: "a", new_string: "b" }, "Edit(/home/u/other/a.ts)"],
    ["mcp__github__create_pr", { title: "x" }, "mcp__github__create_pr"],
  ])("%s %j → %s", (tool, input, expected) => {
    const rule = alwaysRule(tool, input);
    expect(rule).toBe(expected);
    if (rule) expect(PERMISSION_RULE.test(rule)).toBe(true);
  });

  it.each([
    ["node --version", "node runs whatever follows it, so a rule would allow any command"],
    ["env FOO=1 ls", "env runs whatever follows it, so a rule would allow any command"],
    ["FOO=1 ls", "a command that starts by setting a variable runs whatever follows it"],
    ["npm --version", "npm without a subcommand would cover npm exec, which runs whatever follows it"],
  ])("says in one line why %j saves no rule", (command, why) => {
    expect(alwaysOffer("Bash", { command })).toEqual({ rule: null, why });
  });

  it("asks again for a different node command after an always on one", () => {
    // The case: "always" on `node -p …` saved `Bash(node:*)`, and `node -e …` then ran unasked.
    expect(alwaysOffer("Bash", { command: "node -p 1+1" }).rule).toBeNull();
    expect(alwaysOffer("Bash", { command: "node -e 'require(\"fs\").rmSync(\"x\")'" }).rule).toBeNull();
  });

  it("offers only rules the VM would save, for the command it was asked about", () => {
    for (const command of ["npm test -- --watch", "ls -la /tmp", "npm test && git push", "make", "cargo build --release", "go run x.go", "node -v", "git status"]) {
      const rule = alwaysRule("Bash", { command });
      if (rule) expect(bashRuleAllowed(/^Bash\((.*)\)$/.exec(rule)?.[1] ?? "", command), command).toBe(true);
    }
  });
});

describe("bashRuleAllowed (the VM's check)", () => {
  it.each([
    ["npm test:*", "npm test -- --watch", true],
    ["ls:*", "ls -la", true],
    ["npm test && git push", "npm test && git push", true],
    ["node:*", "node --version", false],
    ["bash:*", "bash --version", false],
    ["env:*", "env FOO=1 ls", false],
    ["git:*", "git --version", false],
    ["git push:*", "git push origin main", false],
    ["npm:*", "npm test", false],
    ["npm test:*", "npm run deploy", false],
    ["ls:*", "ls; rm -rf /", false],
    ["node -e x", "node -e y", false],
    ["npm:*", "npm --version", false],
  ])("%j for %j: %s", (rule, command, allowed) => {
    expect(bashRuleAllowed(rule, command)).toBe(allowed);
  });
});

describe("describeRequest", () => {
  it("shows a command as it will run", () => {
    expect(describeRequest("Bash", { command: "rm -rf build" }, "Running: rm -rf build")).toBe("Run a command:\nrm -rf build");
  });

  it("shows an edit as a short diff", () => {
    const text = describeRequest("Edit", { file_path: "/srv/app/config.yml", old_string: "port: 80", new_string: "port: 8080" }, undefined);
    expect(text).toBe("Edit /srv/app/config.yml:\n- port: 80\n+ port: 8080");
  });

  it("cuts a long file to a few lines", () => {
    const content = Array.from({ length: 40 }, (_, i) => `line ${i}`).join("\n");
    const text = describeRequest("Write", { file_path: "/tmp/x.txt", content }, undefined);
    expect(text.split("\n")).toHaveLength(1 + 6 + 1);
    expect(text).toContain("(34 more lines)");
  });

  it("names the URL of a fetch, and falls back to the VM's summary", () => {
    expect(describeRequest("WebFetch", { url: "https://example.com/x" }, undefined)).toBe("Fetch https://example.com/x");
    expect(describeRequest("mcp__db__query", { sql: "select 1" }, "Using mcp__db__query")).toBe("Use mcp__db__query: Using mcp__db__query");
  });

  it("shows a command whole, however long: the prompt cuts it to fit a message, and says so", () => {
    const command = `echo ${"x".repeat(3000)}`;
    expect(describeRequest("Bash", { command }, undefined)).toBe(`Run a command:\n${command}`);
  });

  it.each([
    ["Write", { file_path: "/data/users/7eb1/workspace/notes.txt", content: "hi" }, "Write notes.txt (1 lines):\n+ hi"],
    ["Edit", { file_path: "/data/users/7eb1/workspace/src/a.ts", old_string: "a", new_string: "b" }, "Edit src/a.ts:\n- a\n+ b"],
    ["NotebookEdit", { notebook_path: "/data/users/7eb1/workspace/n.ipynb" }, "Edit the notebook n.ipynb"],
    // Outside the project: as given.
    ["Write", { file_path: "/etc/motd" }, "Write /etc/motd"],
  ])("names a %s's file inside the project relative to it", (tool, input, expected) => {
    expect(describeRequest(tool, input, undefined, "/data/users/7eb1/workspace")).toBe(expected);
  });

  it("marks hidden characters in a command, a path and an edit's text", () => {
    expect(describeRequest("Bash", { command: "ls \u202Etxt.exe" }, undefined)).toBe("Run a command:\nls ⟨U+202E⟩txt.exe");
    expect(describeRequest("Write", { file_path: "/w/a\u200Bb.txt" }, undefined, "/w")).toBe("Write a⟨U+200B⟩b.txt");
    expect(describeRequest("Edit", { file_path: "/w/a", old_string: "x", new_string: "y\u2066z" }, undefined, "/w")).toBe("Edit a:\n- x\n+ y⟨U+2066⟩z");
  });
});

describe("approvalPrompt", () => {
  const base = { number: 12, conversation: "api", timeoutMs: 600_000, prefix: "", maxChars: 1600, link: null };

  it("reads as sentences, names its number, and says what always would save", () => {
    const { body } = approvalPrompt({ ...base, description: "Run a command:\nnpm publish", always: { rule: "Bash(npm publish:*)" } });
    expect(body).toBe(
      "🔐 Approval #12 in api: the agent wants to run a command:\nnpm publish\nReply yes 12, no 12 or always 12 (always: in api, from now on allow Bash(npm publish:*)). Not answered in 10 min: denied.",
    );
  });

  it("a one-line request is one sentence", () => {
    expect(approvalPrompt({ ...base, description: "Fetch https://x.test", always: { rule: "WebFetch(domain:x.test)" } }).body).toMatch(/^🔐 Approval #12 in api: the agent wants to fetch https:\/\/x\.test\nReply yes 12/);
  });

  it("says always is not offered, and why, where it would save nothing", () => {
    const always = alwaysOffer("Bash", { command: "node --version" });
    const { body } = approvalPrompt({ ...base, description: "Run a command:\nnode --version", always });
    expect(body).toContain('Reply yes 12 or no 12 ("always" is not offered: node runs whatever follows it, so a rule would allow any command).');
    expect(body).not.toContain("always:");
  });

  it("shows a rule's file inside the project as the user knows it", () => {
    const { body } = approvalPrompt({ ...base, description: "Write notes.txt", always: { rule: "Write(/data/users/7eb1/workspace/notes.txt)" }, projectDir: "/data/users/7eb1/workspace" });
    expect(body).toContain("from now on allow Write(notes.txt)");
    expect(body).not.toContain("7eb1");
  });

  it.each([
    ["WhatsApp", 1600],
    ["Telegram", 4096],
  ])("shows a command whole up to %s's limit, cuts it past, saying how much and where the rest is", (_channel, maxChars) => {
    const fits = "x".repeat(maxChars - 300);
    const whole = approvalPrompt({ ...base, maxChars, description: `Run a command:\n${fits}`, always: { rule: null, why: "no" }, link: "https://r.test/web/t/runs/r1" });
    expect(whole.cut).toBe(0);
    expect(whole.body).toContain(fits);
    const long = "y".repeat(maxChars + 1000);
    const cut = approvalPrompt({ ...base, maxChars, description: `Run a command:\n${long}`, always: { rule: null, why: "no" }, link: "https://r.test/web/t/runs/r1" });
    expect(cut.body.length).toBeLessThanOrEqual(maxChars);
    expect(cut.cut).toBeGreaterThan(1000);
    expect(cut.body).toContain(`… ${cut.cut.toLocaleString("en-US")} more characters not shown: https://r.test/web/t/runs/r1\nReply yes 12 or no 12`);
    expect(cut.body).toContain("y".repeat(long.length - cut.cut));
  });
});
