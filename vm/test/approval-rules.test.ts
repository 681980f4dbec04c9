// The relay reads and forgets a workspace's "always" rules (`/approvals`, `/approvals forget`):
// GET and DELETE /v1/workspaces/:workspace/approval-rules. A rule written by a real "always" is
// listed from the server's own file, then removed, the agent's own settings untouched, and the CLI asks again.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { ApprovalRulesRemovedSchema, ApprovalRulesSchema } from "../../src/protocol/vm/approvals";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import type { VmRunEvent } from "../../src/protocol/vm/runs";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { uniqueId, useHarness, type EventReader } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });
const ON = { approvals: { mode: "on" } } as const;
const userId = "+15550001801";
const touch = (file: string) => `[[tool Bash {"command":"touch ${file}"}]]`;
const settingsOf = () => JSON.parse(readFileSync(join(workspaceDirOf(userPathsOf(h.dataDir, userId), "app"), ".claude", "settings.local.json"), "utf8"));

async function approvalOf(reader: EventReader) {
  const event = await reader.waitFor((e) => e.type === "approval_request");
  if (event.type !== "approval_request") throw new Error("not an approval request");
  return event;
}
const sessionOf = (events: VmRunEvent[]) => events.find((e): e is Extract<VmRunEvent, { type: "session" }> => e.type === "session")?.sessionId ?? null;

it("answers 404 for a workspace the user does not have, and a bad id 400", async () => {
  for (const method of ["GET", "DELETE"]) {
    const res = await h.call(method, VM_ROUTES.approvalRules("nope", userId));
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "unknown_workspace" });
    expect((await h.call(method, VM_ROUTES.approvalRules("Bad!", userId))).status).toBe(400);
    expect((await h.call(method, VM_ROUTES.approvalRules("app", userId), undefined, null)).status).toBe(401);
  }
});

it("lists a rule an 'always' wrote, forgets it leaving the agent's own settings alone, and the CLI asks again", async () => {
  expect((await h.call("POST", "/v1/workspaces", { userId, workspace: "app" })).status).toBe(201);
  const rules = async () => ApprovalRulesSchema.parse(await (await h.call("GET", VM_ROUTES.approvalRules("app", userId))).json());
  expect(await rules()).toEqual({ workspace: "app", rules: [] });

  // The agent's own settings first (a key and a deny rule the relay never wrote): neither listed nor touched.
  const own = '[[tool Bash {"command":"mkdir -p .claude && echo \'{\\"model\\":\\"opus\\",\\"permissions\\":{\\"deny\\":[\\"Bash(rm:*)\\"]}}\' > .claude/settings.local.json"}]]';
  await (await h.startRun({ userId, workspace: "app", text: own, options: { permissionMode: "bypassPermissions" } })).end();
  expect(settingsOf()).toEqual({ model: "opus", permissions: { deny: ["Bash(rm:*)"] } });

  const runId = uniqueId("run");
  const first = await h.startRun({ runId, userId, workspace: "app", text: touch("one.txt"), options: ON });
  const request = await approvalOf(first);
  expect((await h.call("POST", `/v1/runs/${runId}/approval`, { requestId: request.requestId, decision: "allow", remember: "Bash(touch:*)" })).status).toBe(202);
  const sessionId = sessionOf(await first.end());
  expect(await rules()).toEqual({ workspace: "app", rules: ["Bash(touch:*)"] });
  expect(settingsOf()).toEqual({ model: "opus", permissions: { deny: ["Bash(rm:*)"] } });

  const forgotten = await h.call("DELETE", VM_ROUTES.approvalRules("app", userId));
  expect(forgotten.status).toBe(200);
  expect(ApprovalRulesRemovedSchema.parse(await forgotten.json())).toEqual({ workspace: "app", removed: ["Bash(touch:*)"] });
  expect(settingsOf()).toEqual({ model: "opus", permissions: { deny: ["Bash(rm:*)"] } });
  expect(await rules()).toEqual({ workspace: "app", rules: [] });
  // Forgetting twice removes nothing more.
  expect(await (await h.call("DELETE", VM_ROUTES.approvalRules("app", userId))).json()).toEqual({ workspace: "app", removed: [] });

  // The same session asks again: its warm process, which held the rule, was stopped.
  const againId = uniqueId("run");
  const again = await h.startRun({ runId: againId, userId, workspace: "app", sessionId, text: touch("two.txt"), options: ON });
  const asked = await approvalOf(again);
  expect(asked).toMatchObject({ tool: "Bash", input: { command: "touch two.txt" } });
  expect(h.spawns).toContain(againId);
  expect((await h.call("POST", `/v1/runs/${againId}/approval`, { requestId: asked.requestId, decision: "deny" })).status).toBe(202);
  expect((await again.end()).at(-1)).toMatchObject({ type: "done" });
});

it("forgets a workspace's rules with the workspace: one made again under its id starts with none", async () => {
  const user = "+15550001802";
  expect((await h.call("POST", "/v1/workspaces", { userId: user, workspace: "gone" })).status).toBe(201);
  const runId = uniqueId("run");
  const run = await h.startRun({ runId, userId: user, workspace: "gone", text: touch("one.txt"), options: ON });
  const request = await approvalOf(run);
  expect((await h.call("POST", `/v1/runs/${runId}/approval`, { requestId: request.requestId, decision: "allow", remember: "Bash(touch:*)" })).status).toBe(202);
  await run.end();
  const listed = async () => ApprovalRulesSchema.parse(await (await h.call("GET", VM_ROUTES.approvalRules("gone", user))).json()).rules;
  expect(await listed()).toEqual(["Bash(touch:*)"]);
  expect((await h.call("DELETE", VM_ROUTES.workspace("gone", user))).status).toBe(200);
  expect((await h.call("POST", "/v1/workspaces", { userId: user, workspace: "gone" })).status).toBe(201);
  expect(await listed()).toEqual([]);
});
