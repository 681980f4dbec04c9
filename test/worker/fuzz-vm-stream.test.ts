// Garbage in the VM's event stream: malformed NDJSON, events that fail the protocol's schemas,
// unknown types, replayed seqs. The relay applies none of it; an invalid line, and an event out
// of order on its connection (a repeat, a gap), is a transport failure (it drops the connection
// and reconnects after its last stored seq, docs/protocol.md), and the run then ends with
// exactly the reply the VM logged.
import { runDurableObjectAlarm } from "cloudflare:test";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type RunEvent, StreamLineSchema } from "../../src/protocol/vm/runs";
import { eventually, inboundForm, postSigned, query, scriptVmRun, sendInbound, sentTo, stubFor, vmRequests } from "./helpers";

const GARBAGE = "GARBAGE";
const KNOWN_TYPES = ["session", "progress", "result", "unconsumed", "tool_call", "done", "error", "heartbeat"];

beforeAll(() => void vi.spyOn(console, "log").mockImplementation(() => undefined));
afterAll(() => vi.restoreAllMocks());

type RunRow = { id: string; vm_run_id: string; phase: string; last_seq: number; transport_failures: number; outcome: string | null };

/** What a well-behaved VM logs for one message: the stream the relay must end up applying. */
function trueEvents(sid: string, nonce: string): RunEvent[] {
  const sessionId = `fuzz-session-${nonce}`;
  return [
    { seq: 1, type: "session", sessionId },
    { seq: 2, type: "progress", text: "Thinking" },
    { seq: 3, type: "result", messageIds: [sid], text: `reply ${nonce}`, isError: false, subtype: "success", costUsd: 0.001, numTurns: 1, durationMs: 5, sessionId },
    { seq: 4, type: "done" },
  ];
}

/**
 * The seq the relay stores after the first `k` true events: a progress line stores nothing, and the
 * run's last answer is stored only with the end that follows it (one step), never alone.
 */
const storedSeqAfter = (events: RunEvent[], k: number) =>
  Math.max(0, ...events.slice(0, k).filter((e, i) => e.type !== "progress" && !(e.type === "result" && events[i + 1]?.type === "done" && i + 1 >= k)).map((e) => e.seq));

const garbageResult = (seq: number, sid: string): Record<string, unknown> => ({
  seq, type: "result", messageIds: [sid], text: `${GARBAGE} result`, isError: false, subtype: "success", costUsd: 0.5, numTurns: 1, durationMs: 1, sessionId: `${GARBAGE}-session`,
});

/** A line the relay must not apply, as data (so counterexamples print), rendered per run. */
type Garbage =
  | { kind: "text"; text: string }
  | { kind: "json"; value: unknown }
  | { kind: "truncated"; cut: number }
  | { kind: "unknown_type"; type: string }
  | { kind: "broken_result"; field: string; value: unknown }
  | { kind: "bad_error"; code: string; messageLength: number }
  | { kind: "long_progress"; length: number }
  | { kind: "bad_heartbeat"; at: unknown }
  | { kind: "huge"; length: number }
  | { kind: "replay"; event: "result" | "done" | "error" | "session" | "unconsumed" | "tool_call"; back: number }
  | { kind: "blank"; text: string }
  | { kind: "heartbeat"; at: number };

const DELETE = "(deleted)";
const garbage: fc.Arbitrary<Garbage> = fc.oneof(
  fc.record({ kind: fc.constant("text" as const), text: fc.oneof(fc.string({ unit: "binary", minLength: 1, maxLength: 80 }), fc.constantFrom("{", "}", "[]", "null", "{\"seq\":", "{'seq': 1}", "\u0000", "\uFEFF", "data: {}", "{\"type\":\"done\"}")) }),
  fc.record({ kind: fc.constant("json" as const), value: fc.jsonValue({ maxDepth: 3 }) }),
  fc.record({ kind: fc.constant("truncated" as const), cut: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant("unknown_type" as const), type: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("Result", "DONE", "result ", "results", "error\u0000")).filter((t) => !KNOWN_TYPES.includes(t)) }),
  fc
    .constantFrom<[string, unknown]>(
      ["seq", 0], ["seq", -1], ["seq", 1.5], ["seq", "3"], ["seq", null], ["seq", 2 ** 53], ["seq", DELETE],
      ["messageIds", ["bad id!"]], ["messageIds", "SM1"], ["messageIds", [123]], ["messageIds", [""]], ["messageIds", ["x".repeat(81)]], ["messageIds", DELETE],
      ["text", 42], ["text", null], ["text", DELETE], ["isError", "false"], ["isError", 0], ["costUsd", -1], ["costUsd", "0.1"],
      ["numTurns", 1.5], ["durationMs", -5], ["sessionId", ""], ["sessionId", 7], ["subtype", DELETE],
    )
    .map(([field, value]) => ({ kind: "broken_result" as const, field, value })),
  fc.record({ kind: fc.constant("bad_error" as const), code: fc.oneof(fc.string({ maxLength: 16 }), fc.constantFrom("CLI_CRASHED", "crashed", "")), messageLength: fc.constantFrom(5, 2001) }),
  fc.record({ kind: fc.constant("long_progress" as const), length: fc.integer({ min: 501, max: 5000 }) }),
  fc.record({ kind: fc.constant("bad_heartbeat" as const), at: fc.constantFrom("now", null, DELETE, {}, [1]) }),
  fc.record({ kind: fc.constant("huge" as const), length: fc.integer({ min: 64 * 1024, max: 512 * 1024 }) }),
  fc.record({ kind: fc.constant("replay" as const), event: fc.constantFrom("result", "done", "error", "session", "unconsumed", "tool_call"), back: fc.nat({ max: 3 }) }),
  fc.record({ kind: fc.constant("blank" as const), text: fc.constantFrom("", " ", "\t", "\r", "  \t \r") }),
  fc.record({ kind: fc.constant("heartbeat" as const), at: fc.integer() }),
);

type Rendered = { line: string; effect: "fatal" | "ignored" };

/** The line for `g` in a run whose relay has stored `stored`; null when `g` would be a valid new event. */
function render(g: Garbage, sid: string, nonce: string, k: number, stored: number): Rendered | null {
  const events = trueEvents(sid, nonce);
  const next = stored + 1;
  let line: string;
  switch (g.kind) {
    case "text":
      line = g.text.replaceAll("\n", " ");
      break;
    case "json":
      line = JSON.stringify(g.value);
      break;
    case "truncated": {
      const whole = JSON.stringify(events[k] ?? garbageResult(next, sid));
      line = whole.slice(0, Math.min(g.cut, whole.length - 1));
      break;
    }
    case "unknown_type":
      line = JSON.stringify({ seq: next, type: g.type, text: GARBAGE, messageIds: [sid] });
      break;
    case "broken_result": {
      const event = garbageResult(next, sid);
      if (g.value === DELETE) delete event[g.field];
      else event[g.field] = g.value;
      line = JSON.stringify(event);
      break;
    }
    case "bad_error":
      line = JSON.stringify({ seq: next, type: "error", code: g.code, message: GARBAGE.padEnd(g.messageLength, "!") });
      break;
    case "long_progress":
      line = JSON.stringify({ seq: next, type: "progress", text: GARBAGE.padEnd(g.length, ".") });
      break;
    case "bad_heartbeat":
      line = JSON.stringify(g.at === DELETE ? { type: "heartbeat" } : { type: "heartbeat", at: g.at });
      break;
    case "huge":
      line = `{"seq":${next},"type":"result","text":"${GARBAGE}${"x".repeat(g.length)}`;
      break;
    case "replay": {
      if (stored === 0) return null;
      const seq = Math.max(1, stored - g.back);
      const replayed: Record<string, unknown> = {
        result: garbageResult(seq, sid),
        done: { seq, type: "done" },
        error: { seq, type: "error", code: "cli_crashed", message: GARBAGE },
        session: { seq, type: "session", sessionId: `${GARBAGE}-session` },
        unconsumed: { seq, type: "unconsumed", messageIds: [sid] },
        tool_call: { seq, type: "tool_call", callId: "call-garbage", name: "schedule_create", args: { kind: "every", every: "1h", prompt: GARBAGE } },
      }[g.event]!;
      line = JSON.stringify(replayed);
      break;
    }
    case "blank":
      line = g.text;
      break;
    case "heartbeat":
      line = JSON.stringify({ type: "heartbeat", at: g.at });
      break;
  }
  // The relay's own reading of the line decides what it must do with it.
  if (line.trim() === "") return { line, effect: "ignored" };
  let parsed: ReturnType<typeof StreamLineSchema.safeParse>;
  try {
    parsed = StreamLineSchema.safeParse(JSON.parse(line));
  } catch {
    return { line, effect: "fatal" };
  }
  if (!parsed.success) return { line, effect: "fatal" };
  if (parsed.data.type === "heartbeat") return { line, effect: "ignored" };
  // Each connection's events come numbered one after another: a repeat or a gap is not this run's.
  if (parsed.data.seq !== k + 1) return { line, effect: "fatal" };
  return null; // the next event the relay expects: not garbage (gaps are tested below)
}

/** Cuts `text` into chunks at the given fractions: lines then cross the VM's writes. */
function chunked(text: string, cuts: number[]): string[] {
  const at = [...new Set(cuts.map((c) => Math.floor(c * text.length)))].filter((i) => i > 0 && i < text.length).sort((a, b) => a - b);
  return [0, ...at].map((start, i) => text.slice(start, at[i] ?? text.length));
}

const runOf = async (phone: string, sid: string) =>
  (await query<RunRow>(phone, "SELECT r.id, r.vm_run_id, r.phase, r.last_seq, r.transport_failures, r.outcome FROM runs r JOIN messages m ON m.run_id = r.id WHERE m.id = ?", sid))[0];
const garbageRows = async (phone: string) =>
  (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM outbox WHERE body LIKE ?", `%${GARBAGE}%`))[0]!.n +
  (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM settings WHERE value LIKE ?", `%${GARBAGE}%`))[0]!.n +
  (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM schedules"))[0]!.n;
const maxOutboxId = async (phone: string) => (await query<{ id: number | null }>(phone, "SELECT max(id) AS id FROM outbox"))[0]!.id ?? 0;

/** Posts a message whose run at the VM is scripted; returns once the first connection is applied. */
async function startScripted(phone: string, nonce: string, firstConnection: (sid: string) => string[]) {
  const form = inboundForm(phone, `fuzz ${nonce}`);
  const sid = form.MessageSid!;
  await scriptVmRun({ userId: phone, connections: [firstConnection(sid)], events: trueEvents(sid, nonce) });
  const res = await postSigned("/twilio/inbound", form);
  expect(res.status).toBe(200);
  const first = await eventually(async () => {
    const run = await runOf(phone, sid);
    return run && (run.phase === "finished" || run.transport_failures > 0) && run;
  });
  return { sid, first };
}

/**
 * Runs the alarm (a reconnect) until the run is over. The alarm is armed for the retry's time,
 * and the handler takes its scheduled time as now, so the backoff passes at once.
 */
async function driveToEnd(phone: string, sid: string): Promise<RunRow> {
  return eventually(async () => {
    const run = await runOf(phone, sid);
    if (run?.phase === "finished") return run;
    await runDurableObjectAlarm(stubFor(phone));
    return false;
  });
}

describe("garbage in the VM's event stream", () => {
  it("is never applied: an invalid or out-of-order line is a reconnect after the stored seq", async () => {
    const phone = "+15550000182";
    let iteration = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          k: fc.constantFrom(0, 1, 2, 2, 3, 3, 4),
          garbage,
          tail: fc.boolean(),
          cuts: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { maxLength: 4 }),
        }),
        async ({ k, garbage: g, tail, cuts }) => {
          const nonce = `${Date.now().toString(36)}-${++iteration}`;
          const outboxBefore = await maxOutboxId(phone);
          let rendered: Rendered | null = null;
          const { sid, first } = await startScripted(phone, nonce, (sid) => {
            const events = trueEvents(sid, nonce);
            rendered = render(g, sid, nonce, k, storedSeqAfter(events, k));
            if (rendered === null) return [events.map((e) => `${JSON.stringify(e)}\n`).join("")]; // not garbage: a clean run
            const lines = [...events.slice(0, k).map((e) => JSON.stringify(e)), rendered.line, ...(tail ? events.slice(k).map((e) => JSON.stringify(e)) : [])];
            return chunked(`${lines.join("\n")}\n`, cuts);
          });
          const events = trueEvents(sid, nonce);
          const stored = storedSeqAfter(events, k);

          // After the first connection: only the true events before the garbage were applied.
          // An ignored line with no tail is a stream that ended early (a drop): the VM answers its
          // probe, and the run is read again at once, so the first look may find it over already.
          const dropped = rendered !== null && (rendered as Rendered).effect === "ignored" && !tail && k < events.length;
          if (rendered !== null) {
            const r = rendered as Rendered;
            const finishedInFirst = k === events.length || (r.effect === "ignored" && tail);
            if (!dropped) expect(first.phase === "finished", `finished after the first connection (${r.effect})`).toBe(finishedInFirst);
            if (!finishedInFirst && first.phase !== "finished") {
              expect(first.transport_failures).toBe(1);
              expect(first.last_seq).toBe(r.effect === "fatal" || !tail ? stored : 4);
              expect(first.outcome).toBeNull();
            }
          }
          expect(await garbageRows(phone)).toBe(0);

          // Then the alarm reconnects after the stored seq and the run ends as the VM logged it.
          const last = await driveToEnd(phone, sid);
          expect(last).toMatchObject({ phase: "finished", outcome: "done", last_seq: 4 });
          if (first.phase !== "finished" || dropped) {
            const requests = (await vmRequests(phone)).filter((q) => q.runId === last.vm_run_id);
            if (stored > 0) {
              const reconnects = requests.filter((q) => q.kind === "events");
              expect(reconnects.map((q) => q.after)).toEqual([stored]);
            } else {
              // Nothing was stored, so the run never went live here: the same run is started again,
              // which the VM takes as a re-attach (idempotent by run id) streaming from seq 1.
              expect(requests.map((q) => q.kind)).toEqual(["start", "start"]);
            }
          }
          const added = await query<{ body: string }>(phone, "SELECT body FROM outbox WHERE id > ? ORDER BY id", outboxBefore);
          expect(added.map((o) => o.body)).toEqual([`reply ${nonce}`]);
          expect(await query(phone, "SELECT status FROM messages WHERE id = ?", sid)).toEqual([{ status: "answered" }]);
          expect(await query(phone, "SELECT session_id AS value FROM conversations WHERE id = 1")).toEqual([{ value: `fuzz-session-${nonce}` }]);
          expect(await garbageRows(phone)).toBe(0);
          await eventually(async () => (await sentTo(phone)).filter((m) => m.body === `reply ${nonce}`).length === 1);
        },
      ),
      {
        numRuns: 40,
        examples: [
          [{ k: 2, garbage: { kind: "text", text: "{" }, tail: true, cuts: [] }],
          [{ k: 3, garbage: { kind: "replay", event: "result", back: 0 }, tail: false, cuts: [0.5] }],
          [{ k: 1, garbage: { kind: "replay", event: "done", back: 0 }, tail: true, cuts: [] }],
          [{ k: 0, garbage: { kind: "unknown_type", type: "results" }, tail: true, cuts: [] }],
          [{ k: 3, garbage: { kind: "huge", length: 300_000 }, tail: true, cuts: [0.1, 0.9] }],
        ],
      },
    );

    // The object still answers after all of it.
    const { res } = await sendInbound(phone, "/status");
    expect(res.status).toBe(200);
    await eventually(async () => (await sentTo(phone)).at(-1)?.body?.startsWith("The agent is idle.") ?? false);
  }, 60_000);
});

/**
 * Valid-looking events a well-behaved VM never sends (found by the fuzzer, once applied): a seq
 * out of order, a result naming messages this run does not carry, a tool call on a run offered
 * no tools. The first connection carries the garbage; reconnects serve the true log, so the
 * relay ends with exactly the true reply.
 */
describe("valid-looking garbage is refused", () => {
  const line = (e: unknown) => `${JSON.stringify(e)}\n`;

  async function expectRefused(phone: string, firstConnection: (sid: string, events: RunEvent[]) => string[]): Promise<void> {
    const nonce = `bug-${Date.now().toString(36)}`;
    const { sid } = await startScripted(phone, nonce, (sid) => firstConnection(sid, trueEvents(sid, nonce)));
    try {
      expect(await garbageRows(phone), "garbage reached the outbox or settings").toBe(0);
      const last = await driveToEnd(phone, sid);
      expect(last).toMatchObject({ outcome: "done", last_seq: 4 });
      const replies = await query<{ body: string }>(phone, "SELECT body FROM outbox");
      expect(replies.map((r) => r.body), "the true reply, once").toContain(`reply ${nonce}`);
      expect(await garbageRows(phone)).toBe(0);
    } finally {
      // Leave no run retrying in the background (it would until it gave up, minutes later).
      await query(phone, "UPDATE runs SET phase = 'finished', outcome = 'test_cleanup' WHERE phase != 'finished'");
    }
  }

  it("a seq that skips ahead is refused, and the true events it skipped are applied on reconnect", async () => {
    await expectRefused("+15550000183", (sid, events) => [line(events[0]), line(garbageResult(4, sid))]);
  });

  it("a terminal event with a far-ahead seq does not end the run", async () => {
    await expectRefused("+15550000184", (_sid, events) => [line(events[0]), line({ seq: 2 ** 53 - 1, type: "done" })]);
  });

  it("a seq repeated after a progress line is refused (progress stores no seq)", async () => {
    await expectRefused("+15550000185", (sid, events) => [line(events[0]), line(events[1]), line(garbageResult(2, sid)), ...events.slice(2).map(line)]);
  });

  it("a result for another run's message is refused, and this run's own reply arrives", async () => {
    const phone = "+15550000186";
    const earlier = await sendInbound(phone, "an earlier message");
    await eventually(async () => (await sentTo(phone)).length === 1);
    await expectRefused(phone, (_sid, events) => [line(events[0]), line(events[1]), line(garbageResult(3, earlier.sid)), ...events.slice(2).map(line)]);
  });

  it("a result for a message this phone never had (another user's) is refused", async () => {
    await expectRefused("+15550000187", (_sid, events) => [line(events[0]), line(events[1]), line(garbageResult(3, `SM${"0".repeat(32)}`)), ...events.slice(2).map(line)]);
  });

  it("a tool call on a run started without schedule tools (a task in its own session) is refused", async () => {
    const phone = "+15550000188";
    await sendInbound(phone, "/schedule every 1m check the build");
    await eventually(async () => (await sentTo(phone)).some((m) => m.body?.startsWith("Task #")));
    const toolCall = { seq: 2, type: "tool_call", callId: "call-1", name: "schedule_create", args: { kind: "every", every: "1h", prompt: GARBAGE } } as const;
    const events: RunEvent[] = [{ seq: 1, type: "session", sessionId: "task-session" }, toolCall, { seq: 3, type: "done" }];
    await scriptVmRun({ userId: phone, connections: [events.map(line)], events });
    try {
      // The alarm treats its own scheduled time as now: the task is due and starts.
      await eventually(async () => {
        await runDurableObjectAlarm(stubFor(phone));
        // The script answers no turn: a "done" that leaves the task unanswered carries it into a next run.
        return (await query<{ n: number }>(phone, "SELECT count(*) AS n FROM runs WHERE phase = 'finished'"))[0]!.n >= 1;
      });
      const start = (await vmRequests(phone)).find((r) => r.kind === "start");
      expect(start?.options?.scheduleTools).toBe(false);
      expect(await query(phone, "SELECT prompt FROM schedules")).toEqual([{ prompt: "check the build" }]);
    } finally {
      await query(phone, "UPDATE runs SET phase = 'finished', outcome = 'test_cleanup' WHERE phase != 'finished'");
      await query(phone, "UPDATE schedules SET status = 'paused', next_run_at = NULL");
      await query(phone, "DELETE FROM due_times WHERE unit = 'schedules'");
    }
  });
});
