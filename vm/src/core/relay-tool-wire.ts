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

/**
 * The MCP server's first request, at its start (before the CLI can run any tool): binds its
 * secret to its process, so that no other process holding the secret is heard (tool-bridge.ts).
 */
export const HELLO_ROUTE = "/internal/hello";

/** Not under /v1 either: the `approve` tool's questions (Claude Code's `--permission-prompt-tool`). */
export const APPROVAL_ROUTE = "/internal/approval";

/** The permission prompt tool's name on the relay's MCP server: `mcp__relay__approve` to the CLI. */
export const APPROVE_TOOL = "approve";

/** What the CLI passes the permission prompt tool (observed, docs/vm.md): the tool, its input, the tool_use id. */
export const ApprovalAskSchema = z.looseObject({
  tool_name: z.string().min(1).max(200),
  input: z.record(z.string(), z.unknown()),
  tool_use_id: z.string().max(200).optional(),
});
export type ApprovalAsk = z.infer<typeof ApprovalAskSchema>;

/** The VM's decision, from which the MCP server writes the CLI's answer (core/approvals.ts). */
export const ApprovalVerdictSchema = z.discriminatedUnion("behavior", [
  z.object({ behavior: z.literal("allow"), rule: z.object({ toolName: z.string(), ruleContent: z.string().optional() }).optional() }),
  z.object({ behavior: z.literal("deny"), message: z.string() }),
]);

const Flag = z.enum(["0", "1"]).default("0").transform((flag) => flag === "1");

export const McpServerEnvSchema = z.object({
  RELAY_TOOLS_URL: z.url(),
  RELAY_TOOLS_SECRET: z.string().min(32),
  /** The VM answers within its own limit; this is the MCP server's backstop if the VM is gone. */
  RELAY_TOOLS_TIMEOUT_MS: z.coerce.number().int().positive(),
  /** "0": no schedule tools (a run with approvals only). Absent: offered, as before approvals. */
  RELAY_SCHEDULE_TOOLS: z.enum(["0", "1"]).default("1").transform((flag) => flag === "1"),
  /** "1": offer `approve`, the CLI's permission prompt tool. */
  RELAY_APPROVALS: Flag,
  RELAY_APPROVAL_URL: z.url().optional(),
  /** Where the server says it has started (HELLO_ROUTE); absent: it does not (a stand-in VM). */
  RELAY_HELLO_URL: z.url().optional(),
  /** The backstop for an approval: the VM's own timeout plus a margin. */
  RELAY_APPROVAL_TIMEOUT_MS: z.coerce.number().int().positive().optional(),
});
export type McpServerEnv = z.infer<typeof McpServerEnvSchema>;
