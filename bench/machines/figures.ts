// The machines benchmark's figures: each path's p50 with its spread, the targets, the ratio to
// today's shared VM and the relay's own share of a start. Pure.
import { atMost, exactly, type Figure, info, judged } from "../lib/figures";
import { median } from "../lib/stats";
import { type PathSample, type PathSummary, sampleProblem, summarizePath } from "./measure";
import { PATH_LABELS, type MeasuredPath } from "./plan";

export const TARGETS = {
  /** The targets with the stand-in: a user's CLI kept warm across the suspension. */
  suspendedP50: atMost(500, " ms"),
  warmP50: atMost(50, " ms"),
  none: exactly(0),
};

const SECTION = "machines";
const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : "n/a");
const round1 = (v: number) => Math.round(v * 10) / 10;

function spread(s: PathSummary): string {
  const kept = s.valid < s.count ? ` (${s.count - s.valid} of ${s.count} set aside, see details)` : "";
  return `${s.valid} samples, ${ms(s.min)}–${ms(s.max)}${kept}; to the VM ${ms(s.toVmP50)}, VM to model ${ms(s.vmToModelP50)} (p50s)`;
}

/**
 * `bareCliMs`: the warm path's floor, a bare CLI's stdin turn → its first model request
 * (bare-cli.ts). `reloads`: wrangler's reloads of either relay mid-run (a source file changed).
 */
export function machinesFigures(samples: readonly PathSample[], bareCliMs: readonly number[], reloads = 0): Figure[] {
  const by = Object.fromEntries((["warm", "suspended", "stopped", "first_warm", "shared_warm"] as const).map((p) => [p, summarizePath(p, samples)])) as Record<MeasuredPath, PathSummary>;
  const name = (p: MeasuredPath) => `webhook → first model request, ${PATH_LABELS[p]} (p50)`;
  const ratio = by.warm.p50 / by.shared_warm.p50;
  const problems = samples.filter((s) => sampleProblem(s) !== null).length;
  return [
    judged(SECTION, name("warm"), round1(by.warm.p50), "ms", TARGETS.warmP50, `${spread(by.warm)}; webhook answered in ${ms(by.warm.webhookP50)} p50`),
    judged(SECTION, name("suspended"), round1(by.suspended.p50), "ms", TARGETS.suspendedP50, `${spread(by.suspended)}; of which the relay's start (lease, start, release, check) ${ms(by.suspended.relayStartP50)} p50`),
    info(SECTION, name("stopped"), round1(by.stopped.p50), "ms", `${spread(by.stopped)}; of which the relay's start ${ms(by.stopped.relayStartP50)} p50, then a new VM process and a new CLI (--resume)`),
    info(SECTION, name("first_warm"), round1(by.first_warm.p50), "ms", `${spread(by.first_warm)}; the turn after each stopped one: a VM process and a CLI that have served one turn`),
    info(SECTION, name("shared_warm"), round1(by.shared_warm.p50), "ms", `${spread(by.shared_warm)}; VM_MODE=shared, the same real VM and CLI, no proxy`),
    info(
      SECTION,
      "bare CLI, warm: turn on stdin → first model request (p50)",
      round1(median(bareCliMs)),
      "ms",
      `${bareCliMs.length} turns, ${ms(Math.min(...bareCliMs))}–${ms(Math.max(...bareCliMs))}; the floor of the VM-to-model part: the same CLI and model, no VM, no relay tools`,
    ),
    info(SECTION, "warm Machine ÷ shared VM warm (p50)", Number.isFinite(ratio) ? Math.round(ratio * 100) / 100 : Number.NaN, "x", "the stand-in's proxy hop and the Machine's own VM against VM_URL straight to one VM"),
    judged(SECTION, "samples set aside (no model request, webhook not 200, wrong path)", problems, "", TARGETS.none, problems > 0 ? "each sample's reason is in the details" : undefined),
    ...(reloads > 0 ? [judged(SECTION, "wrangler reloads during the run", reloads, "", TARGETS.none, "a source file changed mid-run: the run is disturbed, run it again")] : []),
    info(SECTION, "Fly API retries during samples", by.warm.flyRetries + by.suspended.flyRetries + by.stopped.flyRetries + by.first_warm.flyRetries, "", "the relay's fly_retry lines (429 from the stand-in's documented rate limits, 5xx, a lease held)"),
  ];
}
