// A burst's items in few lines (gatherLines), and the record of stored messages built on it
// (queuedMessageLines, pumpLines, objectLog): every item written once, in order; a quiet phone's
// message and a pump's cost at their window's end, a stored message before any other line.
import { describe, expect, it } from "vitest";
import { gatherLines, holdingLog, objectLog, pumpLines, queuedMessageLines, type Timers } from "../../src/shared/log";

/** A clock and timers the test moves by hand. */
function manualTime() {
  let now = 0;
  let nextId = 1;
  const pending = new Map<number, { at: number; fn: () => void }>();
  const timers: Timers = {
    set: (fn, ms) => (pending.set(nextId, { at: now + ms, fn }), nextId++),
    clear: (handle) => void pending.delete(handle as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, t] of [...pending].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at > now) continue;
      pending.delete(id);
      t.fn();
    }
  };
  return { now: () => now, timers, advance, pending: () => pending.size };
}

/** Wait `after` ms, then add `item` (alone if asked). */
type Step = { after: number; item: string; alone?: boolean };

describe("gatherLines", () => {
  // `lines`: what was written once the steps ran and `end` ms more went by.
  it.each<{ name: string; steps: Step[]; end: number; lines: string[][]; max?: number }>([
    { name: "a lone item is written at once", steps: [{ after: 0, item: "a" }], end: 0, lines: [["a"]] },
    {
      name: "items right after a line wait for the window's end, then share a line",
      steps: [{ after: 0, item: "a" }, { after: 100, item: "b" }, { after: 100, item: "c" }],
      end: 2_000,
      lines: [["a"], ["b", "c"]],
    },
    {
      name: "an item after a quiet spell is written at once again",
      steps: [{ after: 0, item: "a" }, { after: 5_000, item: "b" }],
      end: 0,
      lines: [["a"], ["b"]],
    },
    {
      name: "a steady stream costs a line per window",
      steps: Array.from({ length: 10 }, (_, i) => ({ after: 500, item: `m${i}` })),
      end: 2_000,
      lines: [["m0"], ["m1", "m2", "m3"], ["m4", "m5", "m6", "m7"], ["m8", "m9"]],
    },
    {
      name: "a full line is written without waiting",
      steps: [{ after: 0, item: "a" }, { after: 1, item: "b" }, { after: 1, item: "c" }, { after: 1, item: "d" }],
      end: 0,
      max: 3,
      lines: [["a"], ["b", "c", "d"]],
    },
    {
      name: "an item alone is written at once, after those that wait",
      steps: [{ after: 0, item: "a" }, { after: 10, item: "b" }, { after: 10, item: "/status", alone: true }, { after: 10, item: "c" }],
      end: 2_000,
      lines: [["a"], ["b"], ["/status"], ["c"]],
    },
  ])("$name", ({ steps, end, lines, max }) => {
    const time = manualTime();
    const written: string[][] = [];
    const gather = gatherLines<string>({ windowMs: 2_000, maxItems: max ?? 50, write: (items) => written.push(items), now: time.now, timers: time.timers });
    for (const step of steps) {
      time.advance(step.after);
      gather.add(step.item, { alone: step.alone ?? false });
    }
    time.advance(end);
    expect(written).toEqual(lines);
    expect(time.pending()).toBe(0);
  });

  // With firstAfterMs, a quiet spell's first item waits that long: a window (nothing written at
  // once), or 0 (the next turn, nothing in the caller's own). `lines`: what was written once the
  // steps ran and `end` ms more went by (null: not a moment more, still the caller's turn).
  it.each<{ name: string; firstAfterMs: number; steps: Step[]; end: number | null; lines: string[][] }>([
    { name: "a lone item waits for its window", firstAfterMs: 2_000, steps: [{ after: 0, item: "a" }], end: 1_999, lines: [] },
    { name: "a lone item is written at its window's end", firstAfterMs: 2_000, steps: [{ after: 0, item: "a" }], end: 2_000, lines: [["a"]] },
    {
      name: "a steady stream costs a line per window, the first one included",
      firstAfterMs: 2_000,
      steps: Array.from({ length: 6 }, (_, i) => ({ after: 500, item: `p${i}` })),
      end: 2_000,
      lines: [["p0", "p1", "p2", "p3"], ["p4", "p5"]],
    },
    {
      name: "after a quiet spell the next item waits a window again",
      firstAfterMs: 2_000,
      steps: [{ after: 0, item: "a" }, { after: 10_000, item: "b" }],
      end: 1_000,
      lines: [["a"]],
    },
    { name: "a lone item is not written in the caller's turn", firstAfterMs: 0, steps: [{ after: 0, item: "a" }], end: null, lines: [] },
    { name: "a lone item is written on the next turn", firstAfterMs: 0, steps: [{ after: 0, item: "a" }], end: 0, lines: [["a"]] },
    {
      name: "items after it wait for the window that line opened",
      firstAfterMs: 0,
      steps: [{ after: 0, item: "a" }, { after: 100, item: "b" }, { after: 100, item: "c" }],
      end: 1_899,
      lines: [["a"]],
    },
    {
      name: "and share a line at its end",
      firstAfterMs: 0,
      steps: [{ after: 0, item: "a" }, { after: 100, item: "b" }, { after: 100, item: "c" }],
      end: 1_900,
      lines: [["a"], ["b", "c"]],
    },
    { name: "an item alone is still written at once", firstAfterMs: 0, steps: [{ after: 0, item: "/status", alone: true }], end: null, lines: [["/status"]] },
  ])("firstAfterMs $firstAfterMs: $name", ({ firstAfterMs, steps, end, lines }) => {
    const time = manualTime();
    const written: string[][] = [];
    const gather = gatherLines<string>({ windowMs: 2_000, maxItems: 50, firstAfterMs, write: (items) => written.push(items), now: time.now, timers: time.timers });
    for (const step of steps) {
      time.advance(step.after);
      gather.add(step.item, { alone: step.alone ?? false });
    }
    if (end !== null) time.advance(end);
    expect(written).toEqual(lines);
  });

  it("flush writes what waits at once, and its timer goes", () => {
    const time = manualTime();
    const written: string[][] = [];
    const gather = gatherLines<string>({ windowMs: 2_000, maxItems: 50, write: (items) => written.push(items), now: time.now, timers: time.timers });
    gather.add("a");
    gather.add("b");
    expect(time.pending()).toBe(1);
    gather.flush();
    expect([written, time.pending()]).toEqual([[["a"], ["b"]], 0]);
    gather.flush();
    expect(written).toHaveLength(2);
  });
});

describe("queuedMessageLines", () => {
  it("names every stored message once, in order, with the rows written; a command has its own line", () => {
    const time = manualTime();
    const lines: { event: string; fields: Record<string, unknown> }[] = [];
    const queued = queuedMessageLines((event, fields) => lines.push({ event, fields }), { windowMs: 2_000, now: time.now, timers: time.timers });
    queued.record({ id: "SM1", rows: 4, rowsByTable: { messages: 3, settings: 1 }, command: undefined, alone: false });
    // Not while the run it starts reaches the model: at the window's end.
    time.advance(1_999);
    expect(lines).toEqual([]);
    time.advance(1);
    expect(lines).toHaveLength(1);
    time.advance(10);
    queued.record({ id: "SM2", rows: 3, rowsByTable: { messages: 3 }, command: undefined, alone: false });
    queued.record({ id: "SM3", rows: 3, rowsByTable: { messages: 2, settings: 1 }, command: undefined, alone: false });
    queued.record({ id: "SM4", rows: 2, rowsByTable: { settings: 2 }, command: "status", alone: true });
    time.advance(2_000);
    expect(lines).toEqual([
      { event: "message_queued", fields: { messageIds: ["SM1"], command: undefined, rowsWritten: 4, rowsByTable: { messages: 3, settings: 1 } } },
      { event: "message_queued", fields: { messageIds: ["SM2", "SM3"], command: undefined, rowsWritten: 6, rowsByTable: { messages: 5, settings: 1 } } },
      { event: "message_queued", fields: { messageIds: ["SM4"], command: "status", rowsWritten: 2, rowsByTable: { settings: 2 } } },
    ]);
    expect(time.pending()).toBe(0);
  });
});

describe("objectLog", () => {
  const recorder = () => {
    const time = manualTime();
    const lines: string[] = [];
    const logs = objectLog((event, fields) => lines.push(fields.messageIds ? `${event} ${String(fields.messageIds)}` : event), { windowMs: 2_000, now: time.now, timers: time.timers });
    return { time, lines, logs };
  };

  it("writes a waiting message's line before the object's next other line, and leaves no timer", () => {
    const { time, lines, logs } = recorder();
    logs.queued({ id: "SM1", rows: 3, rowsByTable: { messages: 3 }, command: undefined, alone: false });
    time.advance(50);
    expect(lines).toEqual([]);
    logs.log("run_finished", {});
    expect(lines).toEqual(["message_queued SM1", "run_finished"]);
    expect(time.pending()).toBe(0);
  });

  it("writes it at the window's end when nothing else is logged", () => {
    const { time, lines, logs } = recorder();
    logs.queued({ id: "SM1", rows: 3, rowsByTable: { messages: 3 }, command: undefined, alone: false });
    time.advance(2_000);
    expect(lines).toEqual(["message_queued SM1"]);
  });

  it("keeps a step's lines after its command's line, and a text that waited before both", () => {
    const { time, lines, logs } = recorder();
    logs.queued({ id: "SM1", rows: 3, rowsByTable: { messages: 3 }, command: undefined, alone: false });
    logs.after(
      () => logs.log("run_finished", {}),
      () => logs.queued({ id: "SM2", rows: 2, rowsByTable: { messages: 2 }, command: "/stop", alone: true }),
    );
    expect(lines).toEqual(["message_queued SM1", "message_queued SM2", "run_finished"]);
    expect(time.pending()).toBe(0);
  });
});

describe("pumpLines", () => {
  it("sums a window's pumps into one pump_done line at its end: their count, units and rows, the longest", () => {
    const time = manualTime();
    const lines: { event: string; fields: Record<string, unknown> }[] = [];
    const logPump = pumpLines((event, fields) => lines.push({ event, fields }), { windowMs: 2_000, now: time.now, timers: time.timers });
    logPump({ units: 1, durationMs: 12, rowsWritten: 6, rowsByTable: { runs: 2, live_events: 4 } });
    time.advance(300);
    logPump({ units: 2, durationMs: 40, rowsWritten: 3, rowsByTable: { runs: 1, outbox: 2 } });
    expect(lines).toEqual([]);
    time.advance(1_700);
    logPump({ units: 1, durationMs: 5, rowsWritten: 2, rowsByTable: { outbox: 2 } });
    time.advance(2_000);
    expect(lines).toEqual([
      { event: "pump_done", fields: { trigger: "message", pumps: 2, units: 3, durationMs: 40, rowsWritten: 9, rowsByTable: { runs: 3, live_events: 4, outbox: 2 } } },
      { event: "pump_done", fields: { trigger: "message", pumps: 1, units: 1, durationMs: 5, rowsWritten: 2, rowsByTable: { outbox: 2 } } },
    ]);
    expect(time.pending()).toBe(0);
  });

  it("writes a pump as long as a window at once, after those that wait, and leaves no timer", () => {
    const time = manualTime();
    const lines: Record<string, unknown>[] = [];
    const logPump = pumpLines((_event, fields) => lines.push(fields), { windowMs: 2_000, now: time.now, timers: time.timers });
    logPump({ units: 1, durationMs: 10, rowsWritten: 2, rowsByTable: { runs: 2 } });
    expect(time.pending()).toBe(1);
    logPump({ units: 4, durationMs: 20_000, rowsWritten: 7, rowsByTable: { runs: 7 } });
    expect(lines.map((l) => [l.pumps, l.durationMs])).toEqual([[1, 10], [1, 20_000]]);
    expect(time.pending()).toBe(0);
  });
});

describe("holdingLog", () => {
  const recorder = () => {
    const lines: string[] = [];
    return { lines, holding: holdingLog((event) => lines.push(event)) };
  };

  it("writes a step's lines after the line that names it, and lines outside a step at once", () => {
    const { lines, holding } = recorder();
    holding.log("before", {});
    const result = holding.after(
      () => {
        holding.log("run_decision", {});
        holding.log("run_finished", {});
        return "/stop";
      },
      (command) => holding.log(`message_queued ${command}`, {}),
    );
    holding.log("after", {});
    expect(result).toBe("/stop");
    expect(lines).toEqual(["before", "message_queued /stop", "run_decision", "run_finished", "after"]);
  });

  it("writes the lines of a step that throws, and lets the error go on", () => {
    const { lines, holding } = recorder();
    expect(() =>
      holding.after(
        () => {
          holding.log("stored", {});
          throw new Error("disk full");
        },
        () => holding.log("never", {}),
      ),
    ).toThrow("disk full");
    holding.log("next", {});
    expect(lines).toEqual(["stored", "next"]);
  });
});
