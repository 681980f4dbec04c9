// The relay's tools as the VM serves them to its own agents' CLIs, over MCP's Streamable HTTP
// transport on loopback: the route, the names, and the bodies a call carries. Internal to the VM.
import * as z from "zod";
import { RELAY_TOOL_NAMES } from "../../../src/protocol/relay-tools";

/** Not under /v1: VM_TOKEN does not open it; only an agent process's own secret, from that process, does. */
export const MCP_ROUTE = "/internal/mcp";

/** The MCP server's name in `--mcp-config`; Claude Code names its tools `mcp__relay__<tool>`. */
export const MCP_SERVER_NAME = "relay";

/** A relay tool's call as the model made it (the CLI's `tools/call`): a known tool, an object of arguments. */
export const ToolCallRequestSchema = z.object({
  name: z.string().refine((name) => RELAY_TOOL_NAMES.includes(name), "not a relay tool"),
  args: z.record(z.string(), z.unknown()),
});
export type ToolCallRequest = z.infer<typeof ToolCallRequestSchema>;

export type ToolAnswer = { ok: boolean; text: string };

/** The permission prompt tool's name on the relay's MCP server: `mcp__relay__approve` to the CLI. */
export const APPROVE_TOOL = "approve";

/** What the CLI passes the permission prompt tool (observed, docs/vm.md): the tool, its input, the tool_use id. */
export const ApprovalAskSchema = z.looseObject({
  tool_name: z.string().min(1).max(200),
  input: z.record(z.string(), z.unknown()),
  tool_use_id: z.string().max(200).optional(),
});
export type ApprovalAsk = z.infer<typeof ApprovalAskSchema>;
