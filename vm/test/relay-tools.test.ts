// The relay tools end to end with the real CLI: the model calls mcp__relay__schedule_create, the
// CLI calls the VM's MCP endpoint, the stream carries `tool_call`, and the relay's `tool-result`
// (accepted or refused) is what the model reads back.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import * as z from "zod";
import { MCP_ROUTE } from "../src/core/relay-tool-wire";
import { userPathsOf } from "../src/users/user-paths";
import { resultsOf, TOKEN, uniqueId, useHarness, type EventReader } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });

const CREATE = '[[tool schedule_create {"kind":"every","every":"2h","prompt":"check the build"}]]';
// "default" asks before every tool, and `-p` cannot ask: only --allowedTools lets the call through.
const WITH_TOOLS = { permissionMode: "default", scheduleTools: true } as const;

async function toolCallOf(reader: EventReader) {
  const event = await reader.waitFor((e) => e.type === "tool_call");
  if (event.type !== "tool_call") throw new Error("not a tool call");
  return event;
}

/** The secret the VM gave this user's agent process, read from the MCP config the CLI was started with. */
function agentSecretOf(userId: string): string {
  const tmp = userPathsOf(h.dataDir, userId).tmp;
  const [file] = readdirSync(tmp).filter((name) => /^relay-mcp-[0-9a-f]+\.json$/.test(name));
  if (!file) throw new Error(`no MCP config in ${tmp}`);
  const config = RelayConfigSchema.parse(JSON.parse(readFileSync(join(tmp, file), "utf8")));
  expect(config.mcpServers.relay.url).toBe(`${h.vm.url}${MCP_ROUTE}`);
  return config.mcpServers.relay.headers.Authorization.slice("Bearer ".length);
}

const RelayConfigSchema = z.object({
  mcpServers: z.object({ relay: z.object({ type: z.literal("http"), url: z.string(), headers: z.object({ Authorization: z.string().startsWith("Bearer ") }) }) }),
});

/** One MCP request to the VM's endpoint, as a client other than the agent's CLI would send it (here the test's own process). */
const mcpRequest = (secret: string | null, method: string, params: unknown = {}) =>
  fetch(`${h.vm.url}${MCP_ROUTE}`, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...(secret === null ? {} : { authorization: `Bearer ${secret}` }) },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method, params }),
  });
const internalCall = (secret: string | null, name = "schedule_list") => mcpRequest(secret, "tools/call", { name, arguments: {} });

it("carries the agent's call to the relay and the relay's answer back to the agent", async () => {
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId: "+15550000501", text: CREATE, options: WITH_TOOLS });
  const call = await toolCallOf(reader);
  expect(call).toMatchObject({ name: "schedule_create", args: { kind: "every", every: "2h", prompt: "check the build" }, callId: expect.stringMatching(/^[A-Za-z0-9_-]{1,80}$/) });

  const answered = await h.call("POST", `/v1/runs/${runId}/tool-result`, { callId: call.callId, ok: true, text: "Task #1 scheduled: every 2h, next at 11:00." });
  expect(answered.status).toBe(202);
  const events = await reader.end();
  expect(events.map((e) => e.type)).toEqual(["session", "progress", "tool_call", "result", "done"]);
  expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
  expect(resultsOf(events)[0]?.text).toBe("[offline model] The mcp__relay__schedule_create tool answered: Task #1 scheduled: every 2h, next at 11:00.");
  // Persisted like every other event, so a reconnect replays it.
  const logged = readFileSync(join(h.dataDir, ".runs", `${runId}.ndjson`), "utf8").trim().split("\n").map((l) => JSON.parse(l));
  expect(logged).toEqual(events);
  // Answered once: a repeat finds nothing waiting (and the run has ended).
  expect((await h.call("POST", `/v1/runs/${runId}/tool-result`, { callId: call.callId, ok: true, text: "again" })).status).toBe(409);
});

it("hands a refusal to the model as a tool error", async () => {
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId: "+15550000502", text: CREATE, options: WITH_TOOLS });
  const call = await toolCallOf(reader);
  await h.call("POST", `/v1/runs/${runId}/tool-result`, { callId: call.callId, ok: false, text: "Refused: you already have 50 tasks." });
  const [result] = resultsOf(await reader.end());
  expect(result?.text).toMatch(/^\[offline model\] The mcp__relay__schedule_create tool failed: Refused: you already have 50 tasks\./);
});

it("refuses the MCP endpoint without the agent's own secret, a call from any process but its CLI, and a secret reaches only its own process's run", async () => {
  const userId = "+15550000503";
  const runId = uniqueId("run");
  const otherRunId = uniqueId("run");
  const other = await h.startRun({ runId: otherRunId, userId: "+15550000504", text: "[[slow 30000]] busy", options: WITH_TOOLS });
  const reader = await h.startRun({ runId, userId, text: CREATE, options: WITH_TOOLS });
  const first = await toolCallOf(reader);
  const secret = agentSecretOf(userId);

  for (const wrong of [null, TOKEN, "x".repeat(43), `${secret}x`, secret.slice(1), agentSecretOf("+15550000504").slice(0, -1)]) {
    expect((await internalCall(wrong)).status, String(wrong)).toBe(401);
  }
  expect((await h.call("POST", MCP_ROUTE, { jsonrpc: "2.0", id: 1, method: "tools/list" })).status).toBe(401);
  // The right secret lists the tools, from anyone: they are no secret.
  const listed = await mcpRequest(secret, "tools/list");
  expect(listed.status).toBe(200);
  expect(await listed.text()).toContain('"name":"schedule_create"');
  // A call with the right secret from any process but the agent's CLI (here the test's own): refused, whatever it names.
  expect((await internalCall(secret)).status).toBe(401);
  expect((await internalCall(secret, "not_a_relay_tool")).status).toBe(401);
  const batch = [{ jsonrpc: "2.0", id: 1, method: "tools/list" }, { jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "schedule_list", arguments: {} } }];
  const batched = await fetch(`${h.vm.url}${MCP_ROUTE}`, { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream", authorization: `Bearer ${secret}` }, body: JSON.stringify(batch) });
  expect(batched.status).toBe(401);

  // The secret speaks for the run its process serves: the call shows up on that run's stream only.
  expect(other.events().filter((e) => e.type === "tool_call")).toEqual([]);
  // Nobody answers it through another run, nor with a call id that was never made.
  expect((await h.call("POST", `/v1/runs/${otherRunId}/tool-result`, { callId: first.callId, ok: true, text: "x" })).status).toBe(400);
  expect((await h.call("POST", `/v1/runs/${runId}/tool-result`, { callId: "call_nope", ok: true, text: "x" })).status).toBe(400);
  await h.call("POST", `/v1/runs/${runId}/tool-result`, { callId: first.callId, ok: true, text: "Task #2 scheduled." });
  expect(resultsOf(await reader.end())[0]?.text).toContain("Task #2 scheduled.");
  await h.call("POST", `/v1/runs/${otherRunId}/cancel`);
  await other.end();
});

it("ends a pending call when the run is cancelled, then forgets the process's secret and config", async () => {
  const userId = "+15550000505";
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: CREATE, options: WITH_TOOLS });
  // The CLI's own call, waiting for the relay.
  await toolCallOf(reader);
  const secret = agentSecretOf(userId);

  expect((await h.call("POST", `/v1/runs/${runId}/cancel`)).status).toBe(202);
  expect((await reader.end()).at(-1)).toMatchObject({ type: "error", code: "cancelled" });
  await expect.poll(() => readdirSync(userPathsOf(h.dataDir, userId).tmp).filter((n) => n.startsWith("relay-mcp-")), { timeout: 10_000 }).toEqual([]);
  expect((await mcpRequest(secret, "tools/list")).status).toBe(401);
});
