// The relay's MCP server over stdio (the official SDK), started by the Claude Code CLI
// (`--mcp-config`): the schedule tools, forwarded to the VM server over loopback with this
// process's secret, and `approve`, the CLI's permission prompt tool, which asks the VM (and so the
// relay) before the agent acts.
import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { CallToolRequestSchema, ErrorCode, ListToolsRequestSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { RELAY_TOOLS } from "../../../src/protocol/relay-tools";
import { permissionAnswerText, type ApprovalVerdict } from "../core/approvals";
import { MCP_INSTRUCTIONS, MCP_SERVER_INFO, toolResultOf, toolsOffered } from "../core/relay-mcp-tools";
import {
  APPROVE_TOOL,
  ApprovalAskSchema,
  ApprovalVerdictSchema,
  McpServerEnvSchema,
  ToolAnswerSchema,
  type McpServerEnv,
  type ToolAnswer,
} from "../core/relay-tool-wire";

const parsedEnv = McpServerEnvSchema.safeParse(process.env);
if (!parsedEnv.success) {
  // stdout is the protocol channel: diagnostics go to stderr, which the CLI logs.
  console.error(`relay-mcp: refusing to start: ${parsedEnv.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  process.exit(1);
}
const env: McpServerEnv = parsedEnv.data;
const tools = toolsOffered({ schedules: env.RELAY_SCHEDULE_TOOLS, approvals: env.RELAY_APPROVALS }, RELAY_TOOLS);

async function post(url: string, body: unknown, timeoutMs: number): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${env.RELAY_TOOLS_SECRET}`, "content-type": "application/json" },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  return { status: res.status, json: res.ok ? await res.json().catch(() => null) : null };
}

const unreachable = (error: unknown) => (error instanceof Error && error.name === "TimeoutError" ? "no answer in time" : "the VM cannot be reached");

async function forward(name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
  try {
    const { status, json } = await post(env.RELAY_TOOLS_URL, { name, args }, env.RELAY_TOOLS_TIMEOUT_MS);
    const answer = ToolAnswerSchema.safeParse(json);
    return answer.success ? answer.data : { ok: false, text: `The relay tools are unavailable (the VM answered HTTP ${status}).` };
  } catch (error) {
    return { ok: false, text: `The relay tools are unavailable (${unreachable(error)}).` };
  }
}

/** Any failure to ask is a deny: the agent never acts without an answer. */
async function approve(args: Record<string, unknown>): Promise<string> {
  const ask = ApprovalAskSchema.safeParse(args);
  if (!ask.success || !env.RELAY_APPROVAL_URL) return permissionAnswerText({ behavior: "deny", message: "The approval request was malformed; not approved." }, {});
  let verdict: ApprovalVerdict;
  try {
    const { status, json } = await post(env.RELAY_APPROVAL_URL, ask.data, env.RELAY_APPROVAL_TIMEOUT_MS ?? env.RELAY_TOOLS_TIMEOUT_MS);
    const parsed = ApprovalVerdictSchema.safeParse(json);
    verdict = parsed.success ? parsed.data : { behavior: "deny", message: `Could not ask the user (the VM answered HTTP ${status}); not approved.` };
  } catch (error) {
    verdict = { behavior: "deny", message: `Could not ask the user (${unreachable(error)}); not approved.` };
  }
  return permissionAnswerText(verdict, ask.data.input);
}

const server = new Server(MCP_SERVER_INFO, { capabilities: { tools: { listChanged: false } }, instructions: MCP_INSTRUCTIONS });
server.setRequestHandler(ListToolsRequestSchema, () => ({ tools }));
server.setRequestHandler(CallToolRequestSchema, async (request) => {
  const { name, arguments: args = {} } = request.params;
  if (!tools.some((t) => t.name === name)) throw new McpError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
  if (name === APPROVE_TOOL) return toolResultOf({ ok: true, text: await approve(args) });
  return toolResultOf(await forward(name, args));
});

/**
 * Before the CLI hears from us (and so before the agent can run anything): the VM binds our secret
 * to this process, and hears nobody else with it. A failure is only logged: the VM then refuses
 * our calls, and every approval is a deny.
 */
async function hello(): Promise<void> {
  if (!env.RELAY_HELLO_URL) return;
  try {
    const { status } = await post(env.RELAY_HELLO_URL, {}, 10_000);
    if (status !== 200) console.error(`relay-mcp: the VM did not take this process as its agent's (HTTP ${status})`);
  } catch (error) {
    console.error(`relay-mcp: could not reach the VM at start (${unreachable(error)})`);
  }
}

const transport = new StdioServerTransport();
// The CLI closed our stdin: it is gone or done with us.
process.stdin.on("close", () => process.exit(0));
process.stdin.on("end", () => process.exit(0));
void hello().then(() => server.connect(transport));
