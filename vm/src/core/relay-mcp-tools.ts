// What the relay's MCP server offers, as data: its name, instructions, the tools of one agent
// process (schedules, approve) and how a tool's outcome becomes MCP's CallToolResult.
import type { RelayToolDefinition } from "../../../src/protocol/relay-tools";
import { APPROVE_TOOL } from "./relay-tool-wire";

export const MCP_SERVER_INFO = { name: "relay", version: "1.0.0" } as const;

/** Shown to the agent with the tool list: the CLI's own schedulers end with its process. */
export const MCP_INSTRUCTIONS =
  "Scheduled tasks for this user live in the relay: create, list, pause, resume and cancel them with these tools, " +
  "not with the CLI's own cron or wake-up tools, which end with this process. " +
  "send_file sends the user a file from the project, in the chat they wrote from (a screenshot, a PDF, a chart).";

type ListedTool = { name: string; description: string; inputSchema: Record<string, unknown> };

/** The permission prompt tool: the CLI calls it, never the model (the VM disallows it for the model). */
export const APPROVE_TOOL_DEFINITION: ListedTool = {
  name: APPROVE_TOOL,
  description: "Asks the user to approve a tool use (Claude Code's permission prompt tool; not for the model).",
  inputSchema: {
    type: "object",
    properties: { tool_name: { type: "string" }, input: { type: "object" }, tool_use_id: { type: "string" } },
    required: ["tool_name", "input"],
  },
};

export function toolsOffered(offer: { schedules: boolean; approvals: boolean }, relayTools: readonly RelayToolDefinition[]): ListedTool[] {
  const schedules = offer.schedules ? relayTools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema: inputSchema as Record<string, unknown> })) : [];
  return [...schedules, ...(offer.approvals ? [APPROVE_TOOL_DEFINITION] : [])];
}

/** A tool's outcome as MCP's CallToolResult: a refusal is a result the model reads, not a protocol error. */
export function toolResultOf(outcome: { ok: boolean; text: string }): { content: Array<{ type: "text"; text: string }>; isError: boolean } {
  return { content: [{ type: "text", text: outcome.text }], isError: !outcome.ok };
}
