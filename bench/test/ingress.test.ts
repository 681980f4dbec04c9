import { describe, expect, it } from "vitest";
import type { Figure } from "../lib/figures";
import { type IngressRound, ingressFigures, ingressRatios, ingressShape, readIngressLogs } from "../relay/ingress";
import type { ClientMeasure } from "../relay/measure";
import { planLoad, roundRobin } from "../relay/plan";

describe("roundRobin", () => {
  it.each([
    { lists: [], out: [] },
    { lists: [[1, 2, 3]], out: [1, 2, 3] },
    { lists: [[1, 2], [3, 4]], out: [1, 3, 2, 4] },
    { lists: [[1, 2, 3], [4], []], out: [1, 4, 2, 3] },
  ])("$lists → $out", ({ lists, out }) => {
    expect(roundRobin(lists)).toEqual(out);
  });
});

describe("the ingress load's plan", () => {
  it.each([
    { quick: false, messages: 1000 },
    { quick: true, messages: 200 },
  ])("quick $quick: $messages webhooks from 40 phones, one lane each, at most 2 of a phone among any 50 in flight", ({ quick, messages }) => {
    const load = planLoad(ingressShape(quick), 1, 8);
    expect(load.phones).toHaveLength(40);
    expect(load.lanes).toHaveLength(messages);
    expect(load.lanes.every((lane) => lane.length === 1)).toBe(true);
    const order = load.lanes.map((lane) => lane[0]!);
    for (let start = 0; start + 50 <= order.length; start += 10) {
      const perPhone = new Map<string, number>();
      for (const m of order.slice(start, start + 50)) perPhone.set(m.phone, (perPhone.get(m.phone) ?? 0) + 1);
      expect(Math.max(...perPhone.values())).toBeLessThanOrEqual(2);
    }
    // Each phone's messages still go out in their own order, first to last.
    const first = order.filter((m) => m.phone === load.phones[0]).map((m) => m.text);
    expect(first).toEqual([...first].sort((a, b) => Number(a.split("-m")[1]) - Number(b.split("-m")[1])));
  });
});

describe("readIngressLogs", () => {
  const sids = new Set(["SM1", "SM2", "SM3"]);
  it.each([
    { name: "nothing logged", logs: [], stored: 0, events: {}, rowsWritten: 0 },
    {
      name: "stored once each, other senders' and duplicates not counted twice",
      logs: [
        { event: "message_queued", messageId: "SM1" },
        { event: "message_queued", messageId: "SM1" },
        { event: "message_queued", messageId: "SM9" },
        { event: "message_duplicate", messageId: "SM2" },
        { event: "pump_done" },
        { event: "alarm_done" },
      ],
      stored: 1,
      events: { message_queued: 3, message_duplicate: 1, pump_done: 1, alarm_done: 1 },
      rowsWritten: 0,
    },
    {
      name: "a line naming a burst stores each of its messages",
      logs: [
        { event: "message_queued", messageIds: ["SM1"], rowsWritten: 4 },
        { event: "message_queued", messageIds: ["SM2", "SM9", "SM3"], rowsWritten: 9 },
      ],
      stored: 3,
      events: { message_queued: 2 },
      rowsWritten: 13,
    },
    {
      name: "rows from storing, pumps, alarms and status callbacks; other lines carry none",
      logs: [
        { event: "message_queued", messageId: "SM1", rowsWritten: 4 },
        { event: "message_duplicate", messageId: "SM1", rowsWritten: 0 },
        { event: "pump_done", rowsWritten: 3, outboxRowsWritten: 1 },
        { event: "alarm_done", rowsWritten: 2 },
        { event: "delivery_status", rowsWritten: 1 },
        { event: "run_failure", rowsWritten: 99 },
      ],
      stored: 1,
      events: { message_queued: 1, message_duplicate: 1, pump_done: 1, alarm_done: 1, delivery_status: 1, run_failure: 1 },
      rowsWritten: 10,
    },
  ])("$name", ({ logs, stored, events, rowsWritten }) => {
    expect(readIngressLogs(logs, sids)).toEqual({ stored, events, rowsWritten });
  });
});

const summary = (count: number, p99: number) => ({ count, p50: p99 / 2, p99, min: 1, max: p99 });
/** `p99` is the p99 of senders whose objects exist (reported, not judged); the whole load's is `allP99` (default: the same). */
const client = (perSecond: number, p99: number, workerdMs = 4, disturbed = false, allP99 = p99, firstP50 = 100): ClientMeasure => ({
  requests: 100,
  non2xx: 0,
  timedOut: false,
  webhookMs: summary(100, allP99),
  bySender: { firstMs: { count: 10, p50: firstP50, p99: firstP50 * 1.5, min: 1, max: firstP50 * 1.5 }, knownMs: summary(85, p99), whileFirstOpen: 5 },
  perSecond,
  cpuMsPerMessage: workerdMs + 1,
  workerdCpuMsPerMessage: workerdMs,
  disturbed,
});
const round = (durable: [number, number], relay: [number, number], extra: { stored?: number; non2xx?: number; disturbed?: boolean; workerd?: number; rows?: number } = {}): IngressRound => ({
  floor: client(200, 400, 3),
  durable: client(...durable, 5),
  relay: { ...client(...relay, extra.workerd ?? 10, extra.disturbed), non2xx: extra.non2xx ?? 0, stored: extra.stored ?? 100, events: { message_queued: 100, pump_done: 100, alarm_done: 20 }, rowsWritten: extra.rows ?? 500 },
});
const find = (figures: Figure[], name: string) => {
  const found = figures.find((f) => f.name.startsWith(name));
  if (!found) throw new Error(`no figure ${name}`);
  return found;
};

describe("ingressFigures", () => {
  it.each([
    { name: "meets the rate", rounds: [round([160, 600], [150, 700])], rate: 150 / 160, ratePass: true, p99: 700 / 600 },
    { name: "misses the rate", rounds: [round([160, 600], [80, 1200])], rate: 0.5, ratePass: false, p99: 2 },
    // Medians of per-round ratios: the slow middle round's floors are slow too.
    { name: "pairs rounds", rounds: [round([200, 500], [100, 600]), round([100, 1000], [90, 1100]), round([160, 600], [160, 600])], rate: 0.9, ratePass: true, p99: 1.1 },
    { name: "leaves a disturbed round out", rounds: [round([160, 600], [150, 600]), round([160, 600], [10, 9000], { disturbed: true })], rate: 150 / 160, ratePass: true, p99: 1 },
  ])("$name", ({ rounds, rate, ratePass, p99 }) => {
    const figures = ingressFigures("ingress", rounds);
    expect(find(figures, "throughput vs durable floor, median")).toMatchObject({ target: "≥ 0.8x", pass: ratePass });
    expect(find(figures, "throughput vs durable floor, median").value).toBeCloseTo(rate);
    const knownP99 = find(figures, "webhook latency p99, senders whose objects exist, vs durable floor, median");
    expect(knownP99.value).toBeCloseTo(p99);
    expect(knownP99).not.toHaveProperty("target");
    expect(knownP99).not.toHaveProperty("pass");
    expect(find(figures, "workerd CPU / message [")).toMatchObject({ value: 10, note: expect.stringContaining("message_queued 1.00, pump_done 1.00, alarm_done 0.20") });
  });

  it.each([
    { name: "all answered and stored", extra: {}, value: 0 },
    { name: "answered 200 but not stored", extra: { stored: 97 }, value: 3 },
    { name: "not answered 200 (and so not stored)", extra: { non2xx: 2, stored: 98 }, value: 2 },
  ])("counts webhooks lost: $name", ({ extra, value }) => {
    expect(find(ingressFigures("ingress", [round([160, 600], [150, 600], extra)]), "webhooks not answered 200, or not stored")).toMatchObject({ value, pass: value === 0 });
  });

  it("judges every round on its own: one slow round fails though the medians pass; its p99 is reported, not judged", () => {
    const figures = ingressFigures("ingress", [round([160, 600], [150, 600]), round([160, 600], [100, 900]), round([160, 600], [150, 600])]);
    expect(find(figures, "throughput vs durable floor [ingress, round 1]")).toMatchObject({ value: 150 / 160, pass: true });
    expect(find(figures, "throughput vs durable floor [ingress, round 2]")).toMatchObject({ value: 100 / 160, pass: false });
    const slowP99 = find(figures, "webhook latency p99, senders whose objects exist, vs durable floor [ingress, round 2]");
    expect(slowP99).toMatchObject({ value: 1.5 });
    expect(slowP99).not.toHaveProperty("pass");
    expect(find(figures, "throughput vs durable floor, median")).toMatchObject({ value: 150 / 160, pass: true });
    expect(find(figures, "webhook latency p99, senders whose objects exist, vs durable floor, median")).toMatchObject({ value: 1 });
  });

  it.each([
    { name: "within 1.25x of the durable floor", workerd: 6, ratio: 1.2, pass: true },
    { name: "past 1.25x", workerd: 8, ratio: 1.6, pass: false },
  ])("judges workerd CPU per message against the durable floor's: $name", ({ workerd, ratio, pass }) => {
    const figures = ingressFigures("ingress", [round([160, 600], [150, 600], { workerd })]);
    expect(find(figures, "workerd CPU / message vs durable floor [ingress, round 1]")).toMatchObject({ value: ratio, pass });
    expect(find(figures, "workerd CPU / message vs durable floor, median")).toMatchObject({ value: ratio, pass });
  });

  it.each([
    { name: "all rounds within 20", rows: [500, 1900], worst: 19, pass: true },
    { name: "one round over 20", rows: [500, 2100], worst: 21, pass: false },
  ])("judges the worst round's rows per message: $name", ({ rows, worst, pass }) => {
    const figures = ingressFigures("ingress", rows.map((r) => round([160, 600], [150, 600], { rows: r })));
    expect(find(figures, "SQLite rows written / message, worst round")).toMatchObject({ value: worst, target: "≤ 20 rows", pass });
  });

  it("leaves a disturbed round out of the ratios, but not out of the rows", () => {
    const ratios = ingressRatios([round([160, 600], [150, 600]), round([160, 600], [10, 9000], { disturbed: true, rows: 2500 })]);
    expect(ratios[1]).toMatchObject({ round: 2, disturbed: true, throughput: Number.NaN, rowsPerMessage: 25 });
    const figures = ingressFigures("ingress", [round([160, 600], [150, 600]), round([160, 600], [10, 9000], { disturbed: true, rows: 2500 })]);
    expect(find(figures, "throughput vs durable floor [ingress, round 2]").pass).toBeNull();
    expect(find(figures, "SQLite rows written / message, worst round").pass).toBe(false);
  });

  it("reports the p99 of senders whose objects exist and the whole load's, judging neither", () => {
    const r = round([160, 300], [150, 330]);
    // Whole load: the relay's first requests wait for the objects' start (900 ms against 300).
    const figures = ingressFigures("ingress", [{ ...r, durable: { ...r.durable, webhookMs: summary(100, 300) }, relay: { ...r.relay, webhookMs: summary(100, 900) } }]);
    const perRound = find(figures, "webhook latency p99, senders whose objects exist, vs durable floor [ingress, round 1]");
    expect(perRound).toMatchObject({ value: 1.1, note: expect.stringContaining("relay 330 ms; durable floor 300 ms") });
    expect(perRound).not.toHaveProperty("target");
    const known = find(figures, "webhook latency p99, senders whose objects exist, vs durable floor, median");
    expect(known).toMatchObject({ value: 1.1, note: expect.stringContaining("relay 330 ms; durable floor 300 ms") });
    expect(known).not.toHaveProperty("target");
    expect(known).not.toHaveProperty("pass");
    const whole = find(figures, "webhook latency p99, whole load, vs durable floor, median");
    expect(whole).toMatchObject({ value: 3, note: expect.stringContaining("relay 900 ms; durable floor 300 ms") });
    expect(whole).not.toHaveProperty("target");
  });

  it("reports a phone's first message against the durable floor's first insert, not judged", () => {
    const r = round([160, 600], [150, 600]);
    const rounds: IngressRound[] = [
      { ...r, durable: client(160, 600, 5, false, 600, 250), relay: { ...r.relay, ...client(150, 600, 10, false, 600, 500) } },
      { ...r, durable: client(160, 600, 5, false, 600, 200), relay: { ...r.relay, ...client(150, 600, 10, false, 600, 300) } },
    ];
    expect(ingressRatios(rounds).map((x) => x.firstMessageP50)).toEqual([2, 1.5]);
    const first = find(ingressFigures("ingress", rounds), "a phone's first message: latency p50 vs the durable floor's first insert, median");
    expect(first).toMatchObject({ value: 1.75, unit: "x", note: expect.stringContaining("relay p50 400 ms (max 600); durable floor p50 225 ms (max 338)") });
    expect(first).not.toHaveProperty("target");
    expect(first).not.toHaveProperty("pass");
  });

  it("reports no known senders' p99 without the split by sender", () => {
    const r = round([160, 600], [150, 600]);
    const { bySender: _, ...relay } = r.relay;
    expect(find(ingressFigures("ingress", [{ ...r, relay }]), "webhook latency p99, senders whose objects exist, vs durable floor, median").value).toBeNaN();
  });

  it("judges only rate, workerd CPU, rows and losses", () => {
    const judgedNames = ingressFigures("ingress", [round([160, 600], [80, 1200])]).filter((f) => "target" in f).map((f) => f.name.replace(/ \[.*\]$/, ""));
    expect([...new Set(judgedNames)].sort()).toEqual([
      "SQLite rows written / message, worst round",
      "throughput vs durable floor",
      "throughput vs durable floor, median",
      "webhooks not answered 200, or not stored",
      "workerd CPU / message vs durable floor",
      "workerd CPU / message vs durable floor, median",
    ]);
  });

  it("has no figures without rounds", () => {
    expect(ingressFigures("ingress", [])).toEqual([]);
  });
});
