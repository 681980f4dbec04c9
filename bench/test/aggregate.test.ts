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
const client = (perSecond: number, p50 = 5): ClientMeasure => ({ requests: 10, non2xx: 0, timedOut: false, webhookMs: summary(p50, p50 * 2), perSecond, cpuMsPerMessage: 2, workerdCpuMsPerMessage: 1 });
const relay = (perSecond: number, dispatchP50: number, flaws: { lost?: number; reordered?: number } = {}): RelayMeasure & { drained: boolean } => ({
  ...client(perSecond),
  dispatchMs: summary(dispatchP50, dispatchP50 * 3),
  sendToVmMs: summary(dispatchP50 + 5, dispatchP50 * 3 + 5),
  neverDispatched: 0,
  rowsWritten: 200,
  rowsPerMessage: 20,
  enqueueRowsPerMessage: 8,
  queuedOutOfOrder: 0,
  replies: { messages: 10, answeredOnce: 10 - (flaws.lost ?? 0), lost: flaws.lost ?? 0, duplicated: 0, reorderedPhones: flaws.reordered ?? 0, unexpected: 0, acks: 0, batchedReplies: 0, replies: 10, lostTexts: [] },
  drainMs: 50,
  drained: true,
});
const pair = (floor: number, relayRate: number, dispatch: number, flaws = {}): RoundPair => ({
  floor: { many: client(floor), burst: client(floor) },
  relay: { many: relay(relayRate, dispatch, flaws), burst: relay(relayRate, dispatch) },
});
const find = (figures: Figure[], name: string) => figures.find((f) => f.name === name)!;

it("reports the median of per-round ratios to the floor round just before, judged on the many-phone loads only", () => {
  // Rounds where the machine got slower: the ratio stays 0.9 even though rates drift.
  const figures = relayFigures(shapes, [pair(100, 90, 4), pair(50, 45, 20), pair(200, 180, 6)]);
  expect(find(figures, "throughput vs floor [many]")).toMatchObject({ value: 0.9, target: "≥ 0.8x", pass: true });
  expect(find(figures, "webhooks/s [many]")).toMatchObject({ value: 90, note: "floor 100 /s" });
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
  expect(find(figures, "messages lost or answered twice")).toMatchObject({ value: 1, pass: false, note: "of 60, all loads and rounds" });
  expect(find(figures, "phones answered out of order")).toMatchObject({ value: 2, pass: false });
  expect(find(figures, "webhooks not answered 200")).toMatchObject({ value: 0, pass: true });
});
