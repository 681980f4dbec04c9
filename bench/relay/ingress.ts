// The ingress load: the relay's target as the issue defines it. Signed webhooks from 40
// senders, 50 in flight, with the agent side down (VM_URL refuses connections), so the relay
// only stores each message and fails its dispatch fast; side by side with both floors. Pure:
// the shape, what the relay's log lines say about a load, and the figures over rounds.
import { atLeast, atMost, exactly, type Figure, info, judged } from "../lib/figures";
import { median } from "../lib/stats";
import type { ClientMeasure } from "./measure";
import type { LoadShape } from "./plan";
import { queuedIds } from "./queued-lines";
import { rowsByPart } from "./rows";

/** Load indexes of phoneOf no other load uses, so these senders are always fresh objects. */
export const INGRESS_LOAD_INDEX = 8;
export const INGRESS_WARM_LOAD_INDEX = 7;

export function ingressShape(quick: boolean): LoadShape {
  // 1,000 webhooks (200 quick) from 40 senders: more in flight than senders, so spread.
  return { key: "ingress", label: "ingress, agent down: 40 phones, 50 in flight", phones: 40, messagesPerPhone: quick ? 5 : 25, concurrency: 50, burst: false, spread: true };
}

/** Few phones, so their dispatch retries (alarms 5 s, 10 s… later) hardly touch the measured load. */
export const INGRESS_WARM_UP: LoadShape = { key: "ingress-warm", label: "ingress warm-up", phones: 3, messagesPerPhone: 3, concurrency: 3, burst: false };

export type IngressMeasure = ClientMeasure & {
  /** Of the load's messages, those the relay logged as stored (message_queued). */
  stored: number;
  /** The relay's log lines during the load and its settling, by event (pump_done, alarm_done, …). */
  events: Record<string, number>;
  /** SQLite rows the relay's log lines say were written (storing, pumps and alarms, status callbacks). */
  rowsWritten: number;
};

/** One round: the same load on the hello-world floor, the durable floor, then the relay with its agent down. */
export type IngressRound = { floor: ClientMeasure; durable: ClientMeasure; relay: IngressMeasure };

/** How many of `sids` the relay's logs say it stored, and its log lines counted by event. */
export function readIngressLogs(logs: readonly Record<string, unknown>[], sids: ReadonlySet<string>): Pick<IngressMeasure, "stored" | "events" | "rowsWritten"> {
  const stored = new Set<string>();
  const events: Record<string, number> = {};
  for (const line of logs) {
    const event = String(line.event ?? "unknown");
    events[event] = (events[event] ?? 0) + 1;
    for (const id of queuedIds(line)) if (sids.has(id)) stored.add(id);
  }
  return { stored: stored.size, events, rowsWritten: rowsByPart(logs).total };
}

/**
 * What the ingress target judges: rate and workerd CPU against the durable floor, rows, losses.
 * The known senders' p99 is reported beside them, not judged (issue 47).
 */
export const INGRESS_TARGETS = {
  throughputVsDurable: atLeast(0.8, "x"),
  cpuVsDurable: atMost(1.25, "x"),
  rowsPerMessage: atMost(20, " rows"),
  none: exactly(0),
};

const SECTION = "ingress";

/**
 * One round's relay ÷ durable floor: what the target judges in each round (throughput, workerd
 * CPU), and what it reports beside (`p99`, over senders whose objects exist; `p99All`, the whole
 * load's; `firstMessageP50`, a phone's first message against the durable floor's first insert).
 * NaN when the round was disturbed.
 */
export type IngressRatios = { round: number; throughput: number; p99: number; p99All: number; firstMessageP50: number; workerdCpu: number; rowsPerMessage: number; disturbed: boolean };

/** p99 over the messages of senders whose objects exist (measure.ts splitBySender). */
export const knownP99 = (x: ClientMeasure) => x.bySender?.knownMs.p99 ?? Number.NaN;
/** A phone's first message: the one that makes its object. */
export const firstP50 = (x: ClientMeasure) => x.bySender?.firstMs.p50 ?? Number.NaN;

export function ingressRatios(rounds: readonly IngressRound[]): IngressRatios[] {
  return rounds.map((r, i) => {
    const disturbed = r.floor.disturbed || r.durable.disturbed || r.relay.disturbed;
    const ratio = (f: (x: ClientMeasure) => number) => (disturbed ? Number.NaN : f(r.relay) / f(r.durable));
    return {
      round: i + 1,
      throughput: ratio((x) => x.perSecond),
      p99: ratio(knownP99),
      p99All: ratio((x) => x.webhookMs.p99),
      firstMessageP50: ratio(firstP50),
      workerdCpu: ratio((x) => x.workerdCpuMsPerMessage),
      rowsPerMessage: r.relay.requests > 0 ? r.relay.rowsWritten / r.relay.requests : Number.NaN,
      disturbed,
    };
  });
}

/**
 * Each round judged on its own (the target holds in every round of one run), then the medians
 * over undisturbed rounds; the ratios pair each relay load with the same round's floors.
 */
export function ingressFigures(label: string, rounds: readonly IngressRound[]): Figure[] {
  if (rounds.length === 0) return [];
  const clean = rounds.filter((r) => !r.floor.disturbed && !r.durable.disturbed && !r.relay.disturbed);
  const ratios = ingressRatios(rounds);
  const cleanRatios = ratios.filter((r) => !r.disturbed);
  const tag = ` [${label}]`;
  const m = (f: (r: IngressRound) => number) => median(clean.map(f));
  const mr = (f: (r: IngressRatios) => number) => median(cleanRatios.map(f));
  const floors = (f: (x: ClientMeasure) => number, unit: string) => `floor ${fmt(m((r) => f(r.floor)))}${unit}; durable floor ${fmt(m((r) => f(r.durable)))}${unit}`;
  const rate = (x: ClientMeasure) => x.perSecond;
  const p99 = (x: ClientMeasure) => x.webhookMs.p99;
  const firstMax = (x: ClientMeasure) => x.bySender?.firstMs.max ?? Number.NaN;
  const split = (x: ClientMeasure) => (x.bySender ? `${x.bySender.knownMs.count} of ${x.requests} messages; ${x.bySender.whileFirstOpen} sent while their phone's first was unanswered, in neither` : "no split");
  const workerd = (x: ClientMeasure) => x.workerdCpuMsPerMessage;
  const perMessage = (r: IngressRound, event: string) => (r.relay.events[event] ?? 0) / r.relay.requests;
  const sum = (f: (r: IngressRound) => number) => rounds.reduce((n, r) => n + f(r), 0);
  const lost = sum((r) => r.relay.non2xx + Math.max(0, r.relay.requests - r.relay.non2xx - r.relay.stored));
  const perRound = ratios.flatMap((x, i) => {
    const r = rounds[i]!;
    const rtag = ` [${label}, round ${x.round}]`;
    const note = x.disturbed ? "wrangler reloaded during the round: not judged" : undefined;
    return [
      judged(SECTION, `throughput vs durable floor${rtag}`, x.throughput, "x", INGRESS_TARGETS.throughputVsDurable, note ?? `relay ${fmt(rate(r.relay))} /s; durable floor ${fmt(rate(r.durable))} /s; floor ${fmt(rate(r.floor))} /s`),
      // Reported, not judged (issue 47).
      info(SECTION, `webhook latency p99, senders whose objects exist, vs durable floor${rtag}`, x.p99, "x", note ?? `relay ${fmt(knownP99(r.relay))} ms; durable floor ${fmt(knownP99(r.durable))} ms; floor ${fmt(knownP99(r.floor))} ms; relay: ${split(r.relay)}`),
      judged(SECTION, `workerd CPU / message vs durable floor${rtag}`, x.workerdCpu, "x", INGRESS_TARGETS.cpuVsDurable, note ?? `relay ${fmt(workerd(r.relay))} ms; durable floor ${fmt(workerd(r.durable))} ms; floor ${fmt(workerd(r.floor))} ms`),
    ];
  });
  return [
    ...perRound,
    info(SECTION, `webhooks/s${tag}`, m((r) => rate(r.relay)), "/s", `${floors(rate, " /s")}; ${clean.length} of ${rounds.length} rounds`),
    info(SECTION, `webhook latency p50${tag}`, m((r) => r.relay.webhookMs.p50), "ms", floors((x) => x.webhookMs.p50, " ms")),
    info(SECTION, `webhook latency p99${tag}`, m((r) => p99(r.relay)), "ms", floors(p99, " ms")),
    judged(SECTION, `throughput vs durable floor, median${tag}`, mr((x) => x.throughput), "x", INGRESS_TARGETS.throughputVsDurable, `vs floor ${fmt(m((r) => rate(r.relay) / rate(r.floor)))}x`),
    // Not judged (issue 47): reported beside the judged rate and CPU.
    info(SECTION, `webhook latency p99, senders whose objects exist, vs durable floor, median${tag}`, mr((x) => x.p99), "x", `relay ${fmt(m((r) => knownP99(r.relay)))} ms; durable floor ${fmt(m((r) => knownP99(r.durable)))} ms; vs floor ${fmt(m((r) => knownP99(r.relay) / knownP99(r.floor)))}x`),
    // Not judged: the whole load's p99 is the first requests meeting 40 new objects' start at once.
    info(SECTION, `webhook latency p99, whole load, vs durable floor, median${tag}`, mr((x) => x.p99All), "x", `relay ${fmt(m((r) => p99(r.relay)))} ms; durable floor ${fmt(m((r) => p99(r.durable)))} ms; the first requests meet the new senders' objects' start`),
    // Not judged: a phone's first message makes its object, once in the phone's life.
    info(
      SECTION,
      `a phone's first message: latency p50 vs the durable floor's first insert, median${tag}`,
      mr((x) => x.firstMessageP50),
      "x",
      `relay p50 ${fmt(m((r) => firstP50(r.relay)))} ms (max ${fmt(m((r) => firstMax(r.relay)))}); durable floor p50 ${fmt(m((r) => firstP50(r.durable)))} ms (max ${fmt(m((r) => firstMax(r.durable)))}); per round: ${ratios.map((x) => fmt(x.firstMessageP50)).join(", ")}`,
    ),
    info(
      SECTION,
      `workerd CPU / message${tag}`,
      m((r) => workerd(r.relay)),
      "ms",
      `floor ${fmt(m((r) => workerd(r.floor)))} ms; durable floor ${fmt(m((r) => workerd(r.durable)))} ms; with wrangler: relay ${fmt(m((r) => r.relay.cpuMsPerMessage))}, durable floor ${fmt(m((r) => r.durable.cpuMsPerMessage))} ms; relay's log lines per message: ${[...new Set(clean.flatMap((r) => Object.keys(r.relay.events)))].map((e) => `${e} ${fmt(m((r) => perMessage(r, e)))}`).join(", ")}`,
    ),
    judged(SECTION, `workerd CPU / message vs durable floor, median${tag}`, mr((x) => x.workerdCpu), "x", INGRESS_TARGETS.cpuVsDurable, `vs floor ${fmt(m((r) => workerd(r.relay) / workerd(r.floor)))}x`),
    // Rows do not depend on the machine's load: every round counts, disturbed or not; the worst is judged.
    judged(SECTION, `SQLite rows written / message, worst round${tag}`, Math.max(...ratios.map((x) => x.rowsPerMessage)), "rows", INGRESS_TARGETS.rowsPerMessage, `per round: ${ratios.map((x) => fmt(x.rowsPerMessage)).join(", ")}; from the relay's rowsWritten log fields (storing, pumps and alarms, status callbacks)`),
    judged(SECTION, `webhooks not answered 200, or not stored${tag}`, lost, "", INGRESS_TARGETS.none, `${sum((r) => r.relay.stored)} of ${sum((r) => r.relay.requests)} stored (message_queued), all rounds`),
  ];
}

function fmt(value: number): string {
  return Number.isNaN(value) ? "n/a" : value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1) : value.toFixed(2);
}
