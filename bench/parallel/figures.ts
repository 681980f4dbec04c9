// The parallel benchmark's figures: a second conversation's run → its first model request with a
// long run live in another conversation, against the same with nothing else running (judged on the
// difference of the p50s), and three runs started at once with the VM's peak memory. Pure.
import { atMost, exactly, type Figure, info, judged } from "../lib/figures";
import { p50DifferenceFigure, roundDifferences } from "../lib/side-by-side";
import { median } from "../lib/stats";
import { type ParallelSide, SIDE_LABELS } from "./plan";

export type SecondSample = {
  side: ParallelSide;
  round: number;
  /** B's run sent (POST /v1/runs) → the model's first request carrying its text: the figure. */
  firstModelMs: number | null;
  /** B's run ended with done (else the error, named). */
  error: string | null;
  /** Beside only: A's run still live when B's request reached the model (A's stream not yet ended). */
  longRunLive: boolean | null;
};

export type TripleRun = { firstModelMs: number | null; error: string | null };
export type TripleRound = {
  round: number;
  /** In the order they were started, within a millisecond of each other. */
  runs: TripleRun[];
  /** The VM process tree's largest summed RSS while the three went, and its process count then. */
  peakRssMb: number;
  peakProcesses: number;
  /** The same tree's RSS just before the round (the server alone). */
  idleRssMb: number;
};

export const TARGETS = {
  /** A second conversation's message waits no longer for a run beside it: at most 10 ms (p50) over alone. */
  besideOverAloneP50: atMost(10, " ms"),
  none: exactly(0),
};

const SECTION = "parallel";

/** Why a sample does not measure the path (the figures leave it out), or null. */
export function sampleProblem(s: SecondSample): string | null {
  if (s.error !== null) return `run failed: ${s.error}`;
  if (s.firstModelMs === null) return "no model request";
  if (s.side === "beside" && s.longRunLive !== true) return "the long run had ended before the model was asked";
  return null;
}

export function pairedDifferences(samples: readonly SecondSample[]): number[] {
  const valid = samples.filter((s) => sampleProblem(s) === null);
  return roundDifferences(valid.map((s) => ({ side: s.side, round: s.round, value: s.firstModelMs! })), "beside", "alone");
}

export type SideSummary = { side: ParallelSide; count: number; valid: number; p50: number; min: number; max: number };

export function summarizeSide(side: ParallelSide, samples: readonly SecondSample[]): SideSummary {
  const mine = samples.filter((s) => s.side === side);
  const times = mine.filter((s) => sampleProblem(s) === null).map((s) => s.firstModelMs!);
  return {
    side,
    count: mine.length,
    valid: times.length,
    p50: median(times),
    min: times.length === 0 ? Number.NaN : Math.min(...times),
    max: times.length === 0 ? Number.NaN : Math.max(...times),
  };
}

/** Each start position's median over rounds (runs that failed or never reached the model left out). */
export function tripleMedians(rounds: readonly TripleRound[]): number[] {
  const width = Math.max(0, ...rounds.map((r) => r.runs.length));
  return Array.from({ length: width }, (_, i) =>
    median(rounds.map((r) => r.runs[i]).filter((run): run is TripleRun => run !== undefined && run.error === null && run.firstModelMs !== null).map((run) => run.firstModelMs!)),
  );
}

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 10) / 10} ms` : "n/a");
const round1 = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : Number.NaN);
const ORDINALS = ["first", "second", "third"];

function spread(s: SideSummary): string {
  const kept = s.valid < s.count ? ` (${s.count - s.valid} of ${s.count} set aside, see details)` : "";
  return `${s.valid} samples, ${ms(s.min)}–${ms(s.max)}${kept}`;
}

export function secondConversationFigures(samples: readonly SecondSample[]): Figure[] {
  const alone = summarizeSide("alone", samples);
  const beside = summarizeSide("beside", samples);
  const pairs = pairedDifferences(samples);
  const problems = samples.filter((s) => sampleProblem(s) !== null).length;
  const name = (side: ParallelSide) => `second conversation, run → first model request, warm, ${SIDE_LABELS[side]} (p50)`;
  return [
    p50DifferenceFigure(SECTION, "second conversation, run → first model request: beside a long run over alone (p50 − p50)", TARGETS.besideOverAloneP50, { label: "beside", p50: beside.p50 }, { label: "alone", p50: alone.p50 }, pairs),
    info(SECTION, name("beside"), round1(beside.p50), "ms", spread(beside)),
    info(SECTION, name("alone"), round1(alone.p50), "ms", spread(alone)),
    judged(SECTION, "second-conversation samples set aside (run failed, no model request, long run over)", problems, "", TARGETS.none, problems > 0 ? "each sample's reason is in the details" : undefined),
  ];
}

export function tripleFigures(rounds: readonly TripleRound[]): Figure[] {
  const medians = tripleMedians(rounds);
  const failed = rounds.flatMap((r) => r.runs).filter((run) => run.error !== null || run.firstModelMs === null);
  const peaks = rounds.map((r) => r.peakRssMb);
  const top = rounds.reduce<TripleRound | null>((best, r) => (best === null || r.peakRssMb > best.peakRssMb ? r : best), null);
  return [
    ...medians.map((v, i) =>
      info(SECTION, `three runs at once, new CLIs: the ${ORDINALS[i] ?? `#${i + 1}`} started → its first model request (median)`, round1(v), "ms", `${rounds.length} rounds`),
    ),
    info(
      SECTION,
      "three runs at once: the VM process tree's peak RSS",
      top === null ? Number.NaN : top.peakRssMb,
      "MB",
      top === null
        ? undefined
        : `the largest of ${rounds.length} rounds (median of the rounds' peaks ${Math.round(median(peaks))} MB), ${top.peakProcesses} processes then; the server alone before it ${top.idleRssMb} MB; summed VmRSS, shared pages counted in each process`,
    ),
    judged(SECTION, "three-run runs that failed or never reached the model", failed.length, "", TARGETS.none, failed.length > 0 ? `first: ${failed[0]!.error ?? "no model request"}` : undefined),
  ];
}
