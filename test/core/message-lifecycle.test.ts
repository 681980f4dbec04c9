import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyMoves, type MessageEvent, type PendingMessage, stepMessages } from "../../src/messages/message-lifecycle";
import { handed, msg } from "./pending-messages";


describe("stepMessages: each event in each state", () => {
  const cases: { name: string; pending: PendingMessage[]; event: MessageEvent; moves: [string, string, string | null, number][]; effects: unknown[] }[] = [
    { name: "received during a run: one ack naming how many wait", pending: [msg("a"), msg("b")], event: { type: "received", id: "b", openRunId: "r1" }, moves: [], effects: [{ type: "ack", runId: "r1", waiting: 2 }] },
    { name: "received with no run: nothing to acknowledge", pending: [msg("a")], event: { type: "received", id: "a", openRunId: null }, moves: [], effects: [] },
    { name: "received but no longer queued (a redelivery): no ack", pending: [handed("a")], event: { type: "received", id: "a", openRunId: "r1" }, moves: [], effects: [] },
    { name: "handed: queued → handed to the run", pending: [msg("a"), msg("b")], event: { type: "handed", runId: "r1", ids: ["a"], how: "batch" }, moves: [["a", "handed", "r1", 0]], effects: [] },
    { name: "handed twice: the second changes nothing", pending: [handed("a")], event: { type: "handed", runId: "r2", ids: ["a"], how: "inject" }, moves: [], effects: [] },
    { name: "answered: handed → answered", pending: [handed("a"), handed("b")], event: { type: "answered", runId: "r1", ids: ["a"] }, moves: [["a", "answered", "r1", 0]], effects: [] },
    { name: "answered by another run: nothing", pending: [handed("a", "r2")], event: { type: "answered", runId: "r1", ids: ["a"] }, moves: [], effects: [] },
    { name: "answered while still queued (a dropped or replayed id): nothing", pending: [msg("a")], event: { type: "answered", runId: "r1", ids: ["a"] }, moves: [], effects: [] },
    { name: "answered by the relay: queued → answered, no run", pending: [msg("a"), handed("b")], event: { type: "answered_by_relay", id: "a" }, moves: [["a", "answered", null, 0]], effects: [] },
    { name: "answered by the relay once handed: nothing", pending: [handed("b")], event: { type: "answered_by_relay", id: "b" }, moves: [], effects: [] },
    { name: "unread: back to the queue, not counted as a cut", pending: [handed("a", "r1", { cuts: 1 })], event: { type: "unread", runId: "r1", ids: ["a"] }, moves: [["a", "queued", null, 1]], effects: [] },
    { name: "run done with nothing left: nothing", pending: [msg("a")], event: { type: "run_ended", runId: "r1", how: { kind: "done" } }, moves: [], effects: [] },
    {
      name: "run cut: unanswered turns carried into the next run",
      pending: [handed("a"), handed("b"), msg("c")],
      event: { type: "run_ended", runId: "r1", how: { kind: "cut" } },
      moves: [["a", "queued", null, 1], ["b", "queued", null, 1]],
      effects: [{ type: "carried", ids: ["a", "b"] }],
    },
    {
      name: "run cut a second time: failed and named, never a third hand",
      pending: [handed("a", "r1", { cuts: 1 }), handed("b")],
      event: { type: "run_ended", runId: "r1", how: { kind: "cut" } },
      moves: [["b", "queued", null, 1], ["a", "failed", "r1", 2]],
      effects: [{ type: "carried", ids: ["b"] }, { type: "failed", reason: "interrupted", messages: [{ id: "a", kind: "user", body: "text of a", scheduleId: null, how: "batch" }] }],
    },
    {
      name: "run done with a turn unanswered: carried as after a cut",
      pending: [handed("a")],
      event: { type: "run_ended", runId: "r1", how: { kind: "done" } },
      moves: [["a", "queued", null, 1]],
      effects: [{ type: "carried", ids: ["a"] }],
    },
    {
      name: "run failed: every held message failed and named",
      pending: [handed("a"), handed("t", "r1", { kind: "task_chat", scheduleId: 3, how: "batch" })],
      event: { type: "run_ended", runId: "r1", how: { kind: "failed", reason: "auth_failed" } },
      moves: [["a", "failed", "r1", 0], ["t", "failed", "r1", 0]],
      effects: [{ type: "failed", reason: "auth_failed", messages: [{ id: "a", kind: "user", body: "text of a", scheduleId: null, how: "batch" }, { id: "t", kind: "task_chat", body: "text of t", scheduleId: 3, how: "batch" }] }],
    },
    {
      name: "run held for the model's pause: back in the queue, neither cut nor named (the pause's notice names them)",
      pending: [handed("a"), handed("b", "r1", { cuts: 1 })],
      event: { type: "run_ended", runId: "r1", how: { kind: "held" } },
      moves: [["a", "queued", null, 0], ["b", "queued", null, 1]],
      effects: [],
    },
    { name: "run cancelled: what it held is dropped, silently (the stop said so)", pending: [handed("a")], event: { type: "run_ended", runId: "r1", how: { kind: "cancelled" } }, moves: [["a", "dropped", "r1", 0]], effects: [] },
    {
      name: "stop: queued and handed of the conversation dropped and named; other conversations kept",
      pending: [handed("a"), msg("b"), msg("c", { conversationId: 2 })],
      event: { type: "stop", conversationId: 1 },
      moves: [["a", "dropped", "r1", 0], ["b", "dropped", null, 0]],
      effects: [{ type: "dropped", by: "stop", messages: [{ id: "a", kind: "user", body: "text of a", scheduleId: null, how: "batch" }, { id: "b", kind: "user", body: "text of b", scheduleId: null, how: null }] }],
    },
    { name: "stop with nothing pending: nothing to name", pending: [msg("c", { conversationId: 2 })], event: { type: "stop", conversationId: 1 }, moves: [], effects: [] },
    {
      name: "deny: everything pending dropped",
      pending: [handed("a"), msg("c", { conversationId: 2 })],
      event: { type: "deny" },
      moves: [["a", "dropped", "r1", 0], ["c", "dropped", null, 0]],
      effects: [{ type: "dropped", by: "deny", messages: [{ id: "a", kind: "user", body: "text of a", scheduleId: null, how: "batch" }, { id: "c", kind: "user", body: "text of c", scheduleId: null, how: null }] }],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const step = stepMessages(c.pending, c.event);
      expect(step.moves.map((m) => [m.id, m.to, m.runId, m.cuts])).toEqual(c.moves);
      expect(step.effects).toEqual(c.effects);
    });
  }
});

/** A relay in miniature: the lifecycle driven by random inputs, each outcome counted per message. */
type Action =
  | { t: "arrive"; conversation: 1 | 2; task: boolean }
  | { t: "start" }
  | { t: "inject" }
  | { t: "answer"; n: number }
  | { t: "unread"; n: number }
  | { t: "end"; how: "done" | "cut" | "failed" | "held" }
  | { t: "stop" }
  | { t: "deny" }
  | { t: "replay" };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant("arrive" as const), conversation: fc.constantFrom(1 as const, 2 as const), task: fc.boolean() }), weight: 3 },
  { arbitrary: fc.constant({ t: "start" as const }), weight: 3 },
  { arbitrary: fc.constant({ t: "inject" as const }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant("answer" as const), n: fc.integer({ min: 1, max: 3 }) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant("unread" as const), n: fc.integer({ min: 1, max: 2 }) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant("end" as const), how: fc.constantFrom("done" as const, "cut" as const, "failed" as const, "held" as const) }), weight: 3 },
  { arbitrary: fc.constant({ t: "stop" as const }), weight: 1 },
  { arbitrary: fc.constant({ t: "deny" as const }), weight: 1 },
  { arbitrary: fc.constant({ t: "replay" as const }), weight: 1 },
);

function simulate(actions: Action[]) {
  let pending: PendingMessage[] = [];
  const ended = new Map<string, string>();
  const outcome = new Map<string, { answered: number; named: number; cliHands: number }>();
  let run = null as { id: string; conversationId: number } | null;
  let runs = 0;
  let nextId = 0;
  let lastEvent = null as MessageEvent | null;
  const acks = new Map<string, number>();
  const apply = (event: MessageEvent) => {
    lastEvent = event;
    const step = stepMessages(pending, event);
    for (const mv of step.moves) {
      const o = outcome.get(mv.id)!;
      if (mv.to === "answered") o.answered++;
      if (mv.to === "handed") o.cliHands++;
      if (mv.to === "queued" && event.type === "unread") o.cliHands--;
      // The model refused the turn (its limit, an outage): it never answered, so the hand does not count.
      if (mv.to === "queued" && event.type === "run_ended" && event.how.kind === "held") o.cliHands--;
      if (mv.to !== "queued" && mv.to !== "handed") ended.set(mv.id, mv.to);
    }
    for (const e of step.effects) {
      if (e.type === "dropped" || e.type === "failed") for (const m of e.messages) outcome.get(m.id)!.named++;
      if (e.type === "ack") acks.set(e.runId, (acks.get(e.runId) ?? 0) + 1);
    }
    pending = applyMoves(pending, step.moves);
  };
  const start = () => {
    const first = pending.find((m) => m.status === "queued");
    if (run || !first) return;
    run = { id: `r${++runs}`, conversationId: first.conversationId };
    apply({ type: "handed", runId: run.id, ids: pending.filter((m) => m.status === "queued" && m.conversationId === first.conversationId).map((m) => m.id), how: "batch" });
  };
  const endRun = (how: "done" | "cut" | "failed" | "cancelled" | "held") => {
    if (!run) return;
    apply({ type: "run_ended", runId: run.id, how: how === "failed" ? { kind: "failed", reason: "time_limit" } : { kind: how } });
    run = null;
  };
  const heldBy = (r: { id: string }) => pending.filter((m) => m.status === "handed" && m.runId === r.id).map((m) => m.id);
  for (const a of actions) {
    switch (a.t) {
      case "arrive": {
        const id = `m${nextId++}`;
        outcome.set(id, { answered: 0, named: 0, cliHands: 0 });
        pending = [...pending, { id, status: "queued", runId: null, how: null, cuts: 0, kind: a.task ? "task_chat" : "user", conversationId: a.conversation, body: id, scheduleId: a.task ? 1 : null }];
        apply({ type: "received", id, openRunId: run?.id ?? null });
        break;
      }
      case "start":
        start();
        break;
      case "inject":
        if (run) apply({ type: "handed", runId: run.id, ids: pending.filter((m) => m.status === "queued" && m.conversationId === run!.conversationId).map((m) => m.id), how: "inject" });
        break;
      case "answer":
        if (run) apply({ type: "answered", runId: run.id, ids: heldBy(run).slice(0, a.n) });
        break;
      case "unread":
        if (run) apply({ type: "unread", runId: run.id, ids: heldBy(run).slice(-a.n) });
        break;
      case "end":
        endRun(a.how);
        break;
      case "stop":
        apply({ type: "stop", conversationId: run?.conversationId ?? 1 });
        endRun("cancelled");
        break;
      case "deny":
        apply({ type: "deny" });
        endRun("cancelled");
        break;
      // An eviction, a reconnect or a Twilio redelivery replays what was already applied.
      case "replay":
        if (lastEvent) apply(lastEvent);
        break;
    }
  }
  // Drain: runs start and answer everything until nothing waits.
  for (let guard = 0; guard < 100 && (run || pending.length > 0); guard++) {
    if (!run) start();
    if (run) {
      apply({ type: "answered", runId: run.id, ids: heldBy(run) });
      endRun("done");
    }
  }
  return { outcome, ended, acks, pending };
}

describe("stepMessages over random histories", () => {
  it("every message ends answered once, or dropped and named, or failed and named; the CLI gets it at most twice", () => {
    fc.assert(
      fc.property(fc.array(actionArb, { maxLength: 60 }), (actions) => {
        const { outcome, ended, pending } = simulate(actions);
        expect(pending).toEqual([]);
        for (const [id, o] of outcome) {
          const end = ended.get(id);
          if (end === "answered") expect([o.answered, o.named]).toEqual([1, 0]);
          else {
            expect(end === "dropped" || end === "failed").toBe(true);
            expect([o.answered, o.named]).toEqual([0, 1]);
          }
          expect(o.cliHands).toBeLessThanOrEqual(2);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
