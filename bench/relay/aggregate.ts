// Folds the relay benchmark's rounds into its reported figures: medians across rounds for
// timings, rates and ratios to the two floors, sums across rounds for anything lost, duplicated
// or out of order.
// A load during which wrangler reloaded a Worker (someone edited a source file) is disturbed:
// left out of the medians, and its correctness counts reported apart.
import { atLeast, atMost, exactly, type Figure, info, judged, type Target } from "../lib/figures";
import { median } from "../lib/stats";
import type { ClientMeasure, RelayMeasure } from "./measure";
import type { LoadShape } from "./plan";

export type RelayLoadMeasure = RelayMeasure & { drained: boolean };
/** One round: each load on the hello-world floor, then on the durable floor, then on the relay. */
export type RoundPair = {
  floor: Record<string, ClientMeasure>;
  /** The durable floor (fixtures/durable-floor-worker): signature, form, one Durable Object insert. */
  durable: Record<string, ClientMeasure>;
  relay: Record<string, RelayLoadMeasure>;
  /** The relay answering senders not on its allowlist (see workerAloneShape), paired with the floor's `pairedWith` load. */
  workerAlone?: { measure: ClientMeasure; pairedWith: string; label: string };
};

export const TARGETS = {
  throughputRatio: atLeast(0.8, "x"),
  throughputVsDurable: atLeast(0.8, "x"),
  p99VsDurable: atMost(1.25, "x"),
  rowsPerMessage: atMost(20, " rows"),
  dispatchP50Ms: atMost(10, " ms"),
  // 100, 150, 175, then issue 62's 180; a maintained library is never replaced to save bytes (docs/notes/worker-bundle-target.md).
  bundleGzipKiB: atMost(180, " KiB"),
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
  const relay = rounds.map((r) => r.relay[shape.key]).filter(clean);
  const floor = rounds.map((r) => r.floor[shape.key]).filter(clean);
  const durable = rounds.map((r) => r.durable[shape.key]).filter(clean);
  const m = median;
  const tag = ` [${shape.label}]`;
  const relayOf = (f: (x: RelayLoadMeasure) => number) => m(relay.map(f));
  const floorOf = (f: (x: ClientMeasure) => number) => fmt(m(floor.map(f)));
  const durableOf = (f: (x: ClientMeasure) => number) => fmt(m(durable.map(f)));
  const floors = (f: (x: ClientMeasure) => number, unit: string) => `floor ${floorOf(f)}${unit}; durable floor ${durableOf(f)}${unit}`;
  const ratio = (of: "floor" | "durable", f: (x: ClientMeasure) => number) => pairedRatio(rounds, shape.key, of, f);
  // The targets are about many independent phones; one phone's burst waits on its own runs.
  const judge = (name: string, value: number, unit: string, target: Target, note?: string) =>
    shape.burst ? info(SECTION, name, value, unit, note) : judged(SECTION, name, value, unit, target, note);
  const rounded = `${relay.length} of ${rounds.length} rounds`;
  const p99 = (x: ClientMeasure) => x.webhookMs.p99;
  const rate = (x: ClientMeasure) => x.perSecond;
  return [
    info(SECTION, `webhook latency p50${tag}`, relayOf((x) => x.webhookMs.p50), "ms", floors((x) => x.webhookMs.p50, " ms")),
    info(SECTION, `webhook latency p99${tag}`, relayOf(p99), "ms", floors(p99, " ms")),
    info(SECTION, `webhooks/s${tag}`, relayOf(rate), "/s", `${floors(rate, " /s")}; ${rounded}`),
    judge(`throughput vs floor${tag}`, ratio("floor", rate), "x", TARGETS.throughputRatio),
    judge(`throughput vs durable floor${tag}`, ratio("durable", rate), "x", TARGETS.throughputVsDurable),
    judge(`webhook latency p99 vs durable floor${tag}`, ratio("durable", p99), "x", TARGETS.p99VsDurable, `vs floor ${fmt(ratio("floor", p99))}x`),
    judge(`dispatch latency p50${tag}`, relayOf((x) => x.dispatchMs.p50), "ms", TARGETS.dispatchP50Ms, shape.burst ? "queues behind the phone's own runs" : undefined),
    info(SECTION, `dispatch latency p99${tag}`, relayOf((x) => x.dispatchMs.p99), "ms"),
    info(
      SECTION,
      `CPU / message, wrangler+workerd${tag}`,
      relayOf((x) => x.cpuMsPerMessage),
      "ms",
      `workerd ${fmt(relayOf((x) => x.workerdCpuMsPerMessage))} ms; floor ${floorOf((x) => x.cpuMsPerMessage)} ms (workerd ${floorOf((x) => x.workerdCpuMsPerMessage)}); durable floor ${durableOf((x) => x.cpuMsPerMessage)} ms (workerd ${durableOf((x) => x.workerdCpuMsPerMessage)})`,
    ),
    rowsFigure(`SQLite rows written / message${tag}`, relay, !shape.burst),
  ];
}

/**
 * Rows per message end to end, judged when every part is in the logs. The relay logs a
 * delivery_status line only for a callback that wrote rows, so a callback without one counts 0.
 * But a load whose callbacks had to move rows (delivered, read…) and logged no such line at all
 * does not report them: then the value is a lower bound, judged only if it already misses.
 */
function rowsFigure(name: string, loads: readonly RelayLoadMeasure[], judge: boolean): Figure {
  const m = (f: (x: RelayLoadMeasure) => number | null) => {
    const values = loads.map(f);
    return values.some((v) => v === null) ? null : median(values as number[]);
  };
  const total = m((x) => x.rowsPerMessage) ?? Number.NaN;
  const storing = m((x) => x.rowsPerMessageByPart.storing);
  const run = m((x) => x.rowsPerMessageByPart.run);
  const outbox = m((x) => x.rowsPerMessageByPart.outbox);
  const status = m((x) => x.rowsPerMessageByPart.statusCallbacks);
  const posted = loads.reduce((n, x) => n + x.statusCallbacks.posted, 0);
  const movingARow = loads.reduce((n, x) => n + x.statusCallbacks.movingARow, 0);
  const logged = loads.reduce((n, x) => n + x.rows.statusLines, 0);
  const unmatched = loads.reduce((n, x) => n + x.rows.statusUnmatched, 0);
  const unmatchedNote = unmatched > 0 ? `; ${unmatched} for a message the relay had no row for` : "";
  const parts = [
    `storing ${fmtOrNull(storing)}`,
    outbox === null ? `run and outbox ${fmtOrNull(run)} (not split in the logs)` : `run ${fmtOrNull(run)}, outbox ${fmt(outbox)}`,
    status === null
      ? `status callbacks not logged (${posted} posted, ${movingARow} moving a row): a lower bound`
      : posted === 0
        ? "no status callbacks"
        : `status callbacks ${fmt(status)} (${logged} lines for ${movingARow} callbacks moving a row, of ${posted} posted${unmatchedNote})`,
  ];
  const note = [parts.join(", "), tablesNote(loads)].filter(Boolean).join("; by table: ");
  if (!judge) return info(SECTION, name, total, "rows", note);
  const figure = judged(SECTION, name, total, "rows", TARGETS.rowsPerMessage, note);
  const lowerBound = status === null;
  return lowerBound && figure.pass === true ? { ...figure, pass: null } : figure;
}

const STEP_NAMES = { storing: "storing", run: "run and outbox", statusCallbacks: "status callbacks" } as const;

/**
 * Where each step's rows went, per message: for each table its median over rounds (a round that
 * wrote none to it counts 0), the largest first, so the parts need not add up to the median total.
 * Empty when no line carried rowsByTable.
 */
export function tablesNote(loads: readonly Pick<RelayLoadMeasure, "rowsPerMessageByTable">[]): string {
  const steps = (Object.keys(STEP_NAMES) as (keyof typeof STEP_NAMES)[]).flatMap((step) => {
    const tables = new Set(loads.flatMap((x) => Object.keys(x.rowsPerMessageByTable?.[step] ?? {})));
    const medians = [...tables].map((table) => [table, median(loads.map((x) => x.rowsPerMessageByTable?.[step]?.[table] ?? 0))] as const).sort((a, b) => b[1] - a[1]);
    return medians.length === 0 ? [] : [`${STEP_NAMES[step]}: ${medians.map(([table, n]) => `${table} ${fmt(n)}`).join(", ")}`];
  });
  return steps.join("; ");
}

/** The median over rounds of relay ÷ the floor (or durable floor) of the same round, both undisturbed. */
function pairedRatio(rounds: readonly RoundPair[], key: string, of: "floor" | "durable", f: (x: ClientMeasure) => number): number {
  // Each relay round against the same round's floor load, run shortly before it, so slow drift on a shared machine cancels.
  return median(
    rounds.flatMap((r) => {
      const [base, relay] = [r[of][key], r.relay[key]];
      return clean(base) && clean(relay) ? [f(relay) / f(base)] : [];
    }),
  );
}

const clean = <T extends ClientMeasure>(m: T | undefined): m is T => m !== undefined && !m.disturbed;

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

const fmtOrNull = (value: number | null) => (value === null ? "n/a" : fmt(value));
