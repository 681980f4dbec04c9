// The relay tools' MCP server as the CLI starts it, over stdio, both ways it is started: under
// tsx from the sources (development) and bundled (the image's vm/build.mjs). It speaks
// the MCP lifecycle and forwards calls to the VM with its secret, mapping a refusal to isError.
import { spawn } from "node:child_process";
import { chmodSync, copyFileSync, linkSync, mkdirSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { APPROVAL_ROUTE, TOOL_CALL_ROUTE } from "../src/core/relay-tool-wire";
import { relayMcpCommand, type McpCommand } from "../src/relay-tools/relay-mcp-config";
import { relayMcpForAgents } from "../src/relay-tools/relay-mcp-install";
import { buildBundle } from "./helpers/image";
import { closedTempDir, tempDir } from "./helpers/temp-dir";

const SECRET = "s".repeat(43);
const received: Array<{ authorization: string | undefined; body: unknown }> = [];

// A stand-in of the VM's internal route: refuses a wrong secret, refuses schedule_cancel.
const vm = createServer(async (req: IncomingMessage, res) => {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  const body = JSON.parse(text) as { name: string; args: unknown };
  received.push({ authorization: req.headers.authorization, body });
  if (req.headers.authorization !== `Bearer ${SECRET}`) return void res.writeHead(401).end("{}");
  if (req.url === APPROVAL_ROUTE) {
    const ask = body as unknown as { tool_name: string; input: { command?: string } };
    const verdict = ask.input.command === "ls" ? { behavior: "allow", rule: { toolName: "Bash", ruleContent: "ls:*" } } : { behavior: "deny", message: `no ${ask.tool_name}` };
    return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(verdict));
  }
  if (req.url !== TOOL_CALL_ROUTE) return void res.writeHead(401).end("{}");
  const answer = body.name === "schedule_cancel" ? { ok: false, text: "No task #4." } : { ok: true, text: `did ${body.name} ${JSON.stringify(body.args)}` };
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(answer));
});
let vmUrl = "";
let builtDir = "";
let installed: McpCommand | null = null;
let fromSources: McpCommand | null = null;

/**
 * The command a root VM gives agents when this node sits in a private (0700) directory, as in a
 * checkout under root's home: that node and the sources bundled, installed under DATA_DIR/.cli.
 */
async function installedForAgents(): Promise<McpCommand> {
  const checkout = join(closedTempDir("vm-mcp-private-"), "checkout");
  mkdirSync(checkout, { mode: 0o700 });
  const node = join(checkout, "node");
  try {
    linkSync(process.execPath, node);
  } catch {
    copyFileSync(process.execPath, node);
    chmodSync(node, 0o755);
  }
  const base = relayMcpCommand();
  const dataDir = tempDir("vm-mcp-data-");
  const { command, line } = await relayMcpForAgents(dataDir, { ...base, command: node });
  expect(line).toContain(`${join(checkout, "..")} is closed to other users`);
  return command;
}

beforeAll(async () => {
  await new Promise<void>((resolve) => vm.listen(0, "127.0.0.1", resolve));
  vmUrl = `http://127.0.0.1:${(vm.address() as AddressInfo).port}${TOOL_CALL_ROUTE}`;
  builtDir = buildBundle();
  installed = await installedForAgents();
  // What the VM gives agents when it runs from the sources (npm run vm): never tsx's loader.
  fromSources = (await relayMcpForAgents(tempDir("vm-mcp-data-"))).command;
}, 60_000);
afterAll(async () => {
  rmSync(builtDir, { recursive: true, force: true });
  await new Promise<void>((resolve) => vm.close(() => resolve()));
});

/** Starts the server as the CLI would (in a directory of its own) and exchanges lines with it. */
function startMcp(command: { command: string; args: string[] }, env: Record<string, string> = {}) {
  const child = spawn(command.command, command.args, {
    cwd: tempDir("vm-mcp-cwd-"),
    env: { PATH: process.env.PATH ?? "", RELAY_TOOLS_URL: vmUrl, RELAY_TOOLS_SECRET: SECRET, RELAY_TOOLS_TIMEOUT_MS: "5000", ...env },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const replies = new Map<unknown, (message: Record<string, unknown>) => void>();
  createInterface({ input: child.stdout }).on("line", (line) => {
    const message = JSON.parse(line) as Record<string, unknown>;
    replies.get(message.id)?.(message);
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  return {
    request(id: number, method: string, params?: unknown): Promise<Record<string, unknown>> {
      const reply = new Promise<Record<string, unknown>>((resolve, reject) => {
        replies.set(id, resolve);
        void exited.then((code) => reject(new Error(`the MCP server exited (${code}) before answering ${method}`)));
      });
      child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", id, method, params })}\n`);
      return reply;
    },
    notify: (method: string) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", method })}\n`),
    end: () => (child.stdin.end(), exited),
  };
}

const runtimes = [
  { name: "under tsx, from the sources", command: () => relayMcpCommand(), entry: /vm\/src\/relay-tools\/relay-mcp-main\.ts$/ },
  {
    name: "bundled (the image), started from next to the server's bundle",
    command: () => relayMcpCommand(pathToFileURL(join(builtDir, "main.cjs")).href),
    entry: /\/vm\/dist\/test-bundle-\w+\/relay-mcp-main\.cjs$/,
  },
  {
    name: "as a VM under tsx gives it to agents: the sources bundled once, no TypeScript loader",
    command: () => fromSources ?? relayMcpCommand(),
    entry: /\/\.cli\/relay-mcp-[0-9a-f]{12}\/relay-mcp-main\.cjs$/,
  },
  {
    name: "installed for agents who cannot reach this node (a private checkout)",
    command: () => installed ?? relayMcpCommand(),
    entry: /\/\.cli\/relay-mcp-[0-9a-f]{12}\/relay-mcp-main\.cjs$/,
  },
];

describe.each(runtimes)("the relay tools' MCP server $name", ({ command, entry }) => {
  it("initializes, lists the tools and forwards calls with its secret", async () => {
    const cmd = command();
    expect(cmd.args.at(-1)).toMatch(entry);
    if (cmd.args.at(-1)!.endsWith(".cjs")) expect(cmd.args).not.toContain("--import");
    const mcp = startMcp(cmd);
    const init = await mcp.request(0, "initialize", { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "test", version: "1" } });
    expect(init.result).toMatchObject({ protocolVersion: "2025-11-25", capabilities: { tools: {} }, serverInfo: { name: "relay" } });
    mcp.notify("notifications/initialized");
    const list = (await mcp.request(1, "tools/list")).result as { tools: Array<{ name: string }> };
    expect(list.tools.map((t) => t.name)).toContain("schedule_create");

    const before = received.length;
    const ok = await mcp.request(2, "tools/call", { name: "schedule_create", arguments: { kind: "every", every: "2h", prompt: "p" } });
    expect(ok.result).toEqual({ content: [{ type: "text", text: 'did schedule_create {"kind":"every","every":"2h","prompt":"p"}' }], isError: false });
    const refused = await mcp.request(3, "tools/call", { name: "schedule_cancel", arguments: { id: 4 } });
    expect(refused.result).toEqual({ content: [{ type: "text", text: "No task #4." }], isError: true });
    expect(received.slice(before).map((r) => r.authorization)).toEqual([`Bearer ${SECRET}`, `Bearer ${SECRET}`]);
    expect((await mcp.request(4, "tools/call", { name: "nope", arguments: {} })).error).toMatchObject({ code: -32602 });
    expect(received.length).toBe(before + 2);
    expect(await mcp.end()).toBe(0);
  });

  it("offers approve alone for a run with approvals and answers in the CLI's permission format", async () => {
    const mcp = startMcp(command(), { RELAY_SCHEDULE_TOOLS: "0", RELAY_APPROVALS: "1", RELAY_APPROVAL_URL: vmUrl.replace(TOOL_CALL_ROUTE, APPROVAL_ROUTE), RELAY_APPROVAL_TIMEOUT_MS: "5000" });
    await mcp.request(0, "initialize", { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "test", version: "1" } });
    mcp.notify("notifications/initialized");
    const list = (await mcp.request(1, "tools/list")).result as { tools: Array<{ name: string }> };
    expect(list.tools.map((t) => t.name)).toEqual(["approve"]);
    const textOf = (reply: Record<string, unknown>) => JSON.parse((reply.result as { content: Array<{ text: string }> }).content[0]!.text) as unknown;
    const allowed = await mcp.request(2, "tools/call", { name: "approve", arguments: { tool_name: "Bash", input: { command: "ls" }, tool_use_id: "toolu_1" } });
    expect(textOf(allowed)).toEqual({ behavior: "allow", updatedInput: { command: "ls" }, updatedPermissions: [{ type: "addRules", rules: [{ toolName: "Bash", ruleContent: "ls:*" }], behavior: "allow", destination: "session" }] });
    const denied = await mcp.request(3, "tools/call", { name: "approve", arguments: { tool_name: "Bash", input: { command: "rm -rf /" } } });
    expect(textOf(denied)).toEqual({ behavior: "deny", message: "no Bash" });
    const malformed = await mcp.request(4, "tools/call", { name: "approve", arguments: { input: "x" } });
    expect(textOf(malformed)).toMatchObject({ behavior: "deny" });
    expect((await mcp.request(5, "tools/call", { name: "schedule_list", arguments: {} })).error).toMatchObject({ code: -32602 });
    expect(await mcp.end()).toBe(0);
  });
});
