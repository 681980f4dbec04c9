// The checkpoint-path benchmark's figures: webhook → the model's first request, warm, with the
// VM's checkpoints on and off, side by side; the judged figure is the difference of the p50s. Pure.
import { atMost, exactly, type Figure, info, judged } from "../lib/figures";
import { p50DifferenceFigure, roundDifferences } from "../lib/side-by-side";
import { pathTimings } from "../machines/measure";
import { type CheckpointSide, SIDE_LABELS } from "./path-plan";

export type CheckpointPathSample = {
  side: CheckpointSide;
  round: number;
  sentAt: number;
  webhookStatus: number;
  /** Send → the webhook's status line. */
  webhookMs: number;
  /** Webhook sent → the model's first `POST /v1/messages`: the figure. */
  firstModelMs: number | null;
  /** Webhook sent → the model's first request carrying this turn's text. */
  turnModelMs: number | null;
  /** The figure's two parts, split where the VM took the run (its run log's createdAt). */
  toVmMs: number | null;
  vmToModelMs: number | null;
};

export const TARGETS = {
  /** Issue 30: the warm path with checkpoints is at most 10 ms (p50) over the same path without. */
  overOffP50: atMost(10, " ms"),
  none: exactly(0),
};

const SECTION = "checkpoint-path";

/** Why a sample does not measure the path (the figures leave it out), or null. */
export function sampleProblem(s: CheckpointPathSample): string | null {
  if (s.webhookStatus !== 200) return `webhook answered ${s.webhookStatus}`;
  if (s.firstModelMs === null) return "no model request";
  return null;
}

export type SideSummary = {
  side: CheckpointSide;
  count: number;
  valid: number;
  p50: number;
  min: number;
  max: number;
  turnP50: number;
  toVmP50: number;
  vmToModelP50: number;
  webhookP50: number;
};

export function summarizeSide(side: CheckpointSide, samples: readonly CheckpointPathSample[]): SideSummary {
  const mine = samples.filter((s) => s.side === side);
  const valid = mine.filter((s) => sampleProblem(s) === null);
  const { moreP50: _none, ...timings } = pathTimings(valid);
  return { side, count: mine.length, valid: valid.length, ...timings };
}

export function pairedDifferences(samples: readonly CheckpointPathSample[]): number[] {
  const valid = samples.filter((s) => sampleProblem(s) === null);
  return roundDifferences(valid.map((s) => ({ side: s.side, round: s.round, value: s.firstModelMs! })), "on", "off");
}

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v * 10) / 10} ms` : "n/a");
const round1 = (v: number) => (Number.isFinite(v) ? Math.round(v * 10) / 10 : Number.NaN);

function spread(s: SideSummary): string {
  const kept = s.valid < s.count ? ` (${s.count - s.valid} of ${s.count} set aside, see details)` : "";
  return `${s.valid} samples, ${ms(s.min)}–${ms(s.max)}${kept}; to the VM ${ms(s.toVmP50)}, VM to model ${ms(s.vmToModelP50)} (p50s); webhook answered in ${ms(s.webhookP50)} p50`;
}

/** `reloads`: wrangler's reloads of either relay mid-run (a source file changed: the run is disturbed). */
export function checkpointPathFigures(samples: readonly CheckpointPathSample[], reloads = 0): Figure[] {
  const on = summarizeSide("on", samples);
  const off = summarizeSide("off", samples);
  const pairs = pairedDifferences(samples);
  const problems = samples.filter((s) => sampleProblem(s) !== null).length;
  const name = (side: CheckpointSide) => `webhook → first model request, warm, ${SIDE_LABELS[side]} (p50)`;
  return [
    p50DifferenceFigure(SECTION, "webhook → first model request, warm: checkpoints on over off (p50 − p50)", TARGETS.overOffP50, { label: "on", p50: on.p50 }, { label: "off", p50: off.p50 }, pairs),
    info(SECTION, name("on"), round1(on.p50), "ms", spread(on)),
    info(SECTION, name("off"), round1(off.p50), "ms", spread(off)),
    info(SECTION, "VM took the run → first model request: checkpoints on over off (p50 − p50)", round1(on.vmToModelP50 - off.vmToModelP50), "ms", `the VM's part of the path; the relay's part (webhook → VM) differs by ${ms(on.toVmP50 - off.toVmP50)}`),
    judged(SECTION, "samples set aside (no model request, webhook not 200)", problems, "", TARGETS.none, problems > 0 ? "each sample's reason is in the details" : undefined),
    ...(reloads > 0 ? [judged(SECTION, "wrangler reloads during the run", reloads, "", TARGETS.none, "a source file changed mid-run: the run is disturbed, run it again")] : []),
  ];
}
