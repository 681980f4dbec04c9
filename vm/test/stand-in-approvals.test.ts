// The VM stand-in's approvals, which the relay's tests drive: `[[vm:approval TOOL ARG]]` emits an
// `approval_request` (checked against the protocol's schema), the approval route answers as the
// VM's does (202 once, 409 again, 404 unknown) and records the answers, and the reply reflects them.
import { afterAll, beforeAll, expect, it } from "vitest";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import type { StartRunRequestInput } from "../../src/protocol/vm/runs";
import { startVmStandIn, type VmStandIn } from "../../test/stand-ins/vm-stand-in";
import { readEvents, resultsOf, TOKEN, uniqueId } from "./helpers/harness";

let standIn: VmStandIn;
beforeAll(async () => {
  standIn = await startVmStandIn({ token: TOKEN, stepMs: 1 });
});
afterAll(() => standIn.close());

const call = (path: string, body: unknown) =>
  fetch(`${standIn.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, body: JSON.stringify(body) });

async function start(text: string, options: StartRunRequestInput["options"] = { approvals: { mode: "on" } }) {
  const runId = uniqueId("run");
  const body: StartRunRequestInput = { runId, userId: "+15550001301", sessionId: null, messages: [{ id: uniqueId("m"), text }], options };
  return { runId, reader: readEvents(await call(VM_ROUTES.startRun, body)) };
}

it("emits approval_request and replies with the recorded answer", async () => {
  const { runId, reader } = await start("[[vm:approval Bash npm test]]");
  const request = await reader.waitFor((e) => e.type === "approval_request");
  expect(request).toMatchObject({ tool: "Bash", input: { command: "npm test" }, summary: "Running: npm test" });
  if (request.type !== "approval_request") throw new Error("not an approval request");
  expect((await call(VM_ROUTES.approval(runId), { requestId: "appr-x", decision: "allow" })).status).toBe(404);
  expect((await call(VM_ROUTES.approval(runId), { requestId: request.requestId, decision: "allow", remember: "Bash(npm test:*)" })).status).toBe(202);
  expect((await call(VM_ROUTES.approval(runId), { requestId: request.requestId, decision: "deny" })).status).toBe(409);
  expect(resultsOf(await reader.end())[0]?.text).toBe("approved: Bash npm test, remembered Bash(npm test:*)");
  expect(standIn.requests.filter((r) => r.kind === "approval" && r.runId === runId).map((r) => [r.decision, r.remember, r.status])).toEqual([
    ["allow", undefined, 404],
    ["allow", "Bash(npm test:*)", 202],
    ["deny", undefined, 409],
  ]);
});

it("denies after the run's approval timeout and on a deny", async () => {
  const late = await start("[[vm:approval Write notes.md]]", { approvals: { mode: "edits", timeoutMs: 50 } });
  expect(resultsOf(await late.reader.end())[0]?.text).toBe("denied: not approved in time");
  const { runId, reader } = await start("[[vm:approval Bash rm -rf build]]");
  const request = await reader.waitFor((e) => e.type === "approval_request");
  if (request.type !== "approval_request") throw new Error("not an approval request");
  await call(VM_ROUTES.approval(runId), { requestId: request.requestId, decision: "deny", message: "no" });
  expect(resultsOf(await reader.end())[0]?.text).toBe("denied: no");
});
