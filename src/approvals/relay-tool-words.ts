// What a call of one of the relay's own tools would do, in the user's words, for the approval
// prompt of a run that must ask before using it ("Create a task: every 1h, “send the numbers”").
// Pure: the tool's name as the CLI gives it and the model's input, unchecked (the relay checks it
// when the call comes, as for a /schedule command).
import { quoteInput } from "../shared/quote-input";

/** Claude Code names the relay's MCP tools `mcp__relay__<tool>` (the VM's MCP server is "relay"). */
const RELAY_TOOL = /^mcp__relay__([a-z_]+)$/;

const text = (input: Record<string, unknown>, key: string): string | null => {
  const value = input[key];
  return typeof value === "string" && value.trim() !== "" ? value.trim() : typeof value === "number" ? String(value) : null;
};

/** When a new task would run, as the model asked for it. */
function whenOf(input: Record<string, unknown>): string {
  switch (input.kind) {
    case "cron":
      return `cron ${text(input, "expr") ?? "?"}`;
    case "every":
      return `every ${text(input, "every") ?? "?"}`;
    case "at":
      return `at ${text(input, "at") ?? "?"}`;
    default:
      return "at an unknown time";
  }
}

/** The prompt's description of a relay tool call; null for any other tool. */
export function describeRelayToolUse(tool: string, input: Record<string, unknown>): string | null {
  const name = RELAY_TOOL.exec(tool)?.[1];
  if (name === undefined) return null;
  const task = `task #${text(input, "id") ?? "?"}`;
  switch (name) {
    case "schedule_create": {
      const where = input.context === "chat" ? ", in this conversation's session" : "";
      return `Create a task: ${quoteInput(whenOf(input), 80)}${where}, “${quoteInput(text(input, "prompt") ?? "", 200)}”`;
    }
    case "schedule_list":
      return "List your tasks";
    case "schedule_pause":
      return `Pause ${task}`;
    case "schedule_resume":
      return `Resume ${task}`;
    case "schedule_cancel":
      return `Delete ${task}`;
    case "set_time_zone":
      return `Set your time zone to ${quoteInput(text(input, "timeZone") ?? "?", 64)}`;
    case "send_file": {
      const caption = text(input, "caption");
      return `Send you the file ${quoteInput(text(input, "path") ?? "?", 200)}${caption ? ` with “${quoteInput(caption, 120)}”` : ""}`;
    }
    default:
      return null;
  }
}
