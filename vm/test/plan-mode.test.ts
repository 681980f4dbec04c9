// A plan first, with the real CLI: a run in plan mode (`permissionMode: "plan"`) changes nothing and
// presents its plan as an `approval_request` of the CLI's ExitPlanMode, carrying the plan's text.
// The relay's answer decides what follows: `allow` with `mode: "default"` goes on asking before each
// edit, with `mode: "acceptEdits"` edits go ahead, and a deny ends the run, the session still in
// plan mode, so the next message (the user's change) is planned again.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { uniqueId, useHarness, type EventReader } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });
const PLAN = { permissionMode: "plan", approvals: { mode: "on" } } as const;
const workspaceOf = (userId: string) => workspaceDirOf(userPathsOf(h.dataDir, userId), "main");
const answer = (runId: string, body: unknown) => h.call("POST", `/v1/runs/${runId}/approval`, body);

/** The run's first approval request of `tool` (the reader finds events from the run's start). */
async function nextAsk(reader: EventReader, tool = "ExitPlanMode") {
  const event = await reader.waitFor((e) => (e.type === "approval_request" && e.tool === tool) || e.type === "done", 60_000);
  if (event.type !== "approval_request") throw new Error(`no approval request: ${JSON.stringify(event)}`);
  return event;
}

it("plans without changing a file; the plan's first answer goes on asking before each edit", async () => {
  const userId = "+15550008101";
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: "write 'hello' to plan.txt", options: PLAN });
  const plan = await nextAsk(reader);
  expect(plan.tool).toBe("ExitPlanMode");
  expect(String(plan.input.plan)).toContain("Write plan.txt with “hello”.");
  // Planned, not done: the project holds nothing yet.
  expect(readdirSync(workspaceOf(userId)).filter((f) => !f.startsWith("."))).toEqual([]);
  expect((await answer(runId, { requestId: plan.requestId, decision: "allow", mode: "default" })).status).toBe(202);
  const edit = await nextAsk(reader, "Write");
  expect(edit).toMatchObject({ tool: "Write", summary: "Writing plan.txt" });
  expect(existsSync(join(workspaceOf(userId), "plan.txt"))).toBe(false);
  await answer(runId, { requestId: edit.requestId, decision: "allow" });
  await reader.end();
  expect(existsSync(join(workspaceOf(userId), "plan.txt"))).toBe(true);
});

it("the plan's second answer lets the edits go ahead unasked", async () => {
  const userId = "+15550008102";
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: "write 'hello' to accepted.txt", options: PLAN });
  const plan = await nextAsk(reader);
  expect((await answer(runId, { requestId: plan.requestId, decision: "allow", mode: "acceptEdits" })).status).toBe(202);
  const events = await reader.end();
  expect(events.filter((e) => e.type === "approval_request").map((e) => e.type === "approval_request" && e.tool)).toEqual(["ExitPlanMode"]);
  expect(existsSync(join(workspaceOf(userId), "accepted.txt"))).toBe(true);
});

it("a declined plan changes nothing, and the next message in plan mode is planned again in its words", async () => {
  const userId = "+15550008103";
  const first = uniqueId("run");
  const reader = await h.startRun({ runId: first, userId, text: "write 'hello' to first.txt", options: PLAN });
  const plan = await nextAsk(reader);
  const change = "The user wants the plan changed; their next message says how. Do not go ahead.";
  expect((await answer(first, { requestId: plan.requestId, decision: "deny", message: change })).status).toBe(202);
  const events = await reader.end();
  const session = events.find((e) => e.type === "session");
  expect(existsSync(join(workspaceOf(userId), "first.txt"))).toBe(false);

  const second = uniqueId("run");
  const again = await h.startRun({ runId: second, userId, sessionId: session?.type === "session" ? session.sessionId : null, text: "write 'bye' to second.txt instead", options: PLAN });
  const replanned = await nextAsk(again);
  expect(replanned.tool).toBe("ExitPlanMode");
  expect(String(replanned.input.plan)).toContain("write 'bye' to second.txt instead");
  await answer(second, { requestId: replanned.requestId, decision: "deny", message: "not now" });
  await again.end();
  expect(readdirSync(workspaceOf(userId)).filter((f) => !f.startsWith("."))).toEqual([]);
});

it("refuses a mode with any answer but a plan's", async () => {
  const userId = "+15550008104";
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: `[[tool Bash {"command":"touch x.txt"}]]`, options: { approvals: { mode: "on" } } });
  const ask = await nextAsk(reader, "Bash");
  expect((await answer(runId, { requestId: ask.requestId, decision: "allow", mode: "acceptEdits" })).status).toBe(400);
  await answer(runId, { requestId: ask.requestId, decision: "deny" });
  await reader.end();
});
