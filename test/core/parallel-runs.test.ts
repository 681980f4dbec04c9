import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyMoves, type PendingMessage, stepMessages } from "../../src/messages/message-lifecycle";
import { type Run, type RunEvent, type RunStep, stepRun } from "../../src/runs/run-lifecycle";
import { nextDispatch, type OpenRun, OVERDUE_TASK_MS } from "../../src/runs/run-slots";
import type { QueuedRef } from "../../src/runs/batching";
import type { VmRunEvent } from "../../src/protocol/vm/runs";
import { msg } from "./pending-messages";

const NOW = 1_000_000;
const LIMITS = { maxParallel: 3, maxPerTurn: 10 };
type Q = QueuedRef & { receivedAt: number };
const q = (id: string, conversationId: number, over: Partial<Q> = {}): Q => ({ id, kind: "user", conversationId, slash: false, receivedAt: NOW - 1000, ...over });
const open = (id: string, conversationId: number, over: Partial<OpenRun> = {}): OpenRun => ({ id, conversationId, context: "chat", createdAt: NOW - 60_000, ...over });

describe("nextDispatch: which conversation starts next", () => {
  const cases: { name: string; queued: Q[]; open: OpenRun[]; max?: number; expected: ReturnType<typeof nextDispatch> }[] = [
    { name: "nothing queued", queued: [], open: [], expected: { kind: "none" } },
    { name: "nothing runs: the oldest message's conversation", queued: [q("a", 1), q("b", 2), q("c", 1)], open: [], expected: { kind: "dispatch", ids: ["a", "c"], context: "chat", conversationId: 1, overdue: false } },
    {
      name: "its conversation runs: another conversation's messages start beside it",
      queued: [q("a", 1), q("b", 2), q("c", 2)],
      open: [open("r1", 1)],
      expected: { kind: "dispatch", ids: ["b", "c"], context: "chat", conversationId: 2, overdue: false },
    },
    { name: "only the busy conversation has messages: they wait for its run", queued: [q("a", 1), q("b", 1)], open: [open("r1", 1)], expected: { kind: "none" } },
    { name: "a task in its own session runs beside its conversation's run", queued: [q("a", 1), q("t", 1, { kind: "task_fresh" })], open: [open("r1", 1)], expected: { kind: "dispatch", ids: ["t"], context: "fresh", conversationId: 1, overdue: false } },
    { name: "a run in its own session does not hold its conversation", queued: [q("a", 1)], open: [open("r1", 1, { context: "fresh" })], expected: { kind: "dispatch", ids: ["a"], context: "chat", conversationId: 1, overdue: false } },
    { name: "a chat task of a busy conversation, on time: it waits", queued: [q("t", 1, { kind: "task_chat", receivedAt: NOW - OVERDUE_TASK_MS })], open: [open("r1", 1)], expected: { kind: "none" } },
    {
      name: "a chat task of a busy conversation, more than a minute late: in a session of its own",
      queued: [q("a", 1), q("t", 1, { kind: "task_chat", receivedAt: NOW - OVERDUE_TASK_MS - 1 })],
      open: [open("r1", 1)],
      expected: { kind: "dispatch", ids: ["t"], context: "fresh", conversationId: 1, overdue: true },
    },
    { name: "a slash command of a busy conversation waits, however late", queued: [q("s", 1, { kind: "task_chat", slash: true, receivedAt: 0 })], open: [open("r1", 1)], expected: { kind: "none" } },
    {
      name: "past MAX_PARALLEL_RUNS: the first that could start waits for the oldest run",
      queued: [q("a", 1), q("b", 4)],
      open: [open("r2", 2, { createdAt: NOW - 10 }), open("r1", 1, { createdAt: NOW - 99 }), open("r3", 3, { createdAt: NOW - 50 })],
      expected: { kind: "full", firstId: "b", conversationId: 4, waitingFor: open("r1", 1, { createdAt: NOW - 99 }) },
    },
    { name: "a limit of one is today's one run at a time", queued: [q("b", 2)], open: [open("r1", 1)], max: 1, expected: { kind: "full", firstId: "b", conversationId: 2, waitingFor: open("r1", 1) } },
    { name: "an event's message goes alone, beside other conversations", queued: [q("e", 2, { origin: "GitHub" }), q("b", 2)], open: [open("r1", 1)], expected: { kind: "dispatch", ids: ["e"], context: "chat", conversationId: 2, overdue: false } },
  ];
  for (const c of cases) it(c.name, () => expect(nextDispatch(c.queued, c.open, { ...LIMITS, maxParallel: c.max ?? LIMITS.maxParallel }, NOW)).toEqual(c.expected));
});

const base: Run = {
  id: "r1",
  vmRunId: "r1-1",
  phase: "streaming",
  vmAttempt: 1,
  transportFailures: 0,
  nextAttemptAt: NOW,
  sessionId: "s1",
  freshRetryUsed: false,
  lastSeq: 2,
  results: 0,
  costUsd: 0,
  outcome: null,
  createdAt: NOW - 1000,
  context: "chat",
  conversationId: 1,
  seedTranscript: false,
  forkSession: false,
  attempt: null,
};

describe("stepRun's dispatch decides per conversation", () => {
  const dispatch = (conversationId: number, context: "chat" | "fresh" = "chat"): RunEvent => ({ type: "dispatch", runId: "r2", ids: ["c"], context, conversationId, sessionId: "s2" });
  const pending = [msg("c", { conversationId: 2 })];
  const table: { name: string; run: Run | null; event: RunEvent; starts: boolean }[] = [
    { name: "no run open", run: null, event: dispatch(2), starts: true },
    { name: "another conversation's run is open", run: base, event: dispatch(2), starts: true },
    { name: "its own conversation's run is open", run: { ...base, conversationId: 2 }, event: dispatch(2), starts: false },
    { name: "its own conversation's run is over", run: { ...base, conversationId: 2, phase: "finished", outcome: "done" }, event: dispatch(2), starts: true },
    { name: "a task in its own session, its conversation's run open", run: { ...base, conversationId: 2 }, event: dispatch(2, "fresh"), starts: true },
    { name: "a task in its own session of the conversation is open", run: { ...base, conversationId: 2, context: "fresh" }, event: dispatch(2), starts: true },
  ];
  for (const c of table)
    it(`${c.name}: ${c.starts ? "starts" : "waits"}`, () => {
      const step = stepRun(c.run, pending, c.event, NOW);
      expect(step.run?.id === "r2").toBe(c.starts);
      expect(step.moves.map((m) => `${m.id}→${m.to}`)).toEqual(c.starts ? ["c→handed"] : []);
    });
});

/** One thing that happens to one of two conversations, in any interleaving. */
type Action =
  | { t: "arrive"; c: 1 | 2 }
  | { t: "dispatch" }
  | { t: "open" | "opened" | "inject" | "session" | "done"; c: 1 | 2 }
  | { t: "result"; c: 1 | 2; mask: number; other: boolean }
  | { t: "error"; c: 1 | 2; code: "cli_crashed" | "auth_failed" | "unknown_session" }
  | { t: "transport"; c: 1 | 2; reason: "unreachable" | "bad_stream" | "unknown_run" }
  | { t: "stop"; c: 1 | 2 };

const conv = fc.constantFrom(1 as const, 2 as const);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ t: fc.constant("arrive" as const), c: conv }), weight: 4 },
  { arbitrary: fc.constant({ t: "dispatch" as const }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constantFrom("open" as const, "opened" as const, "inject" as const, "session" as const, "done" as const), c: conv }), weight: 5 },
  { arbitrary: fc.record({ t: fc.constant("result" as const), c: conv, mask: fc.integer({ min: 0, max: 31 }), other: fc.boolean() }), weight: 4 },
  { arbitrary: fc.record({ t: fc.constant("error" as const), c: conv, code: fc.constantFrom("cli_crashed" as const, "auth_failed" as const, "unknown_session" as const) }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant("transport" as const), c: conv, reason: fc.constantFrom("unreachable" as const, "bad_stream" as const, "unknown_run" as const) }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constant("stop" as const), c: conv }), weight: 1 },
);

describe("two conversations, every event interleaved", () => {
  it("each runs one batch at a time and both run at once; no event of one moves the other's messages; every message ends once", () => {
    let bothRan = 0;
    fc.assert(
      // "medium": fast-check's default size keeps arrays to about ten actions, which put both
      // conversations' runs open at once in a handful of 400 runs (none, now and then).
      fc.property(fc.array(actionArb, { maxLength: 80, size: "medium" }), fc.integer({ min: 1, max: 3 }), (actions, maxParallel) => {
        const runs = new Map<1 | 2, Run | null>([
          [1, null],
          [2, null],
        ]);
        let pending: PendingMessage[] = [];
        let ids = 0;
        let now = NOW;
        const answered = new Map<string, number>();
        const ended = new Set<string>();
        const conversationOf = new Map<string, number>();

        const apply = (c: 1 | 2, step: RunStep, named = new Set<string>()) => {
          for (const e of step.effects) if (e.type === "messages") for (const m of e.effects) if (m.type === "failed" || m.type === "dropped") for (const n of m.messages) named.add(n.id);
          for (const m of step.moves) {
            if (ended.has(m.id)) throw new Error(`${m.id} moved after its end`);
            // A run of one conversation never moves another conversation's message.
            if (step.run && m.runId !== null && conversationOf.get(m.id) !== step.run.conversationId) throw new Error(`${m.id} moved by another conversation's run`);
            if (m.to === "answered") answered.set(m.id, (answered.get(m.id) ?? 0) + 1);
            if ((m.to === "dropped" || m.to === "failed") && !named.has(m.id)) throw new Error(`${m.id} ${m.to} without being named`);
            if (m.to === "answered" || m.to === "dropped" || m.to === "failed") ended.add(m.id);
          }
          pending = applyMoves(pending, step.moves);
          runs.set(c, step.run);
        };
        const event = (c: 1 | 2, e: RunEvent) => {
          const run = runs.get(c) ?? null;
          const step = stepRun(run, pending, e, now);
          if (step.effects.some((x) => x.type === "invalid")) return apply(c, stepRun(run, pending, { type: "failure", failure: { kind: "transport", reason: "bad_stream" }, sessionOfConversation: null }, now));
          apply(c, step);
        };
        const vm = (c: 1 | 2, make: (seq: number) => VmRunEvent) => {
          const run = runs.get(c);
          if (run) event(c, { type: "vm_event", vmRunId: run.vmRunId, event: make(run.lastSeq + 1) });
        };
        const held = (c: 1 | 2) => pending.filter((m) => m.status === "handed" && m.runId === runs.get(c)?.id).map((m) => m.id);
        const isOpen = (r: Run | null | undefined): r is Run => !!r && r.phase !== "finished";
        const openRuns = (): OpenRun[] => [...runs.values()].filter(isOpen);

        for (const a of actions) {
          now += 1000;
          switch (a.t) {
            case "arrive": {
              const id = `m${++ids}`;
              conversationOf.set(id, a.c);
              pending = [...pending, msg(id, { conversationId: a.c })];
              break;
            }
            case "dispatch": {
              const queued = pending.filter((m) => m.status === "queued").map((m) => ({ id: m.id, kind: m.kind, conversationId: m.conversationId, slash: false, receivedAt: now }));
              const slot = nextDispatch(queued, openRuns(), { maxParallel, maxPerTurn: 10 }, now);
              if (slot.kind !== "dispatch") break;
              const c = slot.conversationId as 1 | 2;
              // The conversation's own run is what stepRun's dispatch steps.
              event(c, { type: "dispatch", runId: `r${c}-${now}`, ids: slot.ids, context: slot.context, conversationId: c, sessionId: null });
              break;
            }
            case "open":
              event(a.c, { type: "open", machine: "ready" });
              break;
            case "opened":
              event(a.c, { type: "opened" });
              break;
            case "inject": {
              const run = runs.get(a.c);
              const queued = pending.filter((m) => m.status === "queued" && m.conversationId === a.c).map((m) => m.id);
              if (run) event(a.c, { type: "injected", vmRunId: run.vmRunId, ids: queued });
              break;
            }
            case "session":
              vm(a.c, (seq) => ({ seq, type: "session", sessionId: `s${a.c}` }));
              break;
            case "done":
              vm(a.c, (seq) => ({ seq, type: "done", toolCalls: undefined }));
              break;
            case "result": {
              // `other`: the stream names a message of the other conversation's run as well.
              const picked = held(a.c).filter((_, i) => (a.mask >> i) & 1);
              const foreign = a.other ? held(a.c === 1 ? 2 : 1).slice(0, 1) : [];
              vm(a.c, (seq) => ({ seq, type: "result", messageIds: [...picked, ...foreign], text: "ok", isError: false, subtype: "success", costUsd: 0.01, numTurns: 1, sessionId: `s${a.c}` }) as VmRunEvent);
              break;
            }
            case "error":
              vm(a.c, (seq) => ({ seq, type: "error", code: a.code, message: "x", toolCalls: undefined }));
              break;
            case "transport":
              event(a.c, { type: "failure", failure: { kind: "transport", reason: a.reason }, sessionOfConversation: null });
              break;
            case "stop": {
              const dropped = stepMessages(pending, { type: "stop", conversationId: a.c });
              for (const m of dropped.moves) if (conversationOf.get(m.id) !== a.c) throw new Error(`/stop of ${a.c} dropped ${m.id}`);
              const named = new Set(dropped.effects.flatMap((e) => (e.type === "dropped" ? e.messages.map((m) => m.id) : [])));
              apply(a.c, { run: runs.get(a.c) ?? null, moves: dropped.moves, effects: [] }, named);
              event(a.c, { type: "failure", failure: { kind: "vm", code: "cancelled" }, sessionOfConversation: null });
              break;
            }
          }
          const live = openRuns();
          if (live.length === 2) bothRan++;
          expect(live.length).toBeLessThanOrEqual(maxParallel);
          // A handed message is held by the open run of its own conversation.
          for (const m of pending) if (m.status === "handed") expect(live.some((r) => r.id === m.runId && r.conversationId === m.conversationId)).toBe(true);
        }
        for (const [id, n] of answered) expect(n, id).toBe(1);
      }),
      { numRuns: 400 },
    );
    // The interleavings did run both conversations at once (a limit of one never does).
    expect(bothRan).toBeGreaterThan(0);
  });
});
