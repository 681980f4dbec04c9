// stepRun, the one owner of a run's life at the relay: every event in every stage as one table,
// what each failure decides as another, and random event sequences as a property. Kept whole past
// 400 lines on purpose: the three read the same fixtures, and a reader checks one against another.
import * as fc from "fast-check";
import { describe, expect, it } from "vitest";
import { applyMoves, type PendingMessage, stepMessages } from "../../src/messages/message-lifecycle";
import { CONNECT_DEADLINE_MS, probeAgainAt, type Run, type RunEvent, type RunStep, STREAM_OPEN_TIMEOUT_MS, stageOf, stepRun } from "../../src/runs/run-lifecycle";
import { type FailureDecision, probesAgain, probesVm, transportRetryAt, type VmProbe } from "../../src/runs/run-failures";
import type { RunFailure } from "../../src/messages/run-failure";
import type { RunErrorCode, VmRunEvent } from "../../src/protocol/vm/runs";
import { handed, msg } from "./pending-messages";

const NOW = 1_000_000;

const held = (id: string, over: Partial<PendingMessage> = {}) => handed(id, "r1", over);

const waiting: Run = {
  id: "r1",
  vmRunId: "r1-1",
  phase: "waiting",
  vmAttempt: 1,
  transportFailures: 0,
  nextAttemptAt: NOW,
  sessionId: "s0",
  freshRetryUsed: false,
  lastSeq: 0,
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
const runs = {
  none: null,
  waiting,
  connecting: { ...waiting, attempt: { stage: "connecting", deadline: NOW + 5000 } },
  opening: { ...waiting, attempt: { stage: "opening", deadline: NOW + 5000 } },
  streaming: { ...waiting, phase: "streaming", lastSeq: 3 },
  finished: { ...waiting, phase: "finished", lastSeq: 3, outcome: "done" },
} satisfies Record<string, Run | null>;
type Stage = keyof typeof runs;
const pending = [held("a"), held("b"), msg("c")];

const result = (seq: number, ids: string[], over: Partial<Extract<VmRunEvent, { type: "result" }>> = {}): VmRunEvent => ({
  seq,
  type: "result",
  messageIds: ids,
  text: "answer",
  isError: false,
  subtype: "success",
  costUsd: 0.01,
  numTurns: 1,
  durationMs: 10,
  sessionId: "s1",
  ...over,
});
const error = (code: RunErrorCode, seq = 4, over: { resetsAt?: number; limit?: string } = {}): VmRunEvent => ({ seq, type: "error", code, message: "it failed", toolCalls: undefined, ...over });
const vm = (event: VmRunEvent, vmRunId = "r1-1"): RunEvent => ({ type: "vm_event", vmRunId, event });
const failure = (f: Extract<RunEvent, { type: "failure" }>["failure"]): RunEvent => ({ type: "failure", failure: f, sessionOfConversation: "s9" });

const events: Record<string, RunEvent> = {
  dispatch: { type: "dispatch", runId: "r2", ids: ["c"], context: "chat", conversationId: 1, sessionId: "s0" },
  "open, Machine warm": { type: "open", machine: "ready" },
  "open, Machine cold": { type: "open", machine: "cold" },
  connected: { type: "connected" },
  opened: { type: "opened" },
  injected: { type: "injected", vmRunId: "r1-1", ids: ["c"] },
  session: vm({ seq: 4, type: "session", sessionId: "s1" }),
  result: vm(result(4, ["a"])),
  unconsumed: vm({ seq: 4, type: "unconsumed", messageIds: ["b"] }),
  approval_request: vm({ seq: 4, type: "approval_request", requestId: "q1", tool: "Bash", input: { command: "ls" } }),
  tool_call: vm({ seq: 4, type: "tool_call", callId: "t1", name: "send_file", args: {} }),
  progress: vm({ seq: 4, type: "progress", text: "Running: ls" }),
  done: vm({ seq: 4, type: "done", toolCalls: undefined }),
  "error: CLI crashed": vm(error("cli_crashed")),
  "error: unknown session": vm(error("unknown_session")),
  "error: auth failed": vm(error("auth_failed")),
  "error: the model's usage limit": vm(error("model_limit", 4, { resetsAt: NOW + 3_600_000, limit: "five_hour" })),
  "error: the model unavailable": vm(error("model_unavailable")),
  "failure: unreachable (a missed deadline too)": failure({ kind: "transport", reason: "unreachable" }),
  "failure: the VM forgot the run": failure({ kind: "transport", reason: "unknown_run" }),
  "/stop or /deny": failure({ kind: "vm", code: "cancelled" }),
  "/new (detach)": { type: "detach" },
};

/** A step in one line: the stage after it; its effects; its moves. */
const line = (s: RunStep) => [stageOf(s.run), s.effects.map((e) => e.type).join(" "), s.moves.map((m) => `${m.id}→${m.to}`).join(" ")].join("; ");

const unchanged = (stage: Stage) => `${stage}; ; `;
const live = ["waiting", "connecting", "opening", "streaming"] as const;
/** Each event's line from each stage; a stage left out is unchanged by it. */
const table: Record<keyof typeof events, Partial<Record<Stage, string>>> = {
  dispatch: { none: "waiting; ; c→handed", finished: "waiting; ; c→handed" },
  "open, Machine warm": { waiting: "opening; start; ", streaming: "opening; reconnect; " },
  "open, Machine cold": { waiting: "connecting; connect; ", streaming: "connecting; connect; " },
  connected: { connecting: "opening; start; " },
  opened: { opening: "waiting; ; " },
  injected: Object.fromEntries(live.map((s) => [s, `${s}; ; c→handed`])),
  session: Object.fromEntries(live.map((s) => [s, "streaming; keep_session; "])),
  result: Object.fromEntries(live.map((s) => [s, "streaming; reply keep_session; a→answered"])),
  unconsumed: Object.fromEntries(live.map((s) => [s, "streaming; unconsumed; b→queued"])),
  approval_request: Object.fromEntries(live.map((s) => [s, "streaming; approval_request; "])),
  tool_call: Object.fromEntries(live.map((s) => [s, "streaming; tool_call; "])),
  progress: {},
  done: Object.fromEntries(live.map((s) => [s, "finished; record_end messages vm_run_over finished; a→queued b→queued"])),
  "error: CLI crashed": Object.fromEntries(live.map((s) => [s, "finished; record_end decision messages spend_unknown vm_run_over finished; a→queued b→queued"])),
  "error: unknown session": Object.fromEntries(live.map((s) => [s, "waiting; record_end decision keep_session session_lost vm_run_over; "])),
  "error: auth failed": Object.fromEntries(live.map((s) => [s, "finished; record_end decision messages vm_run_over finished; a→failed b→failed"])),
  // Back in the queue, not cut, not failed, no spend: the pause's unit tells the user and wakes the object.
  "error: the model's usage limit": Object.fromEntries(live.map((s) => [s, "finished; record_end decision model_hold vm_run_over finished; a→queued b→queued"])),
  "error: the model unavailable": Object.fromEntries(live.map((s) => [s, "finished; record_end decision model_hold vm_run_over finished; a→queued b→queued"])),
  "failure: unreachable (a missed deadline too)": { waiting: "waiting; decision; ", connecting: "waiting; decision; ", opening: "waiting; decision; ", streaming: "streaming; decision; " },
  "failure: the VM forgot the run": Object.fromEntries(live.map((s) => [s, "finished; decision messages spend_unknown vm_run_over finished cancel_vm; a→queued b→queued"])),
  "/stop or /deny": Object.fromEntries(live.map((s) => [s, "finished; decision spend_unknown vm_run_over finished; a→dropped b→dropped"])),
  "/new (detach)": {},
};

describe("stepRun: each event in each phase", () => {
  for (const [name, event] of Object.entries(events)) {
    for (const stage of Object.keys(runs) as Stage[]) {
      const expected = table[name]![stage] ?? unchanged(stage);
      it(`${name} in ${stage} → ${expected}`, () => {
        const run = runs[stage];
        const step = stepRun(run, pending, event, NOW);
        expect(line(step)).toBe(expected);
        // What changes nothing hands back the very run it was given.
        if (expected === unchanged(stage) && name !== "/new (detach)") expect(step.run).toBe(run);
      });
    }
  }
});

describe("stepRun: what each step decides", () => {
  const step = (run: Run | null, event: RunEvent, p: PendingMessage[] = pending) => stepRun(run, p, event, NOW);

  it("a run not due yet waits for its attempt", () => {
    expect(step({ ...waiting, nextAttemptAt: NOW + 5000 }, events["open, Machine cold"]!).effects).toEqual([{ type: "wait", at: NOW + 5000 }]);
  });

  it("connecting has its own deadline; the start after it another, counted from when it connected", () => {
    const connecting = step(waiting, events["open, Machine cold"]!);
    expect(connecting.effects).toEqual([{ type: "connect", deadline: NOW + CONNECT_DEADLINE_MS }]);
    const later = NOW + 40_000;
    const opening = stepRun(connecting.run, pending, { type: "connected" }, later);
    expect(opening.effects).toEqual([{ type: "start", deadline: later + STREAM_OPEN_TIMEOUT_MS }]);
    expect(opening.run?.attempt).toEqual({ stage: "opening", deadline: later + STREAM_OPEN_TIMEOUT_MS });
  });

  it("a run that streamed (read again after an eviction) reconnects after its last stored event", () => {
    const s = step({ ...runs.streaming, lastSeq: 7 }, { type: "open", machine: "ready" });
    expect(s.effects).toEqual([{ type: "reconnect", afterSeq: 7, deadline: NOW + STREAM_OPEN_TIMEOUT_MS }]);
  });

  it("a missed connect deadline retries the same VM run after the backoff; the sixth gives up and names the messages", () => {
    const unreachable = failure({ kind: "transport", reason: "unreachable" });
    const first = step(runs.connecting, unreachable);
    expect(first.run).toMatchObject({ phase: "waiting", transportFailures: 1, nextAttemptAt: NOW + 5000, attempt: null });
    const last = step({ ...runs.connecting, transportFailures: 5 }, unreachable);
    expect(last.run).toMatchObject({ phase: "finished", outcome: "failed_after_retries" });
    expect(last.effects).toContainEqual({ type: "messages", effects: [{ type: "failed", reason: "failed_after_retries", messages: expect.any(Array) }] });
    expect(last.moves.map((m) => [m.id, m.to])).toEqual([["a", "failed"], ["b", "failed"]]);
  });

  // The operator's run_decision line: the streak's first failure and its end, not each retry between.
  it.each([
    { case: "the first failure of a streak", transportFailures: 0, told: true },
    { case: "the second", transportFailures: 1, told: false },
    { case: "the fifth", transportFailures: 4, told: false },
    { case: "the sixth, which gives up", transportFailures: 5, told: true },
  ])("an unreachable VM: $case is told: $told", ({ transportFailures, told }) => {
    const s = step({ ...runs.connecting, transportFailures }, failure({ kind: "transport", reason: "unreachable" }));
    const decisions = s.effects.filter((e) => e.type === "decision");
    expect(decisions).toHaveLength(told ? 1 : 0);
  });

  it("a replayed event, or one of another VM run, changes nothing", () => {
    expect(step(runs.streaming, vm(result(3, ["a"])))).toEqual({ run: runs.streaming, moves: [], effects: [] });
    expect(step(runs.streaming, vm(result(4, ["a"]), "r1-0"))).toEqual({ run: runs.streaming, moves: [], effects: [] });
  });

  it.each([
    ["a message handed to another run", [held("a"), handed("x", "r2")], runs.streaming],
    ["a message this user never had", [held("a")], runs.streaming],
    ["a queued message of another conversation", [held("a"), msg("x", { conversationId: 2 })], runs.streaming],
    ["a queued task (a schedule's, never a further turn)", [held("a"), msg("x", { kind: "task_chat" })], runs.streaming],
    ["a queued message, to a task in its own session (it takes no further turns)", [held("a"), msg("x")], { ...runs.streaming, context: "fresh" as const }],
  ])("a result naming %s is refused whole", (_name, pendingNow, run) => {
    const s = stepRun(run, pendingNow, vm(result(4, ["a", "x"])), NOW);
    expect(s).toEqual({ run, moves: [], effects: [{ type: "invalid", why: expect.any(String) }] });
  });

  it("a result naming a queued message of its conversation (a further turn whose hand-off the dead instance never recorded): handed, then answered", () => {
    const s = step(runs.streaming, vm(result(4, ["a", "c"])));
    expect(s.moves).toEqual([
      { id: "c", to: "handed", runId: "r1", how: "inject", cuts: 0 },
      { id: "a", to: "answered", runId: "r1", how: "batch", cuts: 0 },
      { id: "c", to: "answered", runId: "r1", how: "inject", cuts: 0 },
    ]);
    expect(s.run).toMatchObject({ lastSeq: 4, results: 1 });
    expect(s.effects.map((e) => e.type)).toContain("reply");
  });

  it("a result counts its cost, stores its seq and the stream's liveness", () => {
    const s = step({ ...runs.opening, transportFailures: 2, results: 1, costUsd: 0.5 }, vm(result(1, ["a"], { costUsd: 0.25 })));
    expect(s.run).toMatchObject({ phase: "streaming", lastSeq: 1, results: 2, costUsd: 0.75, transportFailures: 0, attempt: null });
  });

  it("a task in its own session never changes the conversation's session, and is offered no tools", () => {
    const task: Run = { ...runs.streaming, context: "fresh" };
    expect(step(task, events.session!).effects).toEqual([]);
    expect(step(task, events.result!).effects.map((e) => e.type)).toEqual(["reply"]);
    expect(step(task, events.tool_call!).effects).toMatchObject([{ type: "tool_call", allowed: false }]);
    expect(step(runs.streaming, events.tool_call!).effects).toMatchObject([{ type: "tool_call", allowed: true }]);
  });

  it("a busy VM: a new VM run on the conversation's session now, after the backoff", () => {
    // Refused on the stream (the VM still winding down a stopped run): the session it was given, not a new one.
    const s = step({ ...waiting, vmAttempt: 2 }, vm(error("busy", 1)));
    expect(s.run).toMatchObject({ vmRunId: "r1-3", vmAttempt: 3, phase: "waiting", nextAttemptAt: NOW + 10_000, sessionId: "s0", lastSeq: 0 });
    expect(s.effects.map((e) => e.type)).not.toContain("keep_session");
    const again = stepRun({ ...waiting, vmAttempt: 2 }, pending, { type: "failure", failure: { kind: "vm", code: "busy" }, sessionOfConversation: "s9" }, NOW);
    expect(again.run?.sessionId).toBe("s9");
  });

  it("a lost session: once more at once on a fresh one that starts from the chat; the user is told", () => {
    const s = step(runs.streaming, vm(error("unknown_session")));
    expect(s.run).toMatchObject({ vmRunId: "r1-2", sessionId: null, freshRetryUsed: true, seedTranscript: true, nextAttemptAt: NOW });
    expect(s.effects).toContainEqual({ type: "keep_session", sessionId: null });
    expect(s.effects).toContainEqual({ type: "session_lost", vmRunId: "r1-1" });
    const twice = step({ ...runs.streaming, freshRetryUsed: true }, vm(error("unknown_session")));
    expect(twice.run).toMatchObject({ phase: "finished", outcome: "failed_after_retries" });
  });

  it("a new VM run takes one turn's worth; the rest wait for the next run, uncounted", () => {
    const many = Array.from({ length: 12 }, (_, i) => held(`m${i}`));
    const s = step(waiting, vm(error("busy", 1)), many);
    expect(s.moves.map((m) => [m.id, m.to, m.cuts])).toEqual([["m10", "queued", 0], ["m11", "queued", 0]]);
  });

  it("a run that answered something is not counted as of unknown cost; auth and configuration failures never are", () => {
    expect(step({ ...runs.streaming, results: 1 }, vm(error("cli_crashed"))).effects.map((e) => e.type)).not.toContain("spend_unknown");
    expect(step(runs.streaming, vm(error("misconfigured"))).effects.map((e) => e.type)).not.toContain("spend_unknown");
  });

  it("a run the VM refused because its machine cannot run agents ends at once, named, never as an interruption", () => {
    const refused: VmRunEvent = { seq: 1, type: "error", code: "misconfigured", reason: "missing_capabilities", message: "CAP_DAC_READ_SEARCH is missing", toolCalls: undefined };
    const s = step(waiting, vm(refused));
    expect(s.run).toMatchObject({ phase: "finished", outcome: "vm_unfit" });
    expect(s.effects.map((e) => e.type)).not.toContain("spend_unknown");
  });

  it("the model's limit holds the run's messages for the pause, with when it lifts and which limit, uncounted as a cut", () => {
    const s = step(runs.streaming, vm(error("model_limit", 4, { resetsAt: NOW + 3_600_000, limit: "five_hour" })));
    expect(s.run).toMatchObject({ phase: "finished", outcome: "model_limit" });
    expect(s.effects.find((e) => e.type === "model_hold")).toEqual({ type: "model_hold", hold: { kind: "limit", resetsAt: NOW + 3_600_000, limit: "five_hour" } });
    expect(s.moves.map((m) => [m.id, m.to, m.cuts, m.runId])).toEqual([
      ["a", "queued", 0, null],
      ["b", "queued", 0, null],
    ]);
    const outage = step(runs.streaming, vm(error("model_unavailable")));
    expect(outage.run).toMatchObject({ phase: "finished", outcome: "model_unavailable" });
    expect(outage.effects.find((e) => e.type === "model_hold")).toEqual({ type: "model_hold", hold: { kind: "unavailable" } });
  });

  it("a refused model: a new VM run at once, the conversation's model set back and told once; then given up", () => {
    const refused = step(runs.streaming, vm(error("model_not_found")));
    expect(refused.run).toMatchObject({ phase: "waiting", vmAttempt: runs.streaming.vmAttempt + 1, nextAttemptAt: NOW });
    expect(refused.effects.filter((e) => e.type === "model_refused")).toEqual([{ type: "model_refused", conversationId: runs.streaming.conversationId }]);
    const exhausted = step({ ...runs.streaming, vmAttempt: 99 }, vm(error("model_not_found")));
    expect(exhausted.run).toMatchObject({ phase: "finished", outcome: "failed_after_retries" });
  });

  it("a terminal event's seq is stored with the end", () => {
    expect(step(runs.streaming, vm(error("cli_crashed", 9))).run).toMatchObject({ phase: "finished", outcome: "interrupted", lastSeq: 9 });
    expect(step(runs.streaming, events.done!).run).toMatchObject({ phase: "finished", outcome: "done", lastSeq: 4 });
  });

  it("dispatch creates a run only when none is open, on the conversation's session unless it is a task", () => {
    const chat = step(null, events.dispatch!);
    expect(chat.run).toMatchObject({ id: "r2", vmRunId: "r2-1", phase: "waiting", nextAttemptAt: NOW, createdAt: NOW, sessionId: "s0", context: "chat", attempt: null });
    const task = step(null, { type: "dispatch", runId: "r3", ids: ["c"], context: "fresh", conversationId: 1, sessionId: "s0" });
    expect(task.run?.sessionId).toBeNull();
  });

  it("/new detaches a chat run from the conversation; a task's is detached already", () => {
    expect(step(runs.streaming, { type: "detach" }).run?.context).toBe("fresh");
    const task: Run = { ...runs.streaming, context: "fresh" };
    expect(step(task, { type: "detach" }).run).toBe(task);
  });
});

describe("stepRun: what a failure means", () => {
  const unreachable: RunFailure = { kind: "transport", reason: "unreachable" };
  const crashed: RunFailure = { kind: "vm", code: "cli_crashed" };
  // `waiting`: the CLI never had the messages; `streaming`: it had them.
  const fresh = waiting;
  const streamed = runs.streaming;
  /**
   * The decision stepRun made: the one it tells, or (a retry inside a streak of transport failures,
   * which is not told again) the run's next attempt.
   */
  const decisionOf = (before: Run, s: RunStep) => {
    const told = s.effects.find((e) => e.type === "decision");
    if (told) return told.decision;
    return s.run && s.run.transportFailures > before.transportFailures ? { action: "retry_same", at: s.run.nextAttemptAt } : null;
  };

  it.each([
    ["first transport failure retries the same run after 5 s", unreachable, fresh, { action: "retry_same", at: NOW + 5000 }],
    ["fifth transport failure waits 80 s", unreachable, { ...fresh, transportFailures: 4 }, { action: "retry_same", at: NOW + 80000 }],
    ["sixth transport failure before any event gives up: the CLI never had the messages", unreachable, { ...fresh, transportFailures: 5 }, { action: "give_up", reason: "failed_after_retries" }],
    ["transport exhausted once the run streamed: the run is cut", unreachable, { ...streamed, transportFailures: 5 }, { action: "cut" }],
    ["transport failure while streaming still reconnects", unreachable, streamed, { action: "retry_same", at: NOW + 5000 }],
    ["a CLI crash cuts the run", crashed, fresh, { action: "cut" }],
    ["a crash after replies cuts the run as well", crashed, streamed, { action: "cut" }],
    ["a VM restart cuts the run", { kind: "vm", code: "vm_restarted" }, streamed, { action: "cut" }],
    ["an unknown run (the VM forgot it) cuts the run", { kind: "transport", reason: "unknown_run" }, fresh, { action: "cut" }],
    ["busy is retried as a new VM run, backing off", { kind: "vm", code: "busy" }, { ...fresh, vmAttempt: 2 }, { action: "retry_new", at: NOW + 10000, freshSession: false }],
    ["busy on the 6th VM run gives up", { kind: "vm", code: "busy" }, { ...fresh, vmAttempt: 6 }, { action: "give_up", reason: "failed_after_retries" }],
    ["unknown session retries once at once on a fresh session", { kind: "vm", code: "unknown_session" }, fresh, { action: "retry_new", at: NOW, freshSession: true }],
    ["unknown session again after the fresh retry gives up", { kind: "vm", code: "unknown_session" }, { ...fresh, vmAttempt: 2, freshRetryUsed: true }, { action: "give_up", reason: "failed_after_retries" }],
    ["auth failure is not retried", { kind: "vm", code: "auth_failed" }, fresh, { action: "give_up", reason: "auth_failed" }],
    ["misconfiguration is not retried", { kind: "vm", code: "misconfigured" }, fresh, { action: "give_up", reason: "misconfigured" }],
    ["a machine without the capabilities to run agents is not retried, and named", { kind: "vm", code: "misconfigured", reason: "missing_capabilities" }, fresh, { action: "give_up", reason: "vm_unfit" }],
    ["a machine whose /proc shows every agent's processes is not retried, and named", { kind: "vm", code: "misconfigured", reason: "shared_proc" }, fresh, { action: "give_up", reason: "vm_unfit" }],
    ["a machine whose Machines API socket agents can open is not retried, and named", { kind: "vm", code: "misconfigured", reason: "fly_api_open" }, fresh, { action: "give_up", reason: "vm_unfit" }],
    ["misconfiguration on a retry gives up at once", { kind: "vm", code: "misconfigured" }, { ...fresh, vmAttempt: 3 }, { action: "give_up", reason: "misconfigured" }],
    ["time limit is not retried", { kind: "vm", code: "time_limit" }, fresh, { action: "give_up", reason: "time_limit" }],
    ["the model's limit with its reset holds the work until then", { kind: "vm", code: "model_limit", resetsAt: NOW + 60_000, limit: "five_hour" }, streamed, { action: "hold", hold: { kind: "limit", resetsAt: NOW + 60_000, limit: "five_hour" } }],
    ["a limit the model gave no reset for holds too", { kind: "vm", code: "model_limit" }, fresh, { action: "hold", hold: { kind: "limit", resetsAt: null, limit: null } }],
    ["a model unavailable through the CLI's retries holds the work", { kind: "vm", code: "model_unavailable" }, fresh, { action: "hold", hold: { kind: "unavailable" } }],
    ["cancel is not retried", { kind: "vm", code: "cancelled" }, streamed, { action: "give_up", reason: "cancelled" }],
  ] as const satisfies readonly (readonly [string, RunFailure, Run, FailureDecision])[])("%s", (_name, failure, run, expected) => {
    const s = stepRun(run, pending, { type: "failure", failure, sessionOfConversation: "s9" }, NOW);
    expect(decisionOf(run, s)).toEqual(expected);
  });
});

describe("transportRetryAt: when a transport failure is retried, with the VM's probe after a dropped stream", () => {
  const dropped: RunFailure = { kind: "transport", reason: "bad_stream" };
  it.each([
    ["a dropped stream the VM's probe answered: at once", dropped, 0, "answered", NOW],
    ["a dropped stream whose probe the VM did not answer: 5 s", dropped, 0, "silent", NOW + 5000],
    ["a dropped stream with no probe made: 5 s", dropped, 0, undefined, NOW + 5000],
    ["the streak's second drop, even if the VM answers: 10 s", dropped, 1, "answered", NOW + 10_000],
    ["the streak's fifth: 80 s", dropped, 4, "answered", NOW + 80_000],
    ["the streak's sixth: no more attempts", dropped, 5, "answered", null],
    ["an unreachable VM is no dropped stream: 5 s whatever the probe", { kind: "transport", reason: "unreachable" }, 0, "answered", NOW + 5000],
    ["nor a refused start or reconnect (5xx): 5 s", { kind: "transport", reason: "http_error" }, 0, "answered", NOW + 5000],
  ] as const satisfies readonly (readonly [string, RunFailure, number, VmProbe | undefined, number | null])[])("%s", (_name, failure, failures, probe, expected) => {
    expect(transportRetryAt(failure, failures, probe, NOW)).toBe(expected);
  });

  it.each([
    ["a dropped stream, first of its streak", { kind: "transport", reason: "bad_stream" }, true, 0, true],
    ["a dropped stream, second of its streak", { kind: "transport", reason: "bad_stream" }, true, 1, false],
    ["a line the relay refused (invalid, out of order): no drop", { kind: "transport", reason: "bad_stream" }, false, 0, false],
    ["an unreachable VM", { kind: "transport", reason: "unreachable" }, false, 0, false],
    ["a VM that forgot the run", { kind: "transport", reason: "unknown_run" }, false, 0, false],
    ["the VM's own error", { kind: "vm", code: "vm_restarted" }, false, 0, false],
  ] as const satisfies readonly (readonly [string, RunFailure, boolean, number, boolean])[])("probesVm: %s → %s", (_name, failure, dropped, failures, expected) => {
    expect(probesVm(failure, dropped, failures)).toBe(expected);
  });

  it.each([
    ["a dropped stream", { kind: "transport", reason: "bad_stream" }, true, true],
    ["an unreachable VM", { kind: "transport", reason: "unreachable" }, false, true],
    ["a VM answering 5xx: it answered, its backoff stays", { kind: "transport", reason: "http_error" }, false, false],
    ["a line the relay refused", { kind: "transport", reason: "bad_stream" }, false, false],
    ["the VM's own error", { kind: "vm", code: "busy" }, false, false],
  ] as const satisfies readonly (readonly [string, RunFailure, boolean, boolean])[])("probesAgain: %s → %s", (_name, failure, dropped, expected) => {
    expect(probesAgain(failure, dropped)).toBe(expected);
  });

  const retrying = (transportFailures: number, nextAttemptAt: number): Run => ({ ...runs.streaming, transportFailures, nextAttemptAt, attempt: null });
  it.each([
    ["the failure seen just now: a second later", retrying(1, NOW + 5000), NOW, NOW + 1000],
    ["asked 400 ms ago: a second after that", retrying(1, NOW + 5000), NOW - 400, NOW + 600],
    ["never seen failing nor asked here (after an eviction, or a 5xx): the backoff alone", retrying(1, NOW + 5000), null, null],
    ["the second failure's 10 s wait", retrying(2, NOW + 10_000), NOW, NOW + 1000],
    ["the third failure's 20 s wait (a VM that crashed twice in a row)", retrying(3, NOW + 20_000), NOW, NOW + 1000],
    ["the fourth failure's wait: the backoff alone", retrying(4, NOW + 40_000), NOW, null],
    ["no failure: nothing to bring forward", retrying(0, NOW + 5000), NOW, null],
    ["the retry comes before the next probe would", retrying(1, NOW + 800), NOW, null],
    ["an attempt under way", { ...retrying(1, NOW + 5000), attempt: { stage: "opening", deadline: NOW + 30_000 } }, NOW, null],
    ["a finished run", { ...retrying(1, NOW + 5000), phase: "finished" }, NOW, null],
  ] as const satisfies readonly (readonly [string, Run, number | null, number | null])[])("probeAgainAt: %s", (_name, run, lastProbeAt, expected) => {
    expect(probeAgainAt(run, lastProbeAt, NOW)).toBe(expected);
  });

  it.each([
    ["the first failure's wait: due now", retrying(1, NOW + 5000), NOW],
    ["the second's: due now", retrying(2, NOW + 10_000), NOW],
    ["the third's: due now", retrying(3, NOW + 20_000), NOW],
    ["the fourth's: the backoff stays", retrying(4, NOW + 40_000), NOW + 40_000],
    ["a run with no failure: unchanged", retrying(0, NOW + 5000), NOW + 5000],
  ] as const satisfies readonly (readonly [string, Run, number])[])("vm_answered: %s", (_name, run, expected) => {
    const s = stepRun(run, pending, { type: "vm_answered" }, NOW);
    expect(s.run?.nextAttemptAt).toBe(expected);
    expect(s.run?.transportFailures).toBe(run.transportFailures);
    expect(s.effects).toEqual([]);
  });

  it.each([
    ["the first failure's wait: due now", retrying(1, NOW + 5000), NOW],
    ["the third's: due now too (the VM said it is back)", retrying(3, NOW + 20_000), NOW],
    ["a run with no failure: unchanged", retrying(0, NOW + 5000), NOW + 5000],
    ["an attempt under way: unchanged", { ...retrying(1, NOW + 5000), attempt: { stage: "opening", deadline: NOW + 30_000 } }, NOW + 5000],
  ] as const satisfies readonly (readonly [string, Run, number])[])("vm_answered by the VM's wake: %s", (_name, run, expected) => {
    const s = stepRun(run, pending, { type: "vm_answered", woke: true }, NOW);
    expect(s.run?.nextAttemptAt).toBe(expected);
    expect(s.effects).toEqual([]);
  });

  it("stepRun plans the dropped stream's retry at once when the VM answered, and says so once", () => {
    const s = stepRun(runs.streaming, pending, { type: "failure", failure: dropped, sessionOfConversation: "s9", probe: "answered" }, NOW);
    expect(s.run).toMatchObject({ phase: "streaming", transportFailures: 1, nextAttemptAt: NOW, attempt: null });
    expect(s.effects).toEqual([{ type: "decision", failure: dropped, decision: { action: "retry_same", at: NOW } }]);
    expect(stepRun(s.run, pending, { type: "open", machine: "ready" }, NOW).effects).toEqual([{ type: "reconnect", afterSeq: runs.streaming.lastSeq, deadline: NOW + STREAM_OPEN_TIMEOUT_MS }]);
  });
});

/** One thing that can happen to a conversation and its runs, in any order. */
type Action =
  | { t: "arrive" }
  | { t: "dispatch" }
  | { t: "open"; cold: boolean }
  | { t: "connected" }
  | { t: "opened" }
  | { t: "inject" }
  | { t: "session" | "approval" | "tool" | "progress" | "done" }
  | { t: "result"; mask: number; foreign: boolean; lost: boolean }
  | { t: "unconsumed"; mask: number }
  | { t: "error"; code: Exclude<RunErrorCode, "cancelled"> }
  | { t: "transport"; reason: "unreachable" | "http_error" | "bad_stream" | "unknown_run" }
  | { t: "stop" }
  | { t: "detach" }
  /** The next event is a replay (an old seq) or another VM run's. */
  | { t: "stale"; other: boolean };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.constant({ t: "arrive" as const }), weight: 4 },
  { arbitrary: fc.constant({ t: "dispatch" as const }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant("open" as const), cold: fc.boolean() }), weight: 3 },
  { arbitrary: fc.constant({ t: "connected" as const }), weight: 2 },
  { arbitrary: fc.constant({ t: "opened" as const }), weight: 2 },
  { arbitrary: fc.constant({ t: "inject" as const }), weight: 2 },
  { arbitrary: fc.record({ t: fc.constantFrom("session" as const, "approval" as const, "tool" as const, "progress" as const, "done" as const) }), weight: 3 },
  { arbitrary: fc.record({ t: fc.constant("result" as const), mask: fc.integer({ min: 0, max: 31 }), foreign: fc.boolean(), lost: fc.boolean() }), weight: 4 },
  { arbitrary: fc.record({ t: fc.constant("unconsumed" as const), mask: fc.integer({ min: 1, max: 31 }) }), weight: 1 },
  {
    arbitrary: fc.record({
      t: fc.constant("error" as const),
      code: fc.constantFrom("cli_crashed" as const, "vm_restarted" as const, "unknown_session" as const, "busy" as const, "auth_failed" as const, "misconfigured" as const, "time_limit" as const, "model_limit" as const, "model_unavailable" as const),
    }),
    weight: 2,
  },
  { arbitrary: fc.record({ t: fc.constant("transport" as const), reason: fc.constantFrom("unreachable" as const, "http_error" as const, "bad_stream" as const, "unknown_run" as const) }), weight: 3 },
  { arbitrary: fc.constant({ t: "stop" as const }), weight: 1 },
  { arbitrary: fc.constant({ t: "detach" as const }), weight: 1 },
  { arbitrary: fc.record({ t: fc.constant("stale" as const), other: fc.boolean() }), weight: 1 },
);

describe("stepRun over random event sequences", () => {
  it("every message a run holds ends answered once, or carried into the next run, or dropped or failed and named; a finished run never changes again", () => {
    fc.assert(
      fc.property(fc.array(actionArb, { maxLength: 80 }), (actions) => {
        let run: Run | null = null;
        let pendingNow: PendingMessage[] = [];
        let ids = 0;
        let now = NOW;
        let stale: { other: boolean } | null = null;
        const finished: Run[] = [];
        const answered = new Map<string, number>();
        const ended = new Set<string>();

        /** Applies a step as the shell does, and checks what it did to the messages. */
        const apply = (step: RunStep, named: Set<string> = new Set()) => {
          for (const e of step.effects) {
            if (e.type === "messages") for (const m of e.effects) if (m.type === "failed" || m.type === "dropped") for (const n of m.messages) named.add(n.id);
          }
          for (const m of step.moves) {
            if (ended.has(m.id)) throw new Error(`${m.id} moved after its end`);
            if (m.to === "answered") answered.set(m.id, (answered.get(m.id) ?? 0) + 1);
            if (m.to === "dropped" || m.to === "failed") {
              if (!named.has(m.id)) throw new Error(`${m.id} ${m.to} without being named`);
            }
            if (m.to === "answered" || m.to === "dropped" || m.to === "failed") ended.add(m.id);
          }
          pendingNow = applyMoves(pendingNow, step.moves);
          if (run && run.phase !== "finished" && step.run?.phase === "finished") finished.push(step.run);
          run = step.run;
        };
        const event = (e: RunEvent) => {
          const step = stepRun(run, pendingNow, e, now);
          // The driver fails a run whose stream names messages it does not carry.
          if (step.effects.some((x) => x.type === "invalid")) {
            expect(step.run).toBe(run);
            return apply(stepRun(run, pendingNow, { type: "failure", failure: { kind: "transport", reason: "bad_stream" }, sessionOfConversation: null }, now));
          }
          apply(step);
        };
        const vmEvent = (make: (seq: number) => VmRunEvent) => {
          if (!run) return;
          const r: Run = run;
          const seq = stale && !stale.other ? Math.max(1, r.lastSeq) : r.lastSeq + 1;
          const vmRunId = stale?.other ? `${r.id}-0` : r.vmRunId;
          stale = null;
          event({ type: "vm_event", vmRunId, event: make(seq) });
        };
        const heldIds = () => pendingNow.filter((m) => m.status === "handed" && m.runId === run?.id).map((m) => m.id);
        const queuedIds = () => pendingNow.filter((m) => m.status === "queued").map((m) => m.id).slice(0, 10);

        for (const a of actions) {
          now += 1000;
          switch (a.t) {
            case "arrive":
              pendingNow = [...pendingNow, msg(`m${++ids}`)];
              break;
            case "dispatch":
              // One run at a time here: a run /new detached no longer holds its conversation, so a
              // dispatch would start a second beside it, which this model does not follow (two runs
              // side by side are test/core/parallel-runs.test.ts's).
              if (run !== null && (run as Run).phase !== "finished") break;
              if (queuedIds().length > 0) event({ type: "dispatch", runId: `r${ids}-${now}`, ids: queuedIds(), context: "chat", conversationId: 1, sessionId: null });
              break;
            case "open":
              event({ type: "open", machine: a.cold ? "cold" : "ready" });
              break;
            case "connected":
            case "opened":
              event({ type: a.t });
              break;
            case "inject":
              if (run) event({ type: "injected", vmRunId: (run as Run).vmRunId, ids: queuedIds() });
              break;
            case "session":
              vmEvent((seq) => ({ seq, type: "session", sessionId: "s" }));
              break;
            case "approval":
              vmEvent((seq) => ({ seq, type: "approval_request", requestId: `q${seq}`, tool: "Bash", input: {} }));
              break;
            case "tool":
              vmEvent((seq) => ({ seq, type: "tool_call", callId: `c${seq}`, name: "send_file", args: {} }));
              break;
            case "progress":
              vmEvent((seq) => ({ seq, type: "progress", text: "working" }));
              break;
            case "done":
              vmEvent((seq) => ({ seq, type: "done", toolCalls: undefined }));
              break;
            case "result": {
              // `lost`: a further turn the VM took whose hand-off was never recorded (the first queued message).
              const picked = [...heldIds().filter((_, i) => (a.mask >> i) & 1), ...(a.lost ? queuedIds().slice(0, 1) : [])];
              vmEvent((seq) => result(seq, a.foreign ? [...picked, "someone-else"] : picked));
              break;
            }
            case "unconsumed": {
              const picked = heldIds().filter((_, i) => (a.mask >> i) & 1);
              if (picked.length > 0) vmEvent((seq) => ({ seq, type: "unconsumed", messageIds: picked }));
              break;
            }
            case "error":
              vmEvent((seq) => ({ seq, type: "error", code: a.code, message: "x", toolCalls: undefined }));
              break;
            case "transport":
              event({ type: "failure", failure: { kind: "transport", reason: a.reason }, sessionOfConversation: "s" });
              break;
            case "stop": {
              // As /stop does (runs/stop.ts): the conversation's messages dropped and named, then the run ended.
              const dropped = stepMessages(pendingNow, { type: "stop", conversationId: 1 });
              const named = new Set(dropped.effects.flatMap((e) => (e.type === "dropped" ? e.messages.map((m) => m.id) : [])));
              apply({ run, moves: dropped.moves, effects: [] }, named);
              event({ type: "failure", failure: { kind: "vm", code: "cancelled" }, sessionOfConversation: null });
              break;
            }
            case "detach":
              event({ type: "detach" });
              break;
            case "stale":
              stale = { other: a.other };
              break;
          }
          // No message is ever left with a run that is over: it was answered, carried, or named.
          const r = run as Run | null;
          for (const m of pendingNow) if (m.status === "handed") expect(r !== null && r.phase !== "finished" && m.runId === r.id).toBe(true);
          // The CLI gets a message at most twice: one cut carries it, a second fails it.
          for (const m of pendingNow) expect(m.cuts).toBeLessThanOrEqual(1);
        }
        for (const [id, n] of answered) expect(n, id).toBe(1);
        // A finished run never changes again, whatever comes.
        const probe: RunEvent[] = [
          { type: "open", machine: "cold" },
          { type: "connected" },
          { type: "opened" },
          { type: "injected", vmRunId: "x", ids: [] },
          { type: "detach" },
          { type: "failure", failure: { kind: "transport", reason: "unreachable" }, sessionOfConversation: null },
        ];
        for (const f of finished) {
          for (const e of [...probe, { type: "vm_event", vmRunId: f.vmRunId, event: result(f.lastSeq + 1, []) } as RunEvent]) {
            expect(stepRun(f, pendingNow, e, now)).toEqual({ run: f, moves: [], effects: [] });
          }
        }
      }),
      { numRuns: 400 },
    );
  });
});
