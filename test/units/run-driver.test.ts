// The runs unit over a real SQLite, with a VM client whose Machine is not warm: reaching it is a
// phase of the run with its own deadline (runs/run-lifecycle.ts), so a connect that never
// answers ends in the run's failure and retry, and the start after a slow connect has the whole
// of its own time. The VM client is a stand-in at its interface: only the connect is examined.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { CONNECT_DEADLINE_MS, STREAM_OPEN_TIMEOUT_MS } from "../../src/runs/run-lifecycle";
import { DROP_PROBE_TIMEOUT_MS } from "../../src/runs/run-failures";
import type { VmClient } from "../../src/machines/vm-client";
import { toolCallsOfRun } from "../../src/runs/run-tool-calls";
import { T0, useUnitDb } from "./helpers/unit-db";
import { runDriverFor, type Connect } from "./helpers/run-driver-harness";

const t = useUnitDb();
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date", "setTimeout", "clearTimeout"] });
  vi.setSystemTime(T0);
});
afterEach(() => vi.useRealTimers());


const driver = (connect: Connect, startRun: VmClient["startRun"]) => runDriverFor(t, connect, startRun);

describe("the runs unit reaching a Machine that is not warm", () => {
  it("a connect that never answers fails the run at its deadline, and the run retries after the backoff", async () => {
    const asked: number[] = [];
    const startRun = vi.fn<VmClient["startRun"]>();
    const { runs, logged } = driver((_now, deadline) => (asked.push(deadline), new Promise(() => {})), startRun);
    t.repos.messages.insert({ id: "m1", body: "hello", media: [], conversationId: 1, now: T0 });
    const stepped = runs.runDue(T0, null);
    await vi.advanceTimersByTimeAsync(CONNECT_DEADLINE_MS - 1);
    expect(logged.filter((l) => l.event === "run_decision")).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await stepped).toEqual({ kind: "changed" });
    expect(asked).toEqual([T0 + CONNECT_DEADLINE_MS]);
    expect(startRun).not.toHaveBeenCalled();
    const decision = logged.find((l) => l.event === "run_decision")!.fields;
    expect(decision).toMatchObject({ failure: { kind: "transport", reason: "unreachable" }, decision: { action: "retry_same", at: T0 + 5000 } });
    expect(String(decision["message"])).toContain("not reachable within 90 s");
    expect(t.repos.runs.open()).toMatchObject({ phase: "waiting", transportFailures: 1, nextAttemptAt: T0 + 5000 });
    expect(t.repos.messages.get("m1")?.status).toBe("handed");
  });

  it("after a slow connect the start still has all of its own time, counted from the connect", async () => {
    let signal: AbortSignal | null = null;
    // A VM that never answers the start: it gives up only when the relay's signal does.
    const startRun = vi.fn<VmClient["startRun"]>((_request, s) => {
      signal = s;
      return new Promise((resolve) => s.addEventListener("abort", () => resolve({ ok: false, failure: "unreachable", detail: "aborted" })));
    });
    const connect: Connect = () => new Promise((resolve) => setTimeout(() => resolve({ ok: true }), 40_000));
    const { runs, logged } = driver(connect, startRun);
    t.repos.messages.insert({ id: "m1", body: "hello", media: [], conversationId: 1, now: T0 });
    const stepped = runs.runDue(T0, null);
    await vi.advanceTimersByTimeAsync(40_000);
    expect(startRun).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(STREAM_OPEN_TIMEOUT_MS - 1);
    expect(signal!.aborted).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(signal!.aborted).toBe(true);
    expect(await stepped).toEqual({ kind: "changed" });
    // The failed attempt's backoff counts from when the step began.
    expect(logged.find((l) => l.event === "run_decision")?.fields).toMatchObject({ decision: { action: "retry_same", at: T0 + 5000 } });
  });
});

describe("a run's last answer and the end the VM sends with it", () => {
  /** A VM run's event stream the test writes to, line by line. */
  function vmStream() {
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (controller = c) });
    return { body, send: (event: object) => controller.enqueue(new TextEncoder().encode(`${JSON.stringify(event)}\n`)), close: () => controller.close() };
  }
  const answer = (seq: number, ids: string[]) => ({ seq, type: "result", messageIds: ids, text: "done it", isError: false, subtype: "success", costUsd: 0, numTurns: 1, durationMs: 5, sessionId: "s-1" });

  async function started(ids: string[]) {
    const stream = vmStream();
    const { runs, told } = driver(async () => ({ ok: true }), async () => ({ ok: true, body: stream.body }));
    for (const id of ids) t.repos.messages.insert({ id, body: `do ${id}`, media: [], conversationId: 1, now: T0 });
    expect(await runs.runDue(T0, null)).toEqual({ kind: "changed" });
    return { runs, stream, told, replies: () => t.sql<{ body: string }>`SELECT body FROM outbox`.map((r) => r.body).filter((b) => b.includes("done it")) };
  }

  it("holds the last answer until the end that follows it, and writes both in one step: no reply while the run is open", async () => {
    const { runs, stream, replies } = await started(["m1"]);
    const stepped = runs.runDue(T0, null);
    stream.send({ type: "heartbeat", at: T0 });
    stream.send(answer(1, ["m1"]));
    stream.send({ type: "heartbeat", at: T0 });
    await vi.advanceTimersByTimeAsync(1_000);
    // Read, not written: neither the reply nor the answered message exists for anyone yet.
    expect(replies()).toEqual([]);
    expect(t.repos.messages.get("m1")?.status).toBe("handed");
    expect(t.repos.runs.openAll()).toHaveLength(1);
    stream.send({ seq: 2, type: "done" });
    expect(await stepped).toEqual({ kind: "finished" });
    expect(replies()).toHaveLength(1);
    expect(t.repos.runs.openAll()).toEqual([]);
  });

  it("says what happened, in order: the run started, its answer and end applied as one step, then the run ended", async () => {
    const { runs, stream, told } = await started(["m1"]);
    const stepped = runs.runDue(T0, null);
    stream.send(answer(1, ["m1"]));
    stream.send({ seq: 2, type: "done" });
    expect(await stepped).toEqual({ kind: "finished" });
    // The reply tells the undo's note before the session is kept; the end closes the VM run's prompts; the pages get the step once it is written, and retention the end after.
    expect(told.map((h) => h.kind)).toEqual(["run_started", "undo_note_told", "session_kept", "vm_run_over", "run_events_applied", "run_ended"]);
    expect(told.at(-2)).toMatchObject({ kind: "run_events_applied", events: [{ seq: 1, type: "result" }, { seq: 2, type: "done" }] });
  });

  it("writes the last answer alone at its bound when no end follows; the run stays open", async () => {
    const { runs, stream, replies } = await started(["m1"]);
    const stepped = runs.runDue(T0, null);
    stream.send(answer(1, ["m1"]));
    let outcome: unknown = null;
    void stepped.then((s) => (outcome = s));
    await vi.advanceTimersByTimeAsync(2_999);
    expect(outcome).toBeNull();
    expect(replies()).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(outcome).toEqual({ kind: "changed" });
    expect(replies()).toHaveLength(1);
    expect(t.repos.runs.openAll()).toHaveLength(1);
  });

  it("writes the last answer before another event that is not the end, and that event after it", async () => {
    const { runs, stream, replies } = await started(["m1"]);
    const stepped = runs.runDue(T0, null);
    stream.send(answer(1, ["m1"]));
    stream.send({ seq: 2, type: "session", sessionId: "s-2" });
    expect(await stepped).toEqual({ kind: "changed" });
    expect(replies()).toHaveLength(1);
    expect(t.repos.runs.open()).toMatchObject({ lastSeq: 2 });
  });

  it("a stream that breaks after the last answer writes nothing of it: the reconnect reads it again", async () => {
    const { runs, stream, replies } = await started(["m1"]);
    const stepped = runs.runDue(T0, null);
    stream.send(answer(1, ["m1"]));
    stream.close();
    expect(await stepped).toEqual({ kind: "changed" });
    expect(replies()).toEqual([]);
    expect(t.repos.messages.get("m1")?.status).toBe("handed");
    expect(t.repos.runs.open()).toMatchObject({ lastSeq: 0, transportFailures: 1 });
  });

  it("keeps each VM run's tool calls in the run's row as its end is written: a run retried on a new VM run shows both attempts', in order", async () => {
    const streams = [vmStream(), vmStream()];
    const started: string[] = [];
    const { runs } = driver(async () => ({ ok: true }), async (request) => (started.push(request.runId), { ok: true, body: streams[started.length - 1]!.body }));
    t.repos.messages.insert({ id: "m1", body: "do m1", media: [], conversationId: 1, now: T0 });
    await runs.runDue(T0, null);
    const first = runs.runDue(T0, null);
    // The CLI could not resume the session: the run goes again at once, on a fresh one.
    streams[0]!.send({ seq: 1, type: "error", code: "unknown_session", message: "no such session", toolCalls: { calls: [{ tool: "Read", input: "a.md" }], more: 0 } });
    await first;
    await runs.runDue(T0, null);
    const second = runs.runDue(T0, null);
    streams[1]!.send(answer(1, ["m1"]));
    streams[1]!.send({ seq: 2, type: "done", toolCalls: { calls: [{ tool: "Bash", input: "npm test" }], more: 3 } });
    expect(await second).toEqual({ kind: "finished" });
    const [run] = t.sql<{ id: string; tool_calls: string | null }>`SELECT id, tool_calls FROM runs`;
    expect(started).toHaveLength(2);
    expect(JSON.parse(run!.tool_calls!)).toEqual([
      { vmRunId: started[0], calls: [{ tool: "Read", input: "a.md" }], more: 0 },
      { vmRunId: started[1], calls: [{ tool: "Bash", input: "npm test" }], more: 3 },
    ]);
    expect(toolCallsOfRun(run!.tool_calls)).toEqual({ calls: [{ tool: "Read", input: "a.md" }, { tool: "Bash", input: "npm test" }], more: 3 });
  });

  it("hands an answer back at once while the run still holds a message it has not answered", async () => {
    const { runs, stream } = await started(["m1", "m2"]);
    const stepped = runs.runDue(T0, null);
    stream.send(answer(1, ["m1"]));
    let outcome: unknown = null;
    void stepped.then((s) => (outcome = s));
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome).toEqual({ kind: "changed" });
  });
});

describe("a dropped stream's retry, planned after the VM's health check", () => {
  const session = (seq: number) => new TextEncoder().encode(`${JSON.stringify({ seq, type: "session", sessionId: "s-1" })}\n`);
  type Health = Awaited<ReturnType<VmClient["health"]>>;
  /** A VM whose every stream gives the run's first event and then drops: the run is stepped until its first failure is decided. */
  async function dropped(health: () => Promise<Health>, started = true) {
    const opened = vi.fn<VmClient["startRun"]>(async () => ({ ok: true, body: new ReadableStream<Uint8Array>({ start: (c) => (c.enqueue(session(1)), c.close()) }) }));
    const { runs, logged, health: probe, ready } = driver(async () => ({ ok: true }), opened);
    probe.mockImplementation(health);
    ready.mockReturnValue(started);
    t.repos.messages.insert({ id: "m1", body: "hello", media: [], conversationId: 1, now: T0 });
    const decisions = () => logged.filter((l) => l.event === "run_decision").map((l) => l.fields["decision"]);
    for (let i = 0; i < 5 && decisions().length === 0; i++) await runs.runDue(T0, null);
    return { runs, opened, probe, decisions, logged };
  }
  const healthy = async (): Promise<Health> => ({ ok: true, ms: 3, problem: null });

  it.each([
    { case: "answers healthy: read again at once", health: healthy, at: T0 },
    { case: "does not answer in time: the backoff's 5 s", health: async (): Promise<Health> => ({ ok: false, failure: "unreachable", detail: "aborted" }), at: T0 + 5000 },
    { case: "answers that it cannot run an agent: the backoff's 5 s", health: async (): Promise<Health> => ({ ok: true, ms: 3, problem: "cli_not_found" }), at: T0 + 5000 },
  ])("the VM $case", async ({ health, at }) => {
    const { probe, decisions, logged } = await dropped(health);
    expect(probe).toHaveBeenCalledOnce();
    expect(probe).toHaveBeenCalledWith(DROP_PROBE_TIMEOUT_MS);
    expect(decisions()).toEqual([{ action: "retry_same", at }]);
    expect(t.repos.runs.open()).toMatchObject({ phase: "streaming", lastSeq: 1, transportFailures: 1, nextAttemptAt: at });
    expect(logged.find((l) => l.event === "run_probe")?.fields).toMatchObject({ answered: at === T0 });
  });

  it("a VM down at the drop is asked again each second of the wait; back, the retry is due at once, not at 5 s", async () => {
    let up = false;
    const { runs, opened, probe } = await dropped(async () => (up ? { ok: true, ms: 3, problem: null } : { ok: false, failure: "unreachable", detail: "ECONNREFUSED" }));
    expect(t.repos.runs.open()).toMatchObject({ transportFailures: 1, nextAttemptAt: T0 + 5000 });
    // Due a second after the failure (the probe's time), not at the retry's.
    expect(runs.nextDueAt(T0)).toBe(T0 + 1000);
    vi.setSystemTime(T0 + 1000);
    await runs.runDue(T0 + 1000, null);
    expect(probe).toHaveBeenCalledTimes(2);
    expect(t.repos.runs.open()).toMatchObject({ nextAttemptAt: T0 + 5000 });
    expect(runs.nextDueAt(T0 + 1000)).toBe(T0 + 2000);
    up = true;
    vi.setSystemTime(T0 + 2000);
    await runs.runDue(T0 + 2000, null);
    expect(t.repos.runs.open()).toMatchObject({ transportFailures: 1, nextAttemptAt: T0 + 2000 });
    await runs.runDue(T0 + 2000, null);
    expect(opened).toHaveBeenCalledTimes(2);
  });

  it("a Machine not known to be started is never probed (a probe would start it): the backoff's 5 s, and no probe in the wait", async () => {
    const { runs, probe, decisions } = await dropped(healthy, false);
    expect(probe).not.toHaveBeenCalled();
    expect(decisions()).toEqual([{ action: "retry_same", at: T0 + 5000 }]);
    expect(runs.nextDueAt(T0)).toBe(T0 + 5000);
  });

  it("a healthy VM's run is read again in the very next step, after its last stored event; a second drop in a row backs off with no probe", async () => {
    const { runs, opened, probe } = await dropped(healthy);
    expect(opened).toHaveBeenCalledTimes(1);
    // The reconnect's stream repeats seq 1 where 2 is due: another drop, the streak's second.
    await runs.runDue(T0, null);
    await runs.runDue(T0, null);
    expect(opened).toHaveBeenCalledTimes(2);
    expect(opened.mock.calls[1]?.[1]).toBe(1);
    expect(probe).toHaveBeenCalledOnce();
    expect(t.repos.runs.open()).toMatchObject({ lastSeq: 1, transportFailures: 2, nextAttemptAt: T0 + 10_000 });
  });

  it("the VM's wake makes a run it names due at once, past the probes' streak; a repeat and another run's wake change nothing", async () => {
    let up = false;
    const { runs, opened } = await dropped(async () => (up ? { ok: true, ms: 3, problem: null } : { ok: false, failure: "unreachable", detail: "ECONNREFUSED" }));
    const run = t.repos.runs.open()!;
    expect(run).toMatchObject({ transportFailures: 1, nextAttemptAt: T0 + 5000 });
    expect(runs.vmWoke(["some-other-run"], "restarted", T0 + 200)).toBe(0);
    expect(t.repos.runs.open()).toMatchObject({ nextAttemptAt: T0 + 5000 });
    up = true;
    expect(runs.vmWoke([run.vmRunId], "restarted", T0 + 200)).toBe(1);
    expect(t.repos.runs.open()).toMatchObject({ transportFailures: 1, nextAttemptAt: T0 + 200 });
    expect(runs.vmWoke([run.vmRunId], "restarted", T0 + 200)).toBe(0);
    // Due now and read by no instance: a reader_gone wake takes it up (the pump), a restart's does not count it.
    expect(runs.vmWoke([run.vmRunId], "reader_gone", T0 + 200)).toBe(1);
    expect(runs.nextDueAt(T0 + 200)).toBe(T0 + 200);
    vi.setSystemTime(T0 + 200);
    await runs.runDue(T0 + 200, null);
    expect(opened).toHaveBeenCalledTimes(2);
    expect(opened.mock.calls[1]?.[1]).toBe(1);
  });
});
