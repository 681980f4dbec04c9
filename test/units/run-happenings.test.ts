// The joiner of what happened in a run (agent/run-happenings.ts): each kind reaches exactly the
// capabilities' handlers that act on it, with what the run said, in the order of the joiner's list;
// a handler left out of the list fails here.
import { describe, expect, it } from "vitest";
import { joinRunHappenings, runHappeningsOf } from "../../src/agent/run-happenings";
import type { RunHappening, RunHappeningKind } from "../../src/runs/run-happenings";
import type { Run } from "../../src/runs/run-lifecycle";
import type { ApprovalRequestEvent } from "../../src/protocol/vm/approvals";
import type { RunChange } from "../../src/protocol/vm/changes";
import type { VmRunEvent } from "../../src/protocol/vm/runs";
import type { VmAnswer } from "../../src/runs/vm-answers-repo";

/** Every unit the joiner hands a handler, each method recording its call (name and arguments) in one list. */
function recordingUnits() {
  const calls: [string, ...unknown[]][] = [];
  const rec = (name: string) => (...args: unknown[]) => void calls.push([name, ...args]);
  const units = {
    conversations: { recordSession: rec("conversations.recordSession"), repo: { setModel: rec("conversations.repo.setModel") } },
    approvals: { request: rec("approvals.request"), vmRunOver: rec("approvals.vmRunOver"), heardLate: rec("approvals.heardLate") },
    changes: { record: rec("changes.record"), told: rec("changes.told") },
    livePages: { started: rec("livePages.started"), record: rec("livePages.record"), publish: rec("livePages.publish") },
    prune: rec("retention.prune"),
  };
  return { calls, units: units as unknown as Parameters<typeof runHappeningsOf>[0] };
}

// Stand-ins: the joiner passes them on as they are, so their identity is what is checked.
const run = { id: "r1", vmRunId: "v1", conversationId: 3 } as Run;
const event = { type: "approval_request", seq: 4 } as unknown as ApprovalRequestEvent;
const change = { files: [], diff: "", truncated: false } as RunChange;
const events = [{ type: "done", seq: 9 }] as unknown as VmRunEvent[];
const late = [{ vmRunId: "v1" }] as unknown as VmAnswer[];

/** Each kind, one happening of it, and the calls it must make: all of them, in order, and no other. */
const table: { [K in RunHappeningKind]: { happening: Extract<RunHappening, { kind: K }>; calls: [string, ...unknown[]][] } } = {
  run_started: { happening: { kind: "run_started", run, at: 10 }, calls: [["livePages.started", run, 10]] },
  run_ended: { happening: { kind: "run_ended", at: 17 }, calls: [["retention.prune", 17]] },
  run_events_applied: { happening: { kind: "run_events_applied", run, events, at: 11 }, calls: [["livePages.record", run, events, 11]] },
  session_kept: { happening: { kind: "session_kept", conversationId: 3, sessionId: "s1" }, calls: [["conversations.recordSession", 3, "s1"]] },
  approval_asked: { happening: { kind: "approval_asked", run, event, now: 12, spoken: true }, calls: [["approvals.request", run, event, 12, true]] },
  change_made: { happening: { kind: "change_made", run, change, now: 13 }, calls: [["changes.record", run, change, 13]] },
  vm_run_over: { happening: { kind: "vm_run_over", vmRunId: "v1", now: 14 }, calls: [["approvals.vmRunOver", "v1", 14]] },
  model_refused: { happening: { kind: "model_refused", conversationId: 3 }, calls: [["conversations.repo.setModel", 3, null]] },
  undo_note_told: { happening: { kind: "undo_note_told", conversationId: 3 }, calls: [["changes.told", 3]] },
  decisions_late: { happening: { kind: "decisions_late", late, now: 15 }, calls: [["approvals.heardLate", late, 15]] },
  run_stopped: { happening: { kind: "run_stopped", conversationId: 3, runId: "r1", text: "The run was stopped.", at: 16 }, calls: [["livePages.publish", 3, "r1", { kind: "failed", text: "The run was stopped." }, 16]] },
};

describe("the run's happenings, joined in agent/", () => {
  it.each(Object.values(table).map((row) => [row.happening.kind, row] as const))("%s reaches exactly its handlers, in order", (_kind, row) => {
    const { calls, units } = recordingUnits();
    runHappeningsOf(units)(row.happening);
    expect(calls).toEqual(row.calls);
  });

  it("a kind two capabilities act on reaches both, in the list's order, each once", () => {
    const heard: string[] = [];
    const happened = joinRunHappenings([
      { vm_run_over: () => void heard.push("first") },
      { session_kept: () => void heard.push("not this one") },
      { vm_run_over: () => void heard.push("second") },
    ]);
    happened({ kind: "vm_run_over", vmRunId: "v1", now: 1 });
    expect(heard).toEqual(["first", "second"]);
  });
});
