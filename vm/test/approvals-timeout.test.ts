// Approvals nobody answers: the VM denies one after the run's approval timeout (the model is told
// it was not approved in time), and a cancel with a request pending ends the run at once.
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { resultsOf, uniqueId, useHarness } from "./helpers/harness";

const h = useHarness();
const touch = (file: string) => `[[tool Bash {"command":"touch ${file}"}]]`;
const workspaceOf = (userId: string) => workspaceDirOf(userPathsOf(h.dataDir, userId), "main");

it("denies an unanswered request after the approval timeout, and refuses a late answer", async () => {
  const userId = "+15550001201";
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: touch("late.txt"), options: { approvals: { mode: "on", timeoutMs: 1500 } } });
  const request = await reader.waitFor((e) => e.type === "approval_request");
  const events = await reader.end();
  expect(resultsOf(events)[0]?.text).toMatch(/^\[offline model\] The Bash tool failed: Not approved in time: the user did not answer within 2 s, so this was not done\./);
  expect(existsSync(join(workspaceOf(userId), "late.txt"))).toBe(false);
  if (request.type !== "approval_request") throw new Error("not an approval request");
  const late = await h.call("POST", `/v1/runs/${runId}/approval`, { requestId: request.requestId, decision: "allow" });
  expect(late.status).toBe(409);
});

it("ends a cancelled run with a pending request at once, without running the command", async () => {
  const userId = "+15550001202";
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: touch("never.txt"), options: { approvals: { mode: "on" } } });
  const request = await reader.waitFor((e) => e.type === "approval_request");
  const startedAt = Date.now();
  expect((await h.call("POST", `/v1/runs/${runId}/cancel`)).status).toBe(202);
  const events = await reader.end();
  expect(Date.now() - startedAt).toBeLessThan(5_000);
  expect(events.at(-1)).toMatchObject({ type: "error", code: "cancelled" });
  if (request.type !== "approval_request") throw new Error("not an approval request");
  expect((await h.call("POST", `/v1/runs/${runId}/approval`, { requestId: request.requestId, decision: "allow" })).status).toBe(409);
  expect(existsSync(join(workspaceOf(userId), "never.txt"))).toBe(false);
  // The process and its MCP config are gone.
  expect(readdirSync(userPathsOf(h.dataDir, userId).tmp).filter((f) => f.startsWith("relay-mcp-"))).toEqual([]);
});

it("asks in acceptEdits for a command that is not a file edit, and not for one that is", async () => {
  const userId = "+15550001203";
  const edits = { approvals: { mode: "edits", timeoutMs: 60_000 } } as const;
  const plain = await (await h.startRun({ userId, text: touch("edited.txt"), options: edits })).end();
  expect(plain.map((e) => e.type)).toEqual(["session", "progress", "result", "done"]);
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: '[[tool Bash {"command":"npm --version"}]]', options: edits });
  const request = await reader.waitFor((e) => e.type === "approval_request");
  if (request.type !== "approval_request") throw new Error("not an approval request");
  expect(request).toMatchObject({ tool: "Bash", input: { command: "npm --version" } });
  await h.call("POST", `/v1/runs/${runId}/approval`, { requestId: request.requestId, decision: "deny" });
  expect(resultsOf(await reader.end())[0]?.text).toBe("[offline model] The Bash tool failed: The user declined this from their phone; it was not done.");
});
