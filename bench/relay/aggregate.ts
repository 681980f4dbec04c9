// Folds the relay benchmark's rounds into its reported figures: medians across rounds for
// timings and rates, sums across rounds for anything lost, duplicated or out of order.
import { atLeast, atMost, exactly, type Figure, info, judged } from "../lib/figures";
import { median } from "../lib/stats";
import type { ClientMeasure, RelayMeasure } from "./measure";
import type { LoadShape } from "./plan";

export type RoundPair = { floor: Record<string, ClientMeasure>; relay: Record<string, RelayMeasure & { drained: boolean }> };

export const TARGETS = {
  throughputRatio: atLeast(0.8, "x"),
  dispatchP50Ms: atMost(10, " ms"),
  bundleGzipKiB: atMost(100, " KiB"),
  none: exactly(0),
};

const SECTION = "relay";

export function relayFigures(shapes: readonly LoadShape[], rounds: readonly RoundPair[]): Figure[] {
  const figures: Figure[] = [];
  for (const shape of shapes) {
    const relay = rounds.map((r) => r.relay[shape.key]).filter((m) => m !== undefined);
    const floor = rounds.map((r) => r.floor[shape.key]).filter((m) => m !== undefined);
    // Each relay round against the floor round just before it, so slow drift on a shared machine cancels.
    const ratios = rounds.flatMap((r) => {
      const [f, w] = [r.floor[shape.key], r.relay[shape.key]];
      return f && w ? [w.perSecond / f.perSecond] : [];
    });
    const m = (values: number[]) => median(values);
    const tag = ` [${shape.label}]`;
    // The targets are about many independent phones; one phone's burst waits on its own runs.
    const judgedHere = !shape.burst;
    figures.push(
      info(SECTION, `webhook latency p50${tag}`, m(relay.map((x) => x.webhookMs.p50)), "ms", `floor ${fmt(m(floor.map((x) => x.webhookMs.p50)))} ms`),
      info(SECTION, `webhook latency p99${tag}`, m(relay.map((x) => x.webhookMs.p99)), "ms", `floor ${fmt(m(floor.map((x) => x.webhookMs.p99)))} ms`),
      info(SECTION, `webhooks/s${tag}`, m(relay.map((x) => x.perSecond)), "/s", `floor ${fmt(m(floor.map((x) => x.perSecond)))} /s`),
      judgedHere ? judged(SECTION, `throughput vs floor${tag}`, m(ratios), "x", TARGETS.throughputRatio) : info(SECTION, `throughput vs floor${tag}`, m(ratios), "x"),
      judgedHere
        ? judged(SECTION, `dispatch latency p50${tag}`, m(relay.map((x) => x.dispatchMs.p50)), "ms", TARGETS.dispatchP50Ms)
        : info(SECTION, `dispatch latency p50${tag}`, m(relay.map((x) => x.dispatchMs.p50)), "ms", "queues behind the phone's own runs"),
      info(SECTION, `dispatch latency p99${tag}`, m(relay.map((x) => x.dispatchMs.p99)), "ms"),
      info(SECTION, `CPU / message, wrangler+workerd${tag}`, m(relay.map((x) => x.cpuMsPerMessage)), "ms", `workerd ${fmt(m(relay.map((x) => x.workerdCpuMsPerMessage)))} ms; floor ${fmt(m(floor.map((x) => x.cpuMsPerMessage)))} ms (workerd ${fmt(m(floor.map((x) => x.workerdCpuMsPerMessage)))})`),
      info(SECTION, `SQLite rows written / message${tag}`, m(relay.map((x) => x.rowsPerMessage)), "rows", `${fmt(m(relay.map((x) => x.enqueueRowsPerMessage)))} storing it, the rest in alarms`),
    );
  }
  const all = rounds.flatMap((r) => Object.values(r.relay));
  const sum = (f: (x: RelayMeasure) => number) => all.reduce((n, x) => n + f(x), 0);
  const messages = sum((x) => x.replies.messages);
  figures.push(
    judged(SECTION, "webhooks not answered 200", sum((x) => x.non2xx), "", TARGETS.none, `of ${sum((x) => x.requests)}`),
    judged(SECTION, "messages lost or answered twice", sum((x) => x.replies.lost + x.replies.duplicated + x.replies.unexpected), "", TARGETS.none, `of ${messages}, all loads and rounds`),
    judged(SECTION, "phones answered out of order", sum((x) => x.replies.reorderedPhones + x.queuedOutOfOrder), "", TARGETS.none),
  );
  return figures;
}

function fmt(value: number): string {
  return Number.isNaN(value) ? "n/a" : value >= 100 ? value.toFixed(0) : value.toFixed(1);
}
