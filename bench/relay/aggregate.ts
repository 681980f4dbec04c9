// Folds the relay benchmark's rounds into its reported figures: medians across rounds for
// timings and rates, sums across rounds for anything lost, duplicated or out of order.
// A load during which wrangler reloaded a Worker (someone edited a source file) is disturbed:
// left out of the medians, and its correctness counts reported apart.
import { atLeast, atMost, exactly, type Figure, info, judged } from "../lib/figures";
import { median } from "../lib/stats";
import type { ClientMeasure, RelayMeasure } from "./measure";
import type { LoadShape } from "./plan";

export type RelayLoadMeasure = RelayMeasure & { drained: boolean };
export type RoundPair = {
  floor: Record<string, ClientMeasure>;
  relay: Record<string, RelayLoadMeasure>;
  /** The relay answering senders not on its allowlist (see workerAloneShape), paired with the floor's `pairedWith` load. */
  workerAlone?: { measure: ClientMeasure; pairedWith: string; label: string };
};

export const TARGETS = {
  throughputRatio: atLeast(0.8, "x"),
  dispatchP50Ms: atMost(10, " ms"),
  bundleGzipKiB: atMost(100, " KiB"),
  none: exactly(0),
};

const SECTION = "relay";

export function relayFigures(shapes: readonly LoadShape[], rounds: readonly RoundPair[]): Figure[] {
  return [...shapes.flatMap((shape) => loadFigures(shape, rounds)), ...workerAloneFigures(rounds), ...correctnessFigures(rounds)];
}

/** Reported, not judged: the part of a webhook's cost that is the Worker's own checks. */
function workerAloneFigures(rounds: readonly RoundPair[]): Figure[] {
  const usable = rounds.flatMap((r) => {
    const floor = r.workerAlone && r.floor[r.workerAlone.pairedWith];
    return r.workerAlone && floor && !r.workerAlone.measure.disturbed && !floor.disturbed ? [{ alone: r.workerAlone, floor }] : [];
  });
  if (usable.length === 0) return [];
  const tag = ` [${usable[0]!.alone.label}]`;
  const m = (f: (x: { alone: { measure: ClientMeasure }; floor: ClientMeasure }) => number) => median(usable.map(f));
  return [
    info(SECTION, `webhooks/s${tag}`, m((x) => x.alone.measure.perSecond), "/s", `floor ${fmt(m((x) => x.floor.perSecond))} /s; ${usable.length} of ${rounds.length} rounds`),
    info(SECTION, `throughput vs floor${tag}`, m((x) => x.alone.measure.perSecond / x.floor.perSecond), "x", "no Durable Object, no agent work: the Worker's checks alone"),
    info(
      SECTION,
      `CPU / message, wrangler+workerd${tag}`,
      m((x) => x.alone.measure.cpuMsPerMessage),
      "ms",
      `workerd ${fmt(m((x) => x.alone.measure.workerdCpuMsPerMessage))} ms; floor ${fmt(m((x) => x.floor.cpuMsPerMessage))} ms (workerd ${fmt(m((x) => x.floor.workerdCpuMsPerMessage))})`,
    ),
  ];
}

function loadFigures(shape: LoadShape, rounds: readonly RoundPair[]): Figure[] {
  const clean = <T extends ClientMeasure>(m: T | undefined): m is T => m !== undefined && !m.disturbed;
  const relay = rounds.map((r) => r.relay[shape.key]).filter(clean);
  const floor = rounds.map((r) => r.floor[shape.key]).filter(clean);
  // Each relay round against the floor round just before it, so slow drift on a shared machine cancels.
  const ratios = rounds.flatMap((r) => {
    const [f, w] = [r.floor[shape.key], r.relay[shape.key]];
    return clean(f) && clean(w) ? [w.perSecond / f.perSecond] : [];
  });
  const m = median;
  const tag = ` [${shape.label}]`;
  const relayOf = (f: (x: RelayLoadMeasure) => number) => m(relay.map(f));
  const floorOf = (f: (x: ClientMeasure) => number) => fmt(m(floor.map(f)));
  // The targets are about many independent phones; one phone's burst waits on its own runs.
  const judge = (name: string, value: number, unit: string, target: (typeof TARGETS)[keyof typeof TARGETS], note?: string) =>
    shape.burst ? info(SECTION, name, value, unit, note) : judged(SECTION, name, value, unit, target, note);
  const rounded = `${relay.length} of ${rounds.length} rounds`;
  return [
    info(SECTION, `webhook latency p50${tag}`, relayOf((x) => x.webhookMs.p50), "ms", `floor ${floorOf((x) => x.webhookMs.p50)} ms`),
    info(SECTION, `webhook latency p99${tag}`, relayOf((x) => x.webhookMs.p99), "ms", `floor ${floorOf((x) => x.webhookMs.p99)} ms`),
    info(SECTION, `webhooks/s${tag}`, relayOf((x) => x.perSecond), "/s", `floor ${floorOf((x) => x.perSecond)} /s; ${rounded}`),
    judge(`throughput vs floor${tag}`, m(ratios), "x", TARGETS.throughputRatio),
    judge(`dispatch latency p50${tag}`, relayOf((x) => x.dispatchMs.p50), "ms", TARGETS.dispatchP50Ms, shape.burst ? "queues behind the phone's own runs" : undefined),
    info(SECTION, `dispatch latency p99${tag}`, relayOf((x) => x.dispatchMs.p99), "ms"),
    info(
      SECTION,
      `CPU / message, wrangler+workerd${tag}`,
      relayOf((x) => x.cpuMsPerMessage),
      "ms",
      `workerd ${fmt(relayOf((x) => x.workerdCpuMsPerMessage))} ms; floor ${floorOf((x) => x.cpuMsPerMessage)} ms (workerd ${floorOf((x) => x.workerdCpuMsPerMessage)})`,
    ),
    info(SECTION, `SQLite rows written / message${tag}`, relayOf((x) => x.rowsPerMessage), "rows", `${fmt(relayOf((x) => x.enqueueRowsPerMessage))} storing it, the rest in alarms`),
  ];
}

function correctnessFigures(rounds: readonly RoundPair[]): Figure[] {
  const all = rounds.flatMap((r) => Object.values(r.relay));
  const [clean, disturbed] = [all.filter((x) => !x.disturbed), all.filter((x) => x.disturbed)];
  const sum = (loads: RelayLoadMeasure[], f: (x: RelayLoadMeasure) => number) => loads.reduce((n, x) => n + f(x), 0);
  const flawed = (x: RelayLoadMeasure) => x.replies.lost + x.replies.duplicated + x.replies.unexpected;
  const reordered = (x: RelayLoadMeasure) => x.replies.reorderedPhones + x.queuedOutOfOrder;
  const figures = [
    judged(SECTION, "webhooks not answered 200", sum(clean, (x) => x.non2xx), "", TARGETS.none, `of ${sum(clean, (x) => x.requests)}`),
    judged(SECTION, "messages lost or answered twice", sum(clean, flawed), "", TARGETS.none, `of ${sum(clean, (x) => x.replies.messages)} accepted with 200, all loads and rounds`),
    judged(SECTION, "phones answered out of order", sum(clean, reordered), "", TARGETS.none),
  ];
  if (disturbed.length === 0) return figures;
  const detail = `not 200: ${sum(disturbed, (x) => x.non2xx)}, lost: ${sum(disturbed, (x) => x.replies.lost)}, twice: ${sum(disturbed, (x) => x.replies.duplicated)}, reordered phones: ${sum(disturbed, reordered)}`;
  return [
    ...figures,
    info(SECTION, "relay loads disturbed by a wrangler reload", disturbed.length, "", `left out above; in them ${detail}`),
  ];
}

function fmt(value: number): string {
  return Number.isNaN(value) ? "n/a" : value >= 100 ? value.toFixed(0) : value.toFixed(1);
}
