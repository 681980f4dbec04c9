// The loopback hop between the relay tools' MCP server (a child of the CLI) and the VM server:
// its route, its bodies and the environment the MCP server is started with. Internal to the VM.
import * as z from "zod";
import { RELAY_TOOL_NAMES } from "../../../src/protocol/relay-tools";

/** Not under /v1: VM_TOKEN does not open it; only an agent process's own secret does. */
export const TOOL_CALL_ROUTE = "/internal/tool-call";

/** The MCP server's name in `--mcp-config`; Claude Code names its tools `mcp__relay__<tool>`. */
export const MCP_SERVER_NAME = "relay";

export const ToolCallRequestSchema = z.object({
  name: z.string().refine((name) => RELAY_TOOL_NAMES.includes(name), "not a relay tool"),
  args: z.record(z.string(), z.unknown()),
});
export type ToolCallRequest = z.infer<typeof ToolCallRequestSchema>;

export const ToolAnswerSchema = z.object({ ok: z.boolean(), text: z.string() });
export type ToolAnswer = z.infer<typeof ToolAnswerSchema>;

export const McpServerEnvSchema = z.object({
  RELAY_TOOLS_URL: z.url(),
  RELAY_TOOLS_SECRET: z.string().min(32),
  /** The VM answers within its own limit; this is the MCP server's backstop if the VM is gone. */
  RELAY_TOOLS_TIMEOUT_MS: z.coerce.number().int().positive(),
});
export type McpServerEnv = z.infer<typeof McpServerEnvSchema>;
