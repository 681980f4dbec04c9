// The approval prompt's words for the relay's own tools: what the call would do, plainly.
import { describe, expect, it } from "vitest";
import { describeRequest } from "../../src/approvals/approvals";
import { describeRelayToolUse } from "../../src/approvals/relay-tool-words";

describe("describeRelayToolUse", () => {
  const cases: { tool: string; input: Record<string, unknown>; words: string | null }[] = [
    { tool: "mcp__relay__schedule_create", input: { kind: "every", every: "1h", prompt: "send the numbers" }, words: "Create a task: every 1h, “send the numbers”" },
    { tool: "mcp__relay__schedule_create", input: { kind: "cron", expr: "0 9 * * 1-5", prompt: "standup", context: "chat" }, words: "Create a task: cron 0 9 * * 1-5, in this conversation's session, “standup”" },
    { tool: "mcp__relay__schedule_create", input: { kind: "at", at: "tomorrow 9:00", prompt: "a\nb" }, words: "Create a task: at tomorrow 9:00, “a b”" },
    { tool: "mcp__relay__schedule_create", input: { kind: "weekly", prompt: "x" }, words: "Create a task: at an unknown time, “x”" },
    { tool: "mcp__relay__schedule_cancel", input: { id: 3 }, words: "Delete task #3" },
    { tool: "mcp__relay__schedule_pause", input: { id: "4" }, words: "Pause task #4" },
    { tool: "mcp__relay__schedule_resume", input: {}, words: "Resume task #?" },
    { tool: "mcp__relay__schedule_list", input: {}, words: "List your tasks" },
    { tool: "mcp__relay__set_time_zone", input: { timeZone: "Europe/London" }, words: "Set your time zone to Europe/London" },
    { tool: "mcp__relay__send_file", input: { path: "out/report.pdf", caption: "Q3" }, words: "Send you the file out/report.pdf with “Q3”" },
    { tool: "mcp__relay__approve", input: {}, words: null },
    { tool: "mcp__other__schedule_create", input: { kind: "every", every: "1h", prompt: "x" }, words: null },
    { tool: "Bash", input: { command: "ls" }, words: null },
  ];
  it.each(cases)("$tool $input", ({ tool, input, words }) => expect(describeRelayToolUse(tool, input)).toBe(words));

  it("is what the approval prompt says of such a call", () => {
    expect(describeRequest("mcp__relay__schedule_create", { kind: "every", every: "1h", prompt: "send the numbers" }, "Using mcp__relay__schedule_create")).toBe("Create a task: every 1h, “send the numbers”");
  });
});
