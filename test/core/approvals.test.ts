import { describe, expect, it } from "vitest";
import {
  alwaysRule,
  approvalPrompt,
  buttonPayload,
  describeRequest,
  parseApprovalAnswer,
  parseButtonPayload,
  QUICK_REPLY_BODY_MAX,
} from "../../src/core/approvals";
import { PERMISSION_RULE } from "../../src/protocol/vm-protocol";

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
  ])("%j is an answer", (text, expected) => {
    expect(parseApprovalAnswer(text)).toEqual(expected);
  });

  it.each(["yes please run it", "yess", "y", "ok", "yes 1234", "no -1", "no 2 3", "yes, all", "", "always\u202Eall", "👍", "/yes", "no all please"])(
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
    ["Bash", { command: "git push origin main" }, "Bash(git push:*)"],
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
    expect(describeRequest("mcp__db__query", { sql: "select 1" }, "Using mcp__db__query")).toBe("mcp__db__query: Using mcp__db__query");
  });
});

describe("approvalPrompt", () => {
  it("asks for a bare answer when it is the only prompt", () => {
    const text = approvalPrompt({ number: null, conversation: "api", description: "Run a command:\nnpm publish", timeoutMs: 600_000 });
    expect(text).toContain("in api");
    expect(text).toContain("npm publish");
    expect(text).toContain("Reply yes, no or always");
    expect(text).toContain("10 min");
  });

  it("numbers the answers when several are open", () => {
    expect(approvalPrompt({ number: 2, conversation: "web", description: "Fetch https://x.test", timeoutMs: 60_000 })).toContain("Reply yes 2, no 2 or always 2");
  });

  it("fits a quick-reply body for the longest description the relay builds", () => {
    const description = describeRequest("Bash", { command: "x".repeat(5000) }, undefined);
    expect(approvalPrompt({ number: 12, conversation: "a".repeat(32), description, timeoutMs: 600_000 }).length).toBeLessThanOrEqual(QUICK_REPLY_BODY_MAX);
  });
});
