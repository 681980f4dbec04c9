// Folds the runtime-costs rounds into figures: per probe, the median over rounds of its CPU per
// request minus the bare probe's in the same round (so drift of a shared machine cancels).
import { type Figure, info } from "../lib/figures";
import { median } from "../lib/stats";

export const PROBES = ["bare", "fetch", "do-call", "do-insert", "log"] as const;
export type Probe = (typeof PROBES)[number];

export const PROBE_LABELS: Record<Probe, string> = {
  bare: "the floor's hello world",
  fetch: "one outbound fetch",
  "do-call": "one Durable Object call",
  "do-insert": "one Durable Object call with an SQLite insert",
  log: "one console.log line",
};

/** CPU milliseconds per request of one probe's load: wrangler and workerd together, and workerd alone. */
export type ProbeMeasure = { totalMsPerRequest: number; workerdMsPerRequest: number; perSecond: number };
export type ProbeRound = Partial<Record<Probe, ProbeMeasure>>;

const SECTION = "runtime";

export function runtimeCostFigures(rounds: readonly ProbeRound[]): Figure[] {
  const bare = rounds.flatMap((r) => (r.bare ? [r.bare] : []));
  if (bare.length === 0) return [];
  const fmt = (n: number) => n.toFixed(2);
  const signed = (n: number) => `${n < 0 ? "−" : "+"}${fmt(Math.abs(n))}`;
  const figures = [
    info(SECTION, `workerd CPU / request [${PROBE_LABELS.bare}]`, median(bare.map((m) => m.workerdMsPerRequest)), "ms", `wrangler+workerd ${fmt(median(bare.map((m) => m.totalMsPerRequest)))} ms; ${median(bare.map((m) => m.perSecond)).toFixed(0)} /s`),
  ];
  for (const probe of PROBES.filter((p) => p !== "bare")) {
    const pairs = rounds.flatMap((r) => (r.bare && r[probe] ? [{ bare: r.bare, probe: r[probe]! }] : []));
    if (pairs.length === 0) continue;
    const workerd = median(pairs.map((p) => p.probe.workerdMsPerRequest - p.bare.workerdMsPerRequest));
    const wrangler = median(pairs.map((p) => p.probe.totalMsPerRequest - p.probe.workerdMsPerRequest - (p.bare.totalMsPerRequest - p.bare.workerdMsPerRequest)));
    figures.push(info(SECTION, `workerd CPU added by ${PROBE_LABELS[probe]}`, workerd, "ms", `per request; wrangler's Node ${signed(wrangler)} ms; ${pairs.length} of ${rounds.length} rounds`));
  }
  return figures;
}
