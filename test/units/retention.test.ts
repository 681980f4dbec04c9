// Retention over a real SQLite: at most once a day, finished rows older than 30 days are
// forgotten (spend after about 400; a run's tool calls with the run), and nothing still in play is, however old.
import { describe, expect, it } from "vitest";
import { stepRun } from "../../src/runs/run-lifecycle";
import { pruneIfDue } from "../../src/agent/retention";
import { HOUR, T0, useUnitDb } from "./helpers/unit-db";

const DAY = 24 * HOUR;
const t = useUnitDb();
const deps = () => t.repos;
const OLD = T0 - 31 * DAY;
const RECENT = T0 - 29 * DAY;

/** One finished and one unfinished row per table at `at`, each named by its age. */
function seed(at: number, tag: string) {
  const { messages, runs, outbox, vmAnswers, approvals } = t.repos;
  messages.insert({ id: `${tag}-finished`, body: "x", media: [], conversationId: 1, now: at });
  // 'failed' is a finished message's status in every schema version.
  t.rows("UPDATE messages SET status = 'failed', updated_at = ? WHERE id = ?", at, `${tag}-finished`);
  messages.insert({ id: `${tag}-queued`, body: "x", media: [], conversationId: 1, now: at });
  const run = stepRun(null, [], { type: "dispatch", runId: `${tag}-run-finished`, ids: [], context: "chat", conversationId: 1, sessionId: null }, at).run!;
  runs.write(null, run, at);
  runs.write(run, { ...run, phase: "finished", outcome: "answered" }, at, { vmRunId: `${tag}-run-finished-1`, calls: [{ tool: "Bash", input: "ls" }], more: 0 });
  outbox.add({ dedupeKey: `${tag}-sent`, body: "x", now: at });
  outbox.markSent(t.rows<{ id: number }>("SELECT id FROM outbox WHERE dedupe_key = ?", `${tag}-sent`)[0]!.id, `SM${tag}`, at);
  outbox.add({ dedupeKey: `${tag}-pending`, body: "x", now: at });
  vmAnswers.owe({ vmRunId: `${tag}-vm`, kind: "tool", askId: "call-1", body: { callId: "call-1", ok: true, text: "done" }, now: at });
  vmAnswers.settle(`${tag}-vm`, "tool", "call-1", "done");
  const asked = (request: string) =>
    approvals.insert({ runId: `${tag}-run`, vmRunId: `${tag}-vm`, requestId: request, conversationId: 1, tool: "Bash", description: "ls", rule: null, expiresAt: at + HOUR, now: at })!;
  approvals.decide(asked("answered").id, { status: "allowed", answer: "yes", now: at });
  asked("open");
}
const left = () => ({
  messages: t.rows<{ id: string }>("SELECT id FROM messages ORDER BY seq").map((r) => r.id),
  runs: t.rows<{ id: string }>("SELECT id FROM runs ORDER BY id").map((r) => r.id),
  toolCalls: t.rows<{ run_id: string }>("SELECT id AS run_id FROM runs WHERE tool_calls IS NOT NULL ORDER BY id").map((r) => r.run_id),
  outbox: t.rows<{ dedupe_key: string }>("SELECT dedupe_key FROM outbox ORDER BY id").map((r) => r.dedupe_key),
  vmAnswers: t.rows<{ vm_run_id: string }>("SELECT vm_run_id FROM vm_answers ORDER BY vm_run_id").map((r) => r.vm_run_id),
  approvals: t.rows<{ request_id: string; vm_run_id: string }>("SELECT request_id, vm_run_id FROM approvals ORDER BY id").map((r) => `${r.vm_run_id}:${r.request_id}`),
  spend: t.rows<{ day: string }>("SELECT day FROM spend_days ORDER BY day").map((r) => r.day),
});

describe("pruneIfDue", () => {
  it("forgets finished rows past 30 days and spend past 400, keeps the rest", () => {
    seed(OLD, "old");
    seed(RECENT, "recent");
    t.repos.spend.add("2025-10-18", 1, 0.5); // 401 days before T0
    t.repos.spend.add("2025-10-20", 1, 0.5); // 399 days
    expect(pruneIfDue(deps(), T0)).toBe(true);
    expect(left()).toEqual({
      messages: ["old-queued", "recent-finished", "recent-queued"],
      runs: ["recent-run-finished"],
      // In their run's row: pruned with it.
      toolCalls: ["recent-run-finished"],
      outbox: ["old-pending", "recent-sent", "recent-pending"],
      vmAnswers: ["recent-vm"],
      approvals: ["old-vm:open", "recent-vm:answered", "recent-vm:open"],
      spend: ["2025-10-20"],
    });
  });

  it("runs at most once a day: within a day it does nothing, a day later it prunes again", () => {
    expect(pruneIfDue(deps(), T0)).toBe(true);
    seed(OLD - DAY, "older");
    const before = left();
    expect(pruneIfDue(deps(), T0 + DAY - 1)).toBe(false);
    expect(left()).toEqual(before);
    expect(pruneIfDue(deps(), T0 + DAY)).toBe(true);
    expect(left().messages).toEqual(["older-queued"]);
    expect(t.repos.settings.getNumber("pruned_at")).toBe(T0 + DAY);
  });

  it("an answer the VM has not heard yet is kept, however old", () => {
    t.repos.vmAnswers.owe({ vmRunId: "v", kind: "approval", askId: "q", body: { requestId: "q", decision: "deny" }, now: OLD });
    pruneIfDue(deps(), T0);
    expect(left().vmAnswers).toEqual(["v"]);
  });
});
