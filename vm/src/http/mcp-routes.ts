// The relay's tools for the VM's own agents: MCP over Streamable HTTP (the official SDK's
// transport, stateless, one server object per request) at MCP_ROUTE, which each agent's CLI
// reaches on loopback with its process's own secret (relay-tools/relay-mcp-config.ts). The secret
// lists the tools; a `tools/call` is heard only on a connection the agent's CLI itself holds
// (relay-tools/tool-bridge.ts), else it is 401, logged with why and the peer's port, never the
// secret. `approve` is the CLI's permission prompt tool: any failure to ask is a deny.
import type { IncomingMessage } from "node:http";
import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import type { Context, Hono } from "hono";
import { PREVIEW_START_TOOL, RELAY_TOOLS, SEND_FILE_TOOL, SEND_SHOT_TOOL } from "../../../src/protocol/relay-tools";
import type { ShotTaken } from "../shots/shot-tool";
import type { ApprovalBridge } from "../approvals/approval-bridge";
import { permissionAnswerText } from "../core/approvals";
import { MCP_INSTRUCTIONS, MCP_SERVER_INFO, toolResultOf, toolsOffered } from "../core/relay-mcp-tools";
import { APPROVE_TOOL, ApprovalAskSchema, MCP_ROUTE, ToolCallRequestSchema, type ToolAnswer } from "../core/relay-tool-wire";
import type { FileStaging } from "../files/file-staging";
import { loadMcpSdk, type McpSdk } from "../relay-tools/mcp-sdk";
import type { Refusal, ToolBridge, ToolOwner } from "../relay-tools/tool-bridge";
import type { RunManager } from "../runs/run-manager";
import { fail, readJson } from "./http-body";

export type McpRouteDeps = {
  manager: RunManager;
  tools: ToolBridge;
  approvals: ApprovalBridge;
  files: FileStaging;
  /** `preview_start`, carried out by the VM itself (preview/preview-tool.ts); absent, the tool is refused. */
  startPreview?: (runId: string, args: Record<string, unknown>) => Promise<ToolAnswer>;
  /** `send_shot`'s picture, drawn by the VM (shots/shot-tool.ts); absent, the tool is refused. */
  takeShot?: (runId: string, args: Record<string, unknown>) => Promise<ShotTaken | ToolAnswer>;
};

/** The request's own connection, from Node's server (c.env.incoming under @hono/node-server). */
function connectionOf(c: Context): { socket: { remotePort: number; localPort: number; remoteAddress: string | undefined }; key: object } | null {
  const socket = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.socket;
  return socket?.remotePort && socket.localPort ? { socket: { remotePort: socket.remotePort, localPort: socket.localPort, remoteAddress: socket.remoteAddress }, key: socket } : null;
}

function refuse(c: Context, reason: Refusal): never {
  console.warn(`vm: internal_request_refused route=${c.req.path} reason=${reason} port=${connectionOf(c)?.socket.remotePort ?? "?"}`);
  fail(401, { error: "unauthorized" });
}

const isToolCall = (message: unknown) => typeof message === "object" && message !== null && (message as { method?: unknown }).method === "tools/call";

export function addMcpRoutes(app: Hono, deps: McpRouteDeps): void {
  /** A relay tool, for the run the process serves now. */
  async function callTool(owner: ToolOwner, name: string, rawArgs: Record<string, unknown>): Promise<ToolAnswer> {
    const run = owner.currentRun();
    if (!run) return { ok: false, text: "No run is active for this agent; the tool was not called." };
    const parsed = ToolCallRequestSchema.safeParse({ name, args: rawArgs });
    if (!parsed.success) return { ok: false, text: `The tool's arguments were not understood: ${parsed.error.issues.map((i) => i.message).join("; ")}` };
    const { args } = parsed.data;
    if (name === PREVIEW_START_TOOL) return deps.startPreview ? deps.startPreview(run.id, args) : { ok: false, text: "Previews are not available on this VM." };
    if (name === SEND_SHOT_TOOL) {
      const shot = deps.takeShot ? await deps.takeShot(run.id, args) : { ok: false, text: "Pictures of the preview are not available on this VM." };
      if (!("png" in shot)) return shot;
      // Staged as a file of the run and sent as send_file's are: the relay needs nothing of its own for it.
      const staged = deps.files.stageBytes(run, { name: "shot.png", contentType: "image/png", bytes: shot.png, caption: shot.caption });
      return staged.ok ? deps.tools.call(run, SEND_FILE_TOOL, staged.args) : { ok: false, text: staged.text };
    }
    if (name !== SEND_FILE_TOOL) return deps.tools.call(run, name, args);
    // Checked and staged before the relay hears of it: a refusal goes back to the agent, and nothing is emitted.
    const staged = await deps.files.stage(run, args);
    return staged.ok ? deps.tools.call(run, name, staged.args) : { ok: false, text: staged.text };
  }

  /** The CLI's permission prompt: the user's answer, as the CLI's permission JSON. */
  async function approve(owner: ToolOwner, rawArgs: Record<string, unknown>): Promise<string> {
    const ask = ApprovalAskSchema.safeParse(rawArgs);
    if (!ask.success) return permissionAnswerText({ behavior: "deny", message: "The approval request was malformed; not approved." }, {});
    const run = owner.currentRun();
    const timeoutMs = run ? deps.manager.approvalTimeoutOf(run.id) : null;
    if (!run || timeoutMs === null) return permissionAnswerText({ behavior: "deny", message: "No run that asks for approvals is active for this agent; not approved." }, {});
    return permissionAnswerText(await deps.approvals.ask(run, ask.data, timeoutMs, deps.manager.untrusted(run.id)), ask.data.input);
  }

  /** The MCP server one request sees: the tools this process is offered. */
  function serverFor(owner: ToolOwner, { Server, types }: McpSdk): Server {
    const { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } = types;
    const tools = toolsOffered(owner.offer, RELAY_TOOLS);
    const server = new Server(MCP_SERVER_INFO, { capabilities: { tools: { listChanged: false } }, instructions: MCP_INSTRUCTIONS });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
    server.setRequestHandler(CallToolRequestSchema, async (request) => {
      const { name, arguments: args = {} } = request.params;
      if (!tools.some((t) => t.name === name)) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
      if (name === APPROVE_TOOL) return toolResultOf({ ok: true, text: await approve(owner, args) });
      return toolResultOf(await callTool(owner, name, args));
    });
    return server;
  }

  // Not activity: the run a call serves is.
  app.on(["GET", "DELETE"], MCP_ROUTE, () => Response.json({ jsonrpc: "2.0", error: { code: -32000, message: "Method not allowed: this server is stateless, POST only." }, id: null }, { status: 405, headers: { allow: "POST" } }));
  app.post(MCP_ROUTE, async (c) => {
    const owner = deps.tools.ownerOf(c.req.header("authorization"));
    if (!owner) refuse(c, "unknown_secret");
    const body = await readJson(c);
    if (body === undefined) fail(400, { error: "bad_request", message: "the body is not JSON" });
    if ((Array.isArray(body) ? body : [body]).some(isToolCall)) {
      const refused = await deps.tools.heard(owner, connectionOf(c));
      if (refused) refuse(c, refused);
    }
    const sdk = await loadMcpSdk();
    const server = serverFor(owner, sdk);
    const transport = new sdk.WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    await server.connect(transport);
    return transport.handleRequest(c.req.raw, { parsedBody: body });
  });
}
