// The relay tools' MCP server, as a pure function from one JSON-RPC 2.0 line (MCP's stdio
// transport: newline-delimited JSON) to what to do: write a reply, forward a tool call, or nothing.
import * as z from "zod";
import type { RelayToolDefinition } from "../../../src/protocol/relay-tools";

/** Newest first. Every one is served the same way: this server uses only `tools`, stable since 2024-11-05. */
export const MCP_PROTOCOL_VERSIONS = ["2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"] as const;

export const MCP_SERVER_INFO = { name: "relay", version: "1.0.0" } as const;

/** Shown to the agent with the tool list: the CLI's own schedulers end with its process. */
const INSTRUCTIONS =
  "Scheduled tasks for this WhatsApp user live in the relay: create, list, pause, resume and cancel them with these tools, " +
  "not with the CLI's own cron or wake-up tools, which end with this process.";

export const RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
} as const;

type RpcId = string | number | null;
export type RpcResponse =
  | { jsonrpc: "2.0"; id: RpcId; result: Record<string, unknown> }
  | { jsonrpc: "2.0"; id: RpcId; error: { code: number; message: string } };

export type McpStep =
  | { kind: "reply"; message: RpcResponse }
  | { kind: "call"; id: string | number; name: string; args: Record<string, unknown> }
  | { kind: "none" };

const MessageSchema = z.object({
  jsonrpc: z.literal("2.0"),
  id: z.union([z.string(), z.number().int()]).optional(),
  method: z.string().optional(),
  params: z.unknown().optional(),
});
const InitializeParamsSchema = z.looseObject({ protocolVersion: z.string() });
const CallParamsSchema = z.looseObject({ name: z.string(), arguments: z.record(z.string(), z.unknown()).optional() });

const reply = (id: RpcId, result: Record<string, unknown>): McpStep => ({ kind: "reply", message: { jsonrpc: "2.0", id, result } });
const failure = (id: RpcId, code: number, message: string): McpStep => ({ kind: "reply", message: { jsonrpc: "2.0", id, error: { code, message } } });

/** The client's version when this server speaks it, else the newest it does (the client decides). */
export function negotiateVersion(requested: string): string {
  return (MCP_PROTOCOL_VERSIONS as readonly string[]).includes(requested) ? requested : MCP_PROTOCOL_VERSIONS[0];
}

export function stepMcp(line: string, tools: readonly RelayToolDefinition[]): McpStep {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return failure(null, RPC_ERRORS.parse, "Parse error");
  }
  if (Array.isArray(json)) return failure(null, RPC_ERRORS.invalidRequest, "Batches are not supported");
  const parsed = MessageSchema.safeParse(json);
  if (!parsed.success) return failure(idOf(json), RPC_ERRORS.invalidRequest, "Invalid Request");
  const { id, method, params } = parsed.data;
  // Notifications (initialized, cancelled) need no answer; a message without a method is a
  // response to a request this server never sends.
  if (id === undefined || method === undefined) return { kind: "none" };
  switch (method) {
    case "initialize": {
      const init = InitializeParamsSchema.safeParse(params);
      if (!init.success) return failure(id, RPC_ERRORS.invalidParams, "initialize needs params.protocolVersion");
      return reply(id, {
        protocolVersion: negotiateVersion(init.data.protocolVersion),
        capabilities: { tools: { listChanged: false } },
        serverInfo: MCP_SERVER_INFO,
        instructions: INSTRUCTIONS,
      });
    }
    case "ping":
      return reply(id, {});
    case "tools/list":
      return reply(id, { tools: tools.map(({ name, description, inputSchema }) => ({ name, description, inputSchema })) });
    case "tools/call": {
      const call = CallParamsSchema.safeParse(params);
      if (!call.success) return failure(id, RPC_ERRORS.invalidParams, "tools/call needs params.name and object arguments");
      if (!tools.some((t) => t.name === call.data.name)) return failure(id, RPC_ERRORS.invalidParams, `Unknown tool: ${call.data.name}`);
      return { kind: "call", id, name: call.data.name, args: call.data.arguments ?? {} };
    }
    default:
      // Includes `server/discover`, which newer clients probe first and then fall back to initialize.
      return failure(id, RPC_ERRORS.methodNotFound, `Method not found: ${method}`);
  }
}

/** A tool's outcome as MCP's CallToolResult: a refusal is a result the model reads, not a protocol error. */
export function toolResultMessage(id: string | number, outcome: { ok: boolean; text: string }): RpcResponse {
  return { jsonrpc: "2.0", id, result: { content: [{ type: "text", text: outcome.text }], isError: !outcome.ok } };
}

function idOf(json: unknown): RpcId {
  const id = typeof json === "object" && json !== null ? (json as { id?: unknown }).id : undefined;
  return typeof id === "string" || (typeof id === "number" && Number.isInteger(id)) ? id : null;
}
