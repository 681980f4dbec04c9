// The relay tools as an MCP server over stdio, started by the Claude Code CLI (`--mcp-config`):
// lists RELAY_TOOLS and forwards each call to the VM server over loopback with its process's
// secret; the VM turns it into a `tool_call` event and hands back the relay's answer.
import { createInterface } from "node:readline";
import { RELAY_TOOLS } from "../../src/protocol/relay-tools";
import { stepMcp, toolResultMessage, type RpcResponse } from "./core/mcp-rpc";
import { McpServerEnvSchema, ToolAnswerSchema, type McpServerEnv, type ToolAnswer } from "./core/relay-tool-wire";

const parsedEnv = McpServerEnvSchema.safeParse(process.env);
if (!parsedEnv.success) {
  // stdout is the protocol channel: diagnostics go to stderr, which the CLI logs.
  console.error(`relay-mcp: refusing to start: ${parsedEnv.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  process.exit(1);
}
const env: McpServerEnv = parsedEnv.data;

function send(message: RpcResponse): void {
  // JSON.stringify never emits a raw newline, so one message is exactly one line.
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

async function forward(name: string, args: Record<string, unknown>): Promise<ToolAnswer> {
  try {
    const res = await fetch(env.RELAY_TOOLS_URL, {
      method: "POST",
      headers: { authorization: `Bearer ${env.RELAY_TOOLS_SECRET}`, "content-type": "application/json" },
      body: JSON.stringify({ name, args }),
      signal: AbortSignal.timeout(env.RELAY_TOOLS_TIMEOUT_MS),
    });
    const body: unknown = await res.json().catch(() => null);
    const answer = ToolAnswerSchema.safeParse(body);
    if (res.ok && answer.success) return answer.data;
    return { ok: false, text: `The relay tools are unavailable (the VM answered HTTP ${res.status}).` };
  } catch (error) {
    const why = error instanceof Error && error.name === "TimeoutError" ? "no answer in time" : "the VM cannot be reached";
    return { ok: false, text: `The relay tools are unavailable (${why}).` };
  }
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
lines.on("line", (line) => {
  if (line.trim() === "") return;
  const step = stepMcp(line, RELAY_TOOLS);
  if (step.kind === "reply") send(step.message);
  // Calls are answered as they finish; MCP matches responses to requests by id, not order.
  else if (step.kind === "call") void forward(step.name, step.args).then((answer) => send(toolResultMessage(step.id, answer)));
});
// The CLI closed our stdin: it is gone or done with us.
lines.on("close", () => process.exit(0));
