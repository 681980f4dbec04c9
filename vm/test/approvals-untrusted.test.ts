// A run whose input is someone else's text (`approvals.untrusted`: a GitHub event, a trigger's
// caller), with the real CLI: the user's "always" rules of the workspace do not reach it, every
// command asks even where the mode would let it go, and no answer of it may remember a rule.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { userPathsOf, workspaceDirOf } from "../src/users/user-paths";
import { uniqueId, useHarness, type EventReader } from "./helpers/harness";

const h = useHarness({ warmSessionMs: 60_000 });
const touch = (file: string) => `[[tool Bash {"command":"touch ${file}"}]]`;
const workspaceOf = (userId: string) => workspaceDirOf(userPathsOf(h.dataDir, userId), "main");
const answer = (runId: string, body: unknown) => h.call("POST", `/v1/runs/${runId}/approval`, body);

async function approvalOf(reader: EventReader) {
  const event = await reader.waitFor((e) => e.type === "approval_request");
  if (event.type !== "approval_request") throw new Error("not an approval request");
  return event;
}

it("sets the user's rules aside and asks for what they and the mode allow; an answer may not remember a rule", async () => {
  const userId = "+15550001191";
  // The user's own run: "always" for touch, kept as the workspace's rule.
  const own = uniqueId("run");
  const first = await h.startRun({ runId: own, userId, text: touch("mine.txt"), options: { approvals: { mode: "on" } } });
  expect((await answer(own, { requestId: (await approvalOf(first)).requestId, decision: "allow", remember: "Bash(touch:*)" })).status).toBe(202);
  await first.end();
  // The same command in a run of an issue's text: asked all the same (edits would let touch go, and the rule would too).
  const event = uniqueId("run");
  const reader = await h.startRun({ runId: event, userId, text: touch("theirs.txt"), options: { approvals: { mode: "edits", untrusted: true } } });
  const request = await approvalOf(reader);
  expect(request).toMatchObject({ tool: "Bash", input: { command: "touch theirs.txt" } });
  expect(existsSync(join(workspaceOf(userId), "theirs.txt"))).toBe(false);
  expect((await answer(event, { requestId: request.requestId, decision: "allow", remember: "Bash(touch:*)" })).status).toBe(400);
  expect((await answer(event, { requestId: request.requestId, decision: "allow" })).status).toBe(202);
  const events = await reader.end();
  expect(events.at(-1)?.type).toBe("done");
  expect(existsSync(join(workspaceOf(userId), "theirs.txt"))).toBe(true);
  // Its own process: the warm one of the user's run, which holds the rule, was not reused.
  expect(h.spawns).toContain(event);
});
