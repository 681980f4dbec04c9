// Approvals from the phone with the real CLI: under `approvals: {mode: "on"}` the model's Bash
// call becomes an `approval_request`, and the command runs only after the relay's `allow`; a deny
// reaches the model; "always" (a remembered rule, kept by the server) stops the asking in this process and the next.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import type { VmRunEvent } from "../../src/protocol/vm/runs";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { resultsOf, uniqueId, useHarness, type EventReader } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });
const ON = { approvals: { mode: "on" } } as const;
const touch = (file: string) => `[[tool Bash {"command":"touch ${file}"}]]`;
const workspaceOf = (userId: string) => workspaceDirOf(userPathsOf(h.dataDir, userId), "main");

async function approvalOf(reader: EventReader) {
  const event = await reader.waitFor((e) => e.type === "approval_request");
  if (event.type !== "approval_request") throw new Error("not an approval request");
  return event;
}
const answer = (runId: string, body: unknown) => h.call("POST", `/v1/runs/${runId}/approval`, body);

it("runs the command only after the relay allows it, and answers each request once", async () => {
  const userId = "+15550001101";
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: touch("allowed.txt"), options: ON });
  const request = await approvalOf(reader);
  // The project it runs in, so the relay names files inside it as the user knows them.
  expect(request).toMatchObject({ tool: "Bash", input: { command: "touch allowed.txt" }, summary: "Running: touch allowed.txt", projectDir: workspaceOf(userId) });
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(existsSync(join(workspaceOf(userId), "allowed.txt"))).toBe(false);

  expect((await answer(runId, { requestId: "appr_nope", decision: "allow" })).status).toBe(404);
  expect((await answer(runId, { requestId: request.requestId, decision: "maybe" })).status).toBe(400);
  expect((await answer(runId, { requestId: request.requestId, decision: "allow", remember: "Write(*)" })).status).toBe(400);
  expect((await answer(runId, { requestId: request.requestId, decision: "allow" })).status).toBe(202);
  const second = await answer(runId, { requestId: request.requestId, decision: "deny" });
  expect(second.status).toBe(409);
  expect(await second.json()).toMatchObject({ error: "approval_settled" });

  const events = await reader.end();
  expect(events.map((e) => e.type)).toEqual(["session", "progress", "approval_request", "result", "done"]);
  expect(resultsOf(events)[0]?.text).toBe("[offline model] The Bash tool answered: (Bash completed with no output)");
  expect(existsSync(join(workspaceOf(userId), "allowed.txt"))).toBe(true);
  expect(events.at(-1)).toMatchObject({ type: "done", toolCalls: { calls: [{ tool: "Bash", input: "touch allowed.txt" }] } });
  expect(events.at(-1)).not.toHaveProperty("toolCalls.calls.0.notApproved");
});

it("does not run a denied command, and the model reads the denial", async () => {
  const userId = "+15550001102";
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: touch("denied.txt"), options: ON });
  const request = await approvalOf(reader);
  expect((await answer(runId, { requestId: request.requestId, decision: "deny", message: "Not now, says the user." })).status).toBe(202);
  const events = await reader.end();
  const [result] = resultsOf(events);
  expect(result?.text).toBe("[offline model] The Bash tool failed: Not now, says the user.");
  expect(existsSync(join(workspaceOf(userId), "denied.txt"))).toBe(false);
  // The CLI asks about the tool use by the id its stream gave it: the run's list says it did not run.
  expect(events.at(-1)).toEqual({ seq: expect.any(Number), type: "done", toolCalls: { calls: [{ tool: "Bash", input: "touch denied.txt", notApproved: true }], more: 0 } });
});

it("a file edit's request carries its diff, named inside the project, to be seen before it is approved", async () => {
  const userId = "+15550001105";
  const runId = uniqueId("run");
  const write = `[[tool Write {"file_path":"notes.txt","content":"one\\ntwo\\n"}]]`;
  const reader = await h.startRun({ runId, userId, text: write, options: ON });
  const request = await approvalOf(reader);
  expect(request).toMatchObject({ tool: "Write", edit: { path: "notes.txt", added: 2, removed: 0, cut: false, diff: "--- /dev/null\n+++ b/notes.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n" } });
  expect((await answer(runId, { requestId: request.requestId, decision: "deny" })).status).toBe(202);
  await reader.end();
  expect(existsSync(join(workspaceOf(userId), "notes.txt"))).toBe(false);
});

it("remembers an 'always' rule: the same process and the next one stop asking for what it matches", async () => {
  const userId = "+15550001103";
  const runId = uniqueId("run");
  const first = await h.startRun({ runId, userId, text: touch("one.txt"), options: ON });
  const request = await approvalOf(first);
  expect((await answer(runId, { requestId: request.requestId, decision: "allow", remember: "Bash(touch:*)" })).status).toBe(202);
  const firstEvents = await first.end();
  // Kept by the server, outside the workspace (approval-rules.ts); nothing written where the agent writes.
  const settings = JSON.parse(readFileSync(join(h.dataDir, ".permissions", userPathsOf(h.dataDir, userId).key, "main.json"), "utf8"));
  expect(settings).toEqual({ permissions: { allow: ["Bash(touch:*)"] } });
  expect(existsSync(join(workspaceOf(userId), ".claude", "settings.local.json"))).toBe(false);

  // The warm process of the same session: the rule is in its session already.
  const sessionId = firstEvents.find((e): e is Extract<VmRunEvent, { type: "session" }> => e.type === "session")?.sessionId ?? null;
  const warmRunId = uniqueId("run");
  const warm = await (await h.startRun({ runId: warmRunId, userId, sessionId, text: touch("two.txt"), options: ON })).end();
  expect(warm.map((e) => e.type)).toEqual(["session", "progress", "result", "done"]);
  // A fresh process (a new session) reads it from the workspace's settings file.
  const fresh = await (await h.startRun({ userId, text: touch("three.txt"), options: ON })).end();
  expect(fresh.map((e) => e.type)).toEqual(["session", "progress", "result", "done"]);
  for (const file of ["one.txt", "two.txt", "three.txt"]) expect(existsSync(join(workspaceOf(userId), file)), file).toBe(true);
  expect(h.spawns).not.toContain(warmRunId);
});

it("asks nothing without approvals: the relay's permission mode as before", async () => {
  const userId = "+15550001104";
  const events = await (await h.startRun({ userId, text: touch("plain.txt"), options: { permissionMode: "bypassPermissions" } })).end();
  expect(events.map((e) => e.type)).toEqual(["session", "progress", "result", "done"]);
  expect(existsSync(join(workspaceOf(userId), "plain.txt"))).toBe(true);
});

it("refuses to remember a rule wider than the command asked about: an interpreter, a shell, env, git; the command asked next is asked again", async () => {
  const userId = "+15550001105";
  const runId = uniqueId("run");
  const reader = await h.startRun({ runId, userId, text: '[[tool Bash {"command":"node -p 6*7"}]]', options: ON });
  const request = await approvalOf(reader);
  for (const wide of ["Bash(node:*)", "Bash(node -p:*)", "Bash(env:*)", "Bash(bash:*)", "Bash(git:*)", "Bash(touch:*)"]) {
    const refused = await answer(runId, { requestId: request.requestId, decision: "allow", remember: wide });
    expect(refused.status, wide).toBe(400);
  }
  // The relay offers no rule for it: "always" allows it once.
  expect((await answer(runId, { requestId: request.requestId, decision: "allow" })).status).toBe(202);
  const sessionId = (await reader.end()).find((e): e is Extract<VmRunEvent, { type: "session" }> => e.type === "session")?.sessionId ?? null;
  expect(existsSync(join(h.dataDir, ".permissions", userPathsOf(h.dataDir, userId).key, "main.json"))).toBe(false);

  // A different node command in the same warm process is asked about again (`node --version` the CLI
  // itself counts as read-only and never asks about).
  const nextId = uniqueId("run");
  const next = await h.startRun({ runId: nextId, userId, sessionId, text: '[[tool Bash {"command":"node -e 1"}]]', options: ON });
  const asked = await approvalOf(next);
  expect(asked).toMatchObject({ tool: "Bash", input: { command: "node -e 1" } });
  expect((await answer(nextId, { requestId: asked.requestId, decision: "deny" })).status).toBe(202);
  expect((await next.end()).at(-1)).toMatchObject({ type: "done" });
});
