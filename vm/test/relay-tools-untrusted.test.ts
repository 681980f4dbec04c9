// The relay's own tools in a run of someone else's text, with the real CLI: a tool that changes
// something (here schedule_create) is asked before it reaches the relay, as any command is; one
// that only reads (schedule_list) is not; the user's own run calls either unasked.
import { expect, it } from "vitest";
import { uniqueId, useHarness, type EventReader } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 0 });
const CREATE = '[[tool schedule_create {"kind":"every","every":"1h","prompt":"send the numbers"}]]';
const LIST = "[[tool schedule_list {}]]";

async function firstAskOrCall(reader: EventReader) {
  return reader.waitFor((e) => e.type === "approval_request" || e.type === "tool_call");
}

it("asks before an event's run creates a task, and the relay hears of the call only after the yes", async () => {
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId: "+15550001301", text: CREATE, options: { scheduleTools: true, approvals: { mode: "edits", untrusted: true } } });
  const first = await firstAskOrCall(reader);
  expect(first).toMatchObject({ type: "approval_request", tool: "mcp__relay__schedule_create", input: { kind: "every", every: "1h", prompt: "send the numbers" } });
  if (first.type !== "approval_request") throw new Error("not asked");
  expect((await h.call("POST", `/v1/runs/${runId}/approval`, { requestId: first.requestId, decision: "allow" })).status).toBe(202);
  const call = await reader.waitFor((e) => e.type === "tool_call");
  if (call.type !== "tool_call") throw new Error("no call");
  expect(call.name).toBe("schedule_create");
  await h.call("POST", `/v1/runs/${runId}/tool-result`, { callId: call.callId, ok: true, text: "Task #1 scheduled." });
  expect((await reader.end()).at(-1)?.type).toBe("done");
});

it("lets an event's run list the tasks unasked", async () => {
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId: "+15550001302", text: LIST, options: { scheduleTools: true, approvals: { mode: "on", untrusted: true } } });
  const first = await firstAskOrCall(reader);
  expect(first).toMatchObject({ type: "tool_call", name: "schedule_list" });
  if (first.type !== "tool_call") throw new Error("asked");
  await h.call("POST", `/v1/runs/${runId}/tool-result`, { callId: first.callId, ok: true, text: "No scheduled tasks." });
  expect((await reader.end()).some((e) => e.type === "approval_request")).toBe(false);
});

it("lets the user's own run create a task unasked, even with approvals on", async () => {
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId: "+15550001303", text: CREATE, options: { scheduleTools: true, approvals: { mode: "on" } } });
  const first = await firstAskOrCall(reader);
  expect(first).toMatchObject({ type: "tool_call", name: "schedule_create" });
  if (first.type !== "tool_call") throw new Error("asked");
  await h.call("POST", `/v1/runs/${runId}/tool-result`, { callId: first.callId, ok: true, text: "Task #1 scheduled." });
  expect((await reader.end()).some((e) => e.type === "approval_request")).toBe(false);
});
