import { describe, expect, it } from "vitest";
import type { Figure } from "../lib/figures";
import { relayFigures, type RoundPair, tablesNote } from "../relay/aggregate";
import type { ClientMeasure, RelayMeasure } from "../relay/measure";
import type { LoadShape } from "../relay/plan";

const shapes: LoadShape[] = [
  { key: "many", label: "many", phones: 10, messagesPerPhone: 1, concurrency: 5, burst: false },
  { key: "burst", label: "burst", phones: 1, messagesPerPhone: 10, concurrency: 5, burst: true },
];
const summary = (p50: number, p99: number) => ({ count: 10, p50, p99, min: p50, max: p99 });
const client = (perSecond: number, disturbed = false, p99 = 10): ClientMeasure => ({ requests: 10, non2xx: 0, timedOut: false, webhookMs: summary(5, p99), perSecond, cpuMsPerMessage: 2, workerdCpuMsPerMessage: 1, disturbed });
type Flaws = { lost?: number; reordered?: number; disturbed?: boolean };
/**
 * Rows of one load of 10 messages. outbox null: no pump line splits it out. status null: the
 * load's status rows are not reported (callbacks moving a row, no delivery_status line); lines
 * are the delivery_status lines; posted and moving the callbacks posted and those moving a row.
 */
type Rows = { storing: number; run: number; outbox: number | null; status: number | null; lines: number; posted: number; moving: number; unmatched?: number };
const ROWS: Rows = { storing: 80, run: 120, outbox: null, status: 0, lines: 0, posted: 0, moving: 0 };
const relay = (perSecond: number, dispatchP50: number, flaws: Flaws = {}, rows: Rows = ROWS, p99 = 10): RelayMeasure & { drained: boolean } => ({
  ...client(perSecond, flaws.disturbed, p99),
  dispatchMs: summary(dispatchP50, dispatchP50 * 3),
  sendToVmMs: summary(dispatchP50 + 5, dispatchP50 * 3 + 5),
  neverDispatched: 0,
  ...rowsOf(rows),
  queuedOutOfOrder: 0,
  replies: { messages: 10, answeredOnce: 10 - (flaws.lost ?? 0), lost: flaws.lost ?? 0, duplicated: 0, reorderedPhones: flaws.reordered ?? 0, unexpected: 0, acks: 0, batchedReplies: 0, replies: 10, refusedUnanswered: 0, lostTexts: [], duplicatedTexts: [] },
  drainMs: 50,
  drained: true,
});
function rowsOf(r: Rows): Pick<RelayMeasure, "rows" | "rowsPerMessage" | "rowsPerMessageByPart" | "rowsPerMessageByTable" | "statusCallbacks"> {
  const total = r.storing + r.run + (r.outbox ?? 0) + (r.status ?? 0);
  return {
    rows: { storing: r.storing, run: r.run, outbox: r.outbox, statusCallbacks: r.status ?? 0, statusLines: r.lines, statusUnmatched: r.unmatched ?? 0, total, byTable: { storing: {}, run: {}, statusCallbacks: {} } },
    rowsPerMessage: total / 10,
    rowsPerMessageByTable: { storing: {}, run: {}, statusCallbacks: {} },
    rowsPerMessageByPart: { storing: r.storing / 10, run: r.run / 10, outbox: r.outbox === null ? null : r.outbox / 10, statusCallbacks: r.status === null ? null : r.status / 10 },
    statusCallbacks: { posted: r.posted, movingARow: r.moving },
  };
}
const pair = (floor: number, relayRate: number, dispatch: number, flaws: Flaws = {}, durable = floor): RoundPair => ({
  floor: { many: client(floor), burst: client(floor) },
  durable: { many: client(durable), burst: client(durable) },
  relay: { many: relay(relayRate, dispatch, flaws), burst: relay(relayRate, dispatch) },
});
const find = (figures: Figure[], name: string) => figures.find((f) => f.name === name)!;

it("reports the median of per-round ratios to the floor round just before, judged on the many-phone loads only", () => {
  // Rounds where the machine got slower: the ratio stays 0.9 even though rates drift.
  const figures = relayFigures(shapes, [pair(100, 90, 4), pair(50, 45, 20), pair(200, 180, 6)]);
  expect(find(figures, "throughput vs floor [many]")).toMatchObject({ value: 0.9, target: "≥ 0.8x", pass: true });
  expect(find(figures, "webhooks/s [many]")).toMatchObject({ value: 90, note: "floor 100 /s; durable floor 100 /s; 3 of 3 rounds" });
  expect(find(figures, "dispatch latency p50 [many]")).toMatchObject({ value: 6, pass: true });
  expect(find(figures, "dispatch latency p99 [many]").value).toBe(18);
  expect(find(figures, "throughput vs floor [burst]").pass).toBeUndefined();
  expect(find(figures, "dispatch latency p50 [burst]").pass).toBeUndefined();
});

it("fails the targets it misses", () => {
  const figures = relayFigures(shapes, [pair(100, 50, 30)]);
  expect(find(figures, "throughput vs floor [many]").pass).toBe(false);
  expect(find(figures, "dispatch latency p50 [many]").pass).toBe(false);
});

it("sums losses and reorderings over every round and load instead of taking a median", () => {
  const figures = relayFigures(shapes, [pair(100, 90, 4, { lost: 1 }), pair(100, 90, 4), pair(100, 90, 4, { reordered: 2 })]);
  expect(find(figures, "messages lost or answered twice")).toMatchObject({ value: 1, pass: false, note: "of 60 accepted with 200, all loads and rounds" });
  expect(find(figures, "phones answered out of order")).toMatchObject({ value: 2, pass: false });
  expect(find(figures, "webhooks not answered 200")).toMatchObject({ value: 0, pass: true });
});

it("leaves loads disturbed by a wrangler reload out of the medians and reports their flaws apart", () => {
  const figures = relayFigures(shapes, [pair(100, 90, 4), pair(100, 10, 900, { lost: 3, disturbed: true }), pair(100, 70, 8)]);
  expect(find(figures, "throughput vs floor [many]").value).toBeCloseTo(0.8);
  expect(find(figures, "dispatch latency p50 [many]").value).toBe(6);
  expect(find(figures, "webhooks/s [many]").note).toContain("2 of 3 rounds");
  expect(find(figures, "messages lost or answered twice")).toMatchObject({ value: 0, pass: true, note: "of 50 accepted with 200, all loads and rounds" });
  expect(find(figures, "relay loads disturbed by a wrangler reload")).toMatchObject({ value: 1, note: expect.stringContaining("lost: 3") });
});

it("says nothing about disturbed loads when there were none", () => {
  expect(relayFigures(shapes, [pair(100, 90, 4)]).some((f) => f.name.includes("disturbed"))).toBe(false);
});

it("reports the Worker-alone load against the floor load it is paired with, unjudged, and nothing without it", () => {
  const withAlone = (floor: number, alone: number, disturbed = false): RoundPair => ({
    ...pair(floor, floor / 2, 4),
    workerAlone: { measure: client(alone, disturbed), pairedWith: "many", label: "alone" },
  });
  const figures = relayFigures(shapes, [withAlone(100, 70), withAlone(200, 160), withAlone(100, 10, true)]);
  expect(find(figures, "throughput vs floor [alone]")).toMatchObject({ value: 0.75 });
  expect(find(figures, "throughput vs floor [alone]").pass).toBeUndefined();
  expect(find(figures, "webhooks/s [alone]")).toMatchObject({ value: 115, note: "floor 150 /s; 2 of 3 rounds" });
  expect(relayFigures(shapes, [pair(100, 90, 4)]).some((f) => f.name.includes("[alone]"))).toBe(false);
});

describe("the relay against the durable floor", () => {
  // [hello-world floor /s, durable floor /s, relay /s, durable p99, relay p99] per round.
  type Round = [number, number, number, number, number];
  const round = ([floor, durable, rate, durableP99, relayP99]: Round): RoundPair => ({
    floor: { many: client(floor), burst: client(floor) },
    durable: { many: client(durable, false, durableP99), burst: client(durable, false, durableP99) },
    relay: { many: relay(rate, 4, {}, ROWS, relayP99), burst: relay(rate, 4, {}, ROWS, relayP99) },
  });
  const cases: { name: string; rounds: Round[]; throughput: number; p99: number; pass: [boolean, boolean] }[] = [
    { name: "meets both targets", rounds: [[300, 160, 140, 500, 600]], throughput: 0.875, p99: 1.2, pass: [true, true] },
    { name: "exactly at both limits", rounds: [[300, 100, 80, 400, 500]], throughput: 0.8, p99: 1.25, pass: [true, true] },
    { name: "misses both (today's shape)", rounds: [[200, 160, 80, 600, 1200]], throughput: 0.5, p99: 2, pass: [false, false] },
    {
      name: "pairs each relay round with the same round's durable floor, then takes the median",
      rounds: [[300, 200, 180, 500, 500], [150, 100, 60, 1000, 2000], [300, 200, 170, 400, 480]],
      throughput: 0.85,
      p99: 1.2,
      pass: [true, true],
    },
  ];
  it.each(cases)("$name", ({ rounds, throughput, p99, pass }) => {
    const figures = relayFigures(shapes, rounds.map(round));
    expect(find(figures, "throughput vs durable floor [many]")).toMatchObject({ target: "≥ 0.8x", pass: pass[0] });
    expect(find(figures, "throughput vs durable floor [many]").value).toBeCloseTo(throughput);
    expect(find(figures, "webhook latency p99 vs durable floor [many]")).toMatchObject({ target: "≤ 1.25x", pass: pass[1] });
    expect(find(figures, "webhook latency p99 vs durable floor [many]").value).toBeCloseTo(p99);
    // One phone's burst is reported, never judged.
    expect(find(figures, "throughput vs durable floor [burst]").pass).toBeUndefined();
    expect(find(figures, "webhook latency p99 vs durable floor [burst]").pass).toBeUndefined();
  });

  it("keeps the hello-world figures and gives both floors in the notes", () => {
    const figures = relayFigures(shapes, [round([300, 150, 120, 40, 60])]);
    expect(find(figures, "throughput vs floor [many]")).toMatchObject({ value: 0.4, pass: false });
    expect(find(figures, "webhooks/s [many]").note).toBe("floor 300 /s; durable floor 150 /s; 1 of 1 rounds");
    expect(find(figures, "webhook latency p99 [many]").note).toBe("floor 10.0 ms; durable floor 40.0 ms");
    expect(find(figures, "webhook latency p99 vs durable floor [many]").note).toBe("vs floor 6.0x");
  });

  it("leaves out a round whose durable floor load was disturbed", () => {
    const disturbed = round([300, 100, 90, 400, 400]);
    disturbed.durable.many = client(10, true, 400);
    const figures = relayFigures(shapes, [disturbed, round([300, 100, 60, 400, 800])]);
    expect(find(figures, "throughput vs durable floor [many]").value).toBeCloseTo(0.6);
    expect(find(figures, "webhook latency p99 vs durable floor [many]").value).toBeCloseTo(2);
  });
});

describe("rows written per message", () => {
  // 10 messages, 3 callbacks each (sent, delivered, read): 30 posted, 20 moving a row.
  const cases: { name: string; rows: Rows | [Rows, Rows]; value: number; pass: boolean | null; note: string }[] = [
    {
      name: "every part logged, over the target",
      rows: { storing: 80, run: 180, outbox: 60, status: 60, lines: 20, posted: 30, moving: 20 },
      value: 38,
      pass: false,
      note: "storing 8.0, run 18.0, outbox 6.0, status callbacks 6.0 (20 lines for 20 callbacks moving a row, of 30 posted)",
    },
    {
      name: "every part logged, within the target",
      rows: { storing: 30, run: 100, outbox: 20, status: 20, lines: 20, posted: 30, moving: 20 },
      value: 17,
      pass: true,
      note: "storing 3.0, run 10.0, outbox 2.0, status callbacks 2.0 (20 lines for 20 callbacks moving a row, of 30 posted)",
    },
    {
      name: "callbacks without a line wrote nothing: counted 0, not a lower bound",
      rows: { storing: 30, run: 100, outbox: 20, status: 10, lines: 10, posted: 30, moving: 20 },
      value: 16,
      pass: true,
      note: "storing 3.0, run 10.0, outbox 2.0, status callbacks 1.0 (10 lines for 20 callbacks moving a row, of 30 posted)",
    },
    {
      name: "callbacks for a message the relay had no row for are named",
      rows: { storing: 30, run: 100, outbox: 20, status: 16, lines: 16, posted: 30, moving: 20, unmatched: 4 },
      value: 16.6,
      pass: true,
      note: "storing 3.0, run 10.0, outbox 2.0, status callbacks 1.6 (16 lines for 20 callbacks moving a row, of 30 posted; 4 for a message the relay had no row for)",
    },
    {
      name: "outbox not split out: run holds it",
      rows: { storing: 20, run: 150, outbox: null, status: 30, lines: 20, posted: 30, moving: 20 },
      value: 20,
      pass: true,
      note: "storing 2.0, run and outbox 15.0 (not split in the logs), status callbacks 3.0 (20 lines for 20 callbacks moving a row, of 30 posted)",
    },
    {
      name: "callbacks moving rows posted, no line at all: a lower bound that already misses fails",
      rows: { storing: 80, run: 290, outbox: null, status: null, lines: 0, posted: 30, moving: 20 },
      value: 37,
      pass: false,
      note: "storing 8.0, run and outbox 29.0 (not split in the logs), status callbacks not logged (30 posted, 20 moving a row): a lower bound",
    },
    {
      name: "callbacks moving rows posted, no line at all: a lower bound within the target is not judged",
      rows: { storing: 20, run: 100, outbox: 40, status: null, lines: 0, posted: 30, moving: 20 },
      value: 16,
      pass: null,
      note: "storing 2.0, run 10.0, outbox 4.0, status callbacks not logged (30 posted, 20 moving a row): a lower bound",
    },
    {
      name: "one round without lines makes the whole figure a lower bound",
      rows: [
        { storing: 30, run: 100, outbox: 20, status: 20, lines: 20, posted: 30, moving: 20 },
        { storing: 30, run: 100, outbox: 20, status: null, lines: 0, posted: 30, moving: 20 },
      ],
      value: 16,
      pass: null,
      note: "storing 3.0, run 10.0, outbox 2.0, status callbacks not logged (60 posted, 40 moving a row): a lower bound",
    },
    {
      name: "only sent callbacks, which write nothing: 0 and complete",
      rows: { storing: 30, run: 100, outbox: 20, status: 0, lines: 0, posted: 10, moving: 0 },
      value: 15,
      pass: true,
      note: "storing 3.0, run 10.0, outbox 2.0, status callbacks 0.0 (0 lines for 0 callbacks moving a row, of 10 posted)",
    },
    {
      name: "no status callbacks at all: complete without them",
      rows: { storing: 20, run: 100, outbox: 40, status: 0, lines: 0, posted: 0, moving: 0 },
      value: 16,
      pass: true,
      note: "storing 2.0, run 10.0, outbox 4.0, no status callbacks",
    },
  ];
  it.each(cases)("$name", ({ rows, value, pass, note }) => {
    const withRows = (r: Rows): RoundPair => ({ ...pair(100, 90, 4), relay: { many: relay(90, 4, {}, r), burst: relay(90, 4, {}, r) } });
    const figures = relayFigures(shapes, (Array.isArray(rows) ? rows : [rows]).map(withRows));
    const figure = find(figures, "SQLite rows written / message [many]");
    expect(figure).toMatchObject({ target: "≤ 20 rows", pass, note });
    expect(figure.value).toBeCloseTo(value);
    expect(find(figures, "SQLite rows written / message [burst]").pass).toBeUndefined();
  });
});

describe("rows written per message, by step and table", () => {
  const load = (storing: Record<string, number>, run: Record<string, number>, statusCallbacks: Record<string, number> = {}) => ({ rowsPerMessageByTable: { storing, run, statusCallbacks } });
  it.each([
    { name: "no line carried tables", loads: [load({}, {})], note: "" },
    {
      name: "each step's tables, the largest first, medians over rounds (a round without a table counts 0)",
      loads: [load({ messages: 3 }, { live_events: 16, runs: 7 }, { outbox: 2 }), load({ messages: 3 }, { live_events: 8, runs: 7, outbox: 3 }, { outbox: 2 }), load({ messages: 3.4 }, { live_events: 16, runs: 6 }, {})],
      note: "storing: messages 3.0; run and outbox: live_events 16.0, runs 7.0, outbox 0.0; status callbacks: outbox 2.0",
    },
  ])("$name", ({ loads, note }) => {
    expect(tablesNote(loads)).toBe(note);
  });
});
