// A relay tool call nobody answers does not hang the agent: after TOOL_CALL_TIMEOUT_MS the model
// gets an error result, the run goes on to its result, and a late answer finds nothing waiting.
import { expect, it } from "vitest";
import { resultsOf, uniqueId, useHarness } from "./helpers/harness";

const h = useHarness({ toolCallTimeoutMs: 2_000 });

it("returns an error to the agent when the relay does not answer in time", async () => {
  const runId = uniqueId("run");
  const text = '[[tool schedule_pause {"id":3}]]';
  const reader = await h.startRun({ runId, text, options: { permissionMode: "default", scheduleTools: true } });
  const call = await reader.waitFor((e) => e.type === "tool_call");
  const calledAt = Date.now();
  const events = await reader.end();
  expect(Date.now() - calledAt).toBeGreaterThanOrEqual(1_900);
  expect(events.map((e) => e.type)).toEqual(["session", "progress", "tool_call", "result", "done"]);
  expect(resultsOf(events)[0]?.text).toMatch(/^\[offline model\] The mcp__relay__schedule_pause tool failed: The relay did not answer within 2 s;/);
  if (call.type !== "tool_call") throw new Error("not a tool call");
  const late = await h.call("POST", `/v1/runs/${runId}/tool-result`, { callId: call.callId, ok: true, text: "Paused #3." });
  expect(late.status).toBe(409);
  expect(await late.json()).toMatchObject({ error: "run_finished" });
});
