// The relay's tools as the VM offers them to a CLI, outside the VM: the same tool list over MCP's
// Streamable HTTP transport (the VM serves them so, vm/src/http/mcp-routes.ts), and the relay's other
// CLI options. For floors and profiles that must load what the VM's CLI loads.
import { createServer, type Server as HttpServer } from "node:http";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import { CallToolRequestSchema, ListToolsRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { RELAY_TOOLS } from "../../src/protocol/relay-tools";
import { WHATSAPP_INSTRUCTIONS } from "../../src/protocol/vm/agent-instructions";
import { MCP_INSTRUCTIONS, MCP_SERVER_INFO, toolsOffered } from "../../vm/src/core/relay-mcp-tools";

/** The relay's other options, as the VM gives them (cli-command.ts), without its MCP server. */
export const relayOptions = (workspace: string) => ["--setting-sources=", "--strict-mcp-config", `--add-dir=${workspace}`, `--append-system-prompt=${WHATSAPP_INSTRUCTIONS}`];

/** An MCP config naming the tools at `url` over HTTP, written in `dir`: its path. */
export async function httpToolsConfig(dir: string, url: string, timeoutMs?: number): Promise<string> {
  const path = join(dir, "http.json");
  await writeFile(path, JSON.stringify({ mcpServers: { relay: { type: "http", url, ...(timeoutMs ? { timeout: timeoutMs } : {}) } } }));
  return path;
}

/** The MCP SDK's Streamable HTTP transport, stateless, offering the relay's tools; a call waits `callWaitMs`. */
export async function httpToolsServer(callWaitMs: number, onCall: (name: string) => void, offer = { schedules: true, approvals: false }): Promise<{ url: string; close(): Promise<void> }> {
  const tools = toolsOffered(offer, RELAY_TOOLS);
  const http: HttpServer = createServer(async (req, res) => {
    const server = new Server(MCP_SERVER_INFO, { capabilities: { tools: {} }, instructions: MCP_INSTRUCTIONS });
    server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
    server.setRequestHandler(CallToolRequestSchema, async (request) => {
      onCall(request.params.name);
      await new Promise((resolve) => setTimeout(resolve, callWaitMs));
      return { content: [{ type: "text" as const, text: "ANSWERED-AFTER-WAIT" }] };
    });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on("close", () => void Promise.all([transport.close(), server.close()]));
    await server.connect(transport);
    let body = "";
    for await (const chunk of req) body += String(chunk);
    await transport.handleRequest(req, res, body ? JSON.parse(body) : undefined);
  });
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  const { port } = http.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/mcp`, close: () => new Promise<void>((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }) };
}

