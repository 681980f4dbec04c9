import { expect, it } from "vitest";
import type { Figure } from "../lib/figures";
import { relayFigures, type RoundPair } from "../relay/aggregate";
import type { ClientMeasure, RelayMeasure } from "../relay/measure";
import type { LoadShape } from "../relay/plan";

const shapes: LoadShape[] = [
  { key: "many", label: "many", phones: 10, messagesPerPhone: 1, concurrency: 5, burst: false },
  { key: "burst", label: "burst", phones: 1, messagesPerPhone: 10, concurrency: 5, burst: true },
];
const summary = (p50: number, p99: number) => ({ count: 10, p50, p99, min: p50, max: p99 });
const client = (perSecond: number, disturbed = false): ClientMeasure => ({ requests: 10, non2xx: 0, timedOut: false, webhookMs: summary(5, 10), perSecond, cpuMsPerMessage: 2, workerdCpuMsPerMessage: 1, disturbed });
type Flaws = { lost?: number; reordered?: number; disturbed?: boolean };
const relay = (perSecond: number, dispatchP50: number, flaws: Flaws = {}): RelayMeasure & { drained: boolean } => ({
  ...client(perSecond, flaws.disturbed),
  dispatchMs: summary(dispatchP50, dispatchP50 * 3),
  sendToVmMs: summary(dispatchP50 + 5, dispatchP50 * 3 + 5),
  neverDispatched: 0,
  rowsWritten: 200,
  rowsPerMessage: 20,
  enqueueRowsPerMessage: 8,
  queuedOutOfOrder: 0,
  replies: { messages: 10, answeredOnce: 10 - (flaws.lost ?? 0), lost: flaws.lost ?? 0, duplicated: 0, reorderedPhones: flaws.reordered ?? 0, unexpected: 0, acks: 0, batchedReplies: 0, replies: 10, refusedUnanswered: 0, lostTexts: [], duplicatedTexts: [] },
  drainMs: 50,
  drained: true,
});
const pair = (floor: number, relayRate: number, dispatch: number, flaws: Flaws = {}): RoundPair => ({
  floor: { many: client(floor), burst: client(floor) },
  relay: { many: relay(relayRate, dispatch, flaws), burst: relay(relayRate, dispatch) },
});
const find = (figures: Figure[], name: string) => figures.find((f) => f.name === name)!;

it("reports the median of per-round ratios to the floor round just before, judged on the many-phone loads only", () => {
  // Rounds where the machine got slower: the ratio stays 0.9 even though rates drift.
  const figures = relayFigures(shapes, [pair(100, 90, 4), pair(50, 45, 20), pair(200, 180, 6)]);
  expect(find(figures, "throughput vs floor [many]")).toMatchObject({ value: 0.9, target: "≥ 0.8x", pass: true });
  expect(find(figures, "webhooks/s [many]")).toMatchObject({ value: 90, note: "floor 100 /s; 3 of 3 rounds" });
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
