// The answers owed to a VM run, over a real SQLite and a local server that answers as the VM's
// tool-result and approval routes do: each posted once, in order; one the VM no longer waits for
// is late (said by the caller); a VM that does not answer keeps them due; a run that is over makes
// what it still owed late.
import { beforeEach, describe, expect, it } from "vitest";
import { createVmClient } from "../../src/machines/vm-client";
import { createVmAnswers } from "../../src/runs/vm-answers";
import { VM_ROUTES } from "../../src/protocol/vm/routes";
import { useLocalVm } from "./helpers/local-vm";
import { T0, useUnitDb } from "./helpers/unit-db";

const t = useUnitDb();
const unit = () => createVmAnswers({ repo: t.repos.vmAnswers, transaction: t.sql.transaction });
const state = () => t.rows<{ kind: string; ask_id: string; delivery: string }>("SELECT kind, ask_id, delivery FROM vm_answers ORDER BY created_at, ask_id");

// 202 for what the run waits for, 404 for what it does not; 503 while "down".
const waiting = new Set<string>();
const received: { path: string; body: Record<string, unknown> }[] = [];
let down = false;
const vm = useLocalVm(({ path, body }) => {
  if (down) return { status: 503, body: {} };
  received.push({ path, body });
  const id = String(body.callId ?? body.requestId);
  return waiting.has(id) ? { status: 202, body: {} } : { status: 404, body: { error: "unknown_run" } };
});
beforeEach(() => {
  waiting.clear();
  received.length = 0;
  down = false;
});

describe("vm answers", () => {
  it("posts a tool answer and a decision once each, in order; one the VM forgot is late", async () => {
    const answers = unit();
    const client = createVmClient({ vmUrl: vm.url, vmToken: "t" });
    answers.owe("run-1", "call-1", { kind: "tool", body: { callId: "call-1", ok: true, text: "Task #1 scheduled" } }, T0);
    answers.owe("run-1", "req-1", { kind: "approval", body: { requestId: "req-1", decision: "allow" } }, T0 + 1);
    answers.owe("run-1", "call-1", { kind: "tool", body: { callId: "call-1", ok: false, text: "a second answer is never stored" } }, T0 + 2);
    waiting.add("call-1");
    const late = await answers.deliver("run-1", client);
    expect(await answers.deliver("run-1", client)).toEqual([]);
    expect(received.map((r) => r.path)).toEqual([VM_ROUTES.toolResult("run-1"), VM_ROUTES.approval("run-1")]);
    expect(received[0]!.body).toEqual({ callId: "call-1", ok: true, text: "Task #1 scheduled" });
    expect(late.map((a) => [a.kind, a.askId])).toEqual([["approval", "req-1"]]);
    expect(state()).toEqual([
      { kind: "tool", ask_id: "call-1", delivery: "done" },
      { kind: "approval", ask_id: "req-1", delivery: "late" },
    ]);
  });

  it("a VM that does not answer keeps them due; a run that is over makes them late", async () => {
    const answers = unit();
    const client = createVmClient({ vmUrl: vm.url, vmToken: "t" });
    answers.owe("run-2", "req-9", { kind: "approval", body: { requestId: "req-9", decision: "deny", message: "not approved" } }, T0);
    down = true;
    expect(await answers.deliver("run-2", client)).toEqual([]);
    expect(state()).toEqual([{ kind: "approval", ask_id: "req-9", delivery: "due" }]);
    expect(answers.runOver("run-2").map((a) => a.askId)).toEqual(["req-9"]);
    expect(state()).toEqual([{ kind: "approval", ask_id: "req-9", delivery: "late" }]);
  });
});
