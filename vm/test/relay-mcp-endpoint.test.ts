// The VM's MCP endpoint for the relay's tools, driven by the official SDK's client over Streamable
// HTTP, as the CLI drives it: the tools one process is offered, a refusal as isError, an unknown
// tool as InvalidParams, `approve` in the CLI's permission format (a malformed ask is a deny), and
// the refusals: no secret, a revoked one, a CLI not yet spawned, a process that is not the CLI, a
// body over the VM's bound.
// The route, the bridge and the peer check (the kernel's tables) are the VM's own; the run manager
// and the approval bridge are small stand-ins that answer at once (the real ones: relay-tools,
// approvals and forged-approval tests, with the real CLI).
import { spawn } from "node:child_process";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createAdaptorServer } from "@hono/node-server";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Hono } from "hono";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApprovalBridge } from "../src/approvals/approval-bridge";
import type { Run } from "../src/core/run-handle";
import { MCP_ROUTE } from "../src/core/relay-tool-wire";
import type { FileStaging } from "../src/files/file-staging";
import { MAX_JSON_BODY_BYTES } from "../src/http/http-body";
import { addMcpRoutes } from "../src/http/mcp-routes";
import { holdsConnection } from "../src/relay-tools/peer-process";
import { createToolBridge, type ToolsOffer } from "../src/relay-tools/tool-bridge";
import type { RunManager } from "../src/runs/run-manager";

const bridge = createToolBridge({ timeoutMs: 5_000, holds: holdsConnection });
const fed: Array<{ name: string; args: unknown }> = [];

/** A run whose relay answers every call at once: schedule_cancel refused, the rest done. */
const run = {
  id: "run_endpoint",
  userKey: "u",
  cwd: "/w",
  admits: () => ({ kind: "accept" }),
  onFinished: () => {},
  feed(input: { type: string; callId?: string; name?: string; args?: unknown }) {
    if (input.type !== "tool_call" || !input.callId || !input.name) return null;
    fed.push({ name: input.name, args: input.args });
    const answer = input.name === "schedule_cancel" ? { ok: false, text: "No task #4." } : { ok: true, text: `did ${input.name} ${JSON.stringify(input.args)}` };
    queueMicrotask(() => bridge.answer(run.id, input.callId!, answer));
    return null;
  },
} as unknown as Run;

const manager = { approvalTimeoutOf: () => 5_000, untrusted: () => false } as unknown as RunManager;
const approvals = {
  ask: async (_run: Run, ask: { tool_name: string; input: { command?: string } }) =>
    ask.input.command === "ls" ? { behavior: "allow", rule: { toolName: "Bash", ruleContent: "ls:*" } } : { behavior: "deny", message: `no ${ask.tool_name}` },
} as unknown as ApprovalBridge;
const files = { stage: async () => ({ ok: false, text: "not staged here" }) } as unknown as FileStaging;

const app = new Hono();
addMcpRoutes(app, { manager, tools: bridge, approvals, files });
const http = createAdaptorServer({ fetch: app.fetch, hostname: "127.0.0.1" }) as Server;
let url = "";
beforeAll(() => new Promise<void>((resolve) => http.listen(0, "127.0.0.1", () => resolve())).then(() => void (url = `http://127.0.0.1:${(http.address() as AddressInfo).port}${MCP_ROUTE}`)));
afterAll(() => new Promise<void>((resolve) => http.close(() => resolve())));

/** A grant whose CLI is this test's own process: it holds the client's connections. */
function grantHere(offer: ToolsOffer) {
  const grant = bridge.grant(() => run, offer);
  grant.attach(process.pid);
  return grant;
}

async function connect(secret: string): Promise<Client> {
  const client = new Client({ name: "test", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { Authorization: `Bearer ${secret}` } } }));
  return client;
}

const textOf = (result: unknown) => (result as { content: Array<{ text: string }> }).content[0]!.text;

describe("the relay tools' MCP endpoint", () => {
  it("initializes, lists the process's tools and carries calls to its run, a refusal as isError", async () => {
    const grant = grantHere({ schedules: true, approvals: false });
    const client = await connect(grant.secret);
    expect(client.getServerVersion()).toMatchObject({ name: "relay" });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain("schedule_create");
    expect(tools.map((t) => t.name)).not.toContain("approve");

    const ok = await client.callTool({ name: "schedule_create", arguments: { kind: "every", every: "2h", prompt: "p" } });
    expect(ok).toEqual({ content: [{ type: "text", text: 'did schedule_create {"kind":"every","every":"2h","prompt":"p"}' }], isError: false });
    const refused = await client.callTool({ name: "schedule_cancel", arguments: { id: 4 } });
    expect(refused).toEqual({ content: [{ type: "text", text: "No task #4." }], isError: true });
    await expect(client.callTool({ name: "nope", arguments: {} })).rejects.toMatchObject({ code: -32602 });
    expect(fed.slice(-2).map((f) => f.name)).toEqual(["schedule_create", "schedule_cancel"]);
    await client.close();
    grant.revoke();
  });

  it("offers approve alone for a run with approvals and answers in the CLI's permission format", async () => {
    const grant = grantHere({ schedules: false, approvals: true });
    const client = await connect(grant.secret);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(["approve"]);
    const allowed = await client.callTool({ name: "approve", arguments: { tool_name: "Bash", input: { command: "ls" }, tool_use_id: "toolu_1" } });
    expect(JSON.parse(textOf(allowed))).toEqual({ behavior: "allow", updatedInput: { command: "ls" }, updatedPermissions: [{ type: "addRules", rules: [{ toolName: "Bash", ruleContent: "ls:*" }], behavior: "allow", destination: "session" }] });
    const denied = await client.callTool({ name: "approve", arguments: { tool_name: "Bash", input: { command: "rm -rf /" } } });
    expect(JSON.parse(textOf(denied))).toEqual({ behavior: "deny", message: "no Bash" });
    const malformed = await client.callTool({ name: "approve", arguments: { input: "x" } });
    expect(JSON.parse(textOf(malformed))).toMatchObject({ behavior: "deny" });
    await expect(client.callTool({ name: "schedule_list", arguments: {} })).rejects.toMatchObject({ code: -32602 });
    await client.close();
    grant.revoke();
  });

  it("refuses no secret, a revoked one and a CLI not spawned yet; a GET is 405 and a body that is not JSON 400", async () => {
    const post = (secret: string | null, body: string) =>
      fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...(secret ? { authorization: `Bearer ${secret}` } : {}) }, body });
    const list = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });
    const call = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "schedule_list", arguments: {} } });
    expect((await post(null, list)).status).toBe(401);
    const unspawned = bridge.grant(() => run, { schedules: true, approvals: false });
    expect((await post(unspawned.secret, list)).status).toBe(200);
    expect((await post(unspawned.secret, call)).status).toBe(401);
    expect((await post(unspawned.secret, "{")).status).toBe(400);
    expect((await fetch(url, { headers: { authorization: `Bearer ${unspawned.secret}` } })).status).toBe(405);
    unspawned.revoke();
    expect((await post(unspawned.secret, list)).status).toBe(401);
  });

  it("refuses a body over the VM's bound with 413 before reading it, even with the CLI's own secret, and calls nothing", async () => {
    const grant = grantHere({ schedules: true, approvals: false });
    const before = fed.length;
    const call = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "schedule_create", arguments: { kind: "every", every: "2h", prompt: "" } } };
    const body = JSON.stringify(call).replace('"prompt":""', `"prompt":"${"x".repeat(MAX_JSON_BODY_BYTES)}"`);
    const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${grant.secret}` }, body });
    expect(res.status).toBe(413);
    expect(await res.json()).toEqual({ error: "bad_request", message: `the request body is over ${MAX_JSON_BODY_BYTES / 1024 / 1024} MiB` });
    expect(fed.length).toBe(before);
    grant.revoke();
  });

  it("refuses a call with the right secret from any other process, even a child of the one it was given to", async () => {
    const grant = grantHere({ schedules: true, approvals: false });
    const before = fed.length;
    const script = `fetch(${JSON.stringify(url)}, { method: "POST", headers: { authorization: "Bearer ${grant.secret}", "content-type": "application/json", accept: "application/json, text/event-stream" }, body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "schedule_list", arguments: {} } }) }).then((r) => process.stdout.write(String(r.status)))`;
    const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString("utf8")));
    await new Promise((resolve) => child.on("close", resolve));
    expect(out).toBe("401");
    expect(fed.length).toBe(before);
    // The same secret from the process it was given to is heard.
    const client = await connect(grant.secret);
    expect((await client.callTool({ name: "schedule_list", arguments: {} })).isError).toBe(false);
    await client.close();
    grant.revoke();
  });
});
