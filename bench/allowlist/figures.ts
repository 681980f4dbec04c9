// The allowlist benchmark's figures: medians over rounds of each load, the directory's cost as
// ratios within each round, and each figure against the previous run that has it. Pure.
import { atMost, exactly, type Figure, info, judged } from "../lib/figures";
import { median } from "../lib/stats";
import type { IngressMeasure } from "../relay/ingress";
import type { ClientMeasure } from "../relay/measure";
import type { CacheMode } from "./plan";
import { BASELINE_LABELS, type AllowlistLoadKey } from "./plan";
import { findPrevious, type PastRun } from "./previous";

const SECTION = "allowlist";

/** One round: each load on a relay of its own (fresh storage), cached or not. */
export type AllowlistRound = {
  configured: IngressMeasure;
  directory: { cached: IngressMeasure; uncached: IngressMeasure };
  refused: { cached: ClientMeasure; uncached: ClientMeasure };
};

export const ALLOWLIST_TARGETS = {
  /** The directory must cost next to nothing per message once cached: CPU, the steady figure. */
  cpuVsConfigured: atMost(1.1, "x"),
  none: exactly(0),
};

type Series = { key: AllowlistLoadKey; cache: CacheMode["key"]; label: string; pick: (r: AllowlistRound) => ClientMeasure };
type Metric = { name: string; unit: string; value: (m: ClientMeasure) => number; baseline: string };

const METRICS: readonly Metric[] = [
  { name: "webhooks/s", unit: "/s", value: (m) => m.perSecond, baseline: "webhooks/s" },
  { name: "webhook latency p50", unit: "ms", value: (m) => m.webhookMs.p50, baseline: "webhook latency p50" },
  { name: "webhook latency p99", unit: "ms", value: (m) => m.webhookMs.p99, baseline: "webhook latency p99" },
  { name: "workerd CPU / message", unit: "ms", value: (m) => m.workerdCpuMsPerMessage, baseline: "workerd CPU / message" },
  { name: "CPU / message, wrangler+workerd", unit: "ms", value: (m) => m.cpuMsPerMessage, baseline: "CPU / message, wrangler+workerd" },
];

export function allowlistFigures(labels: Record<AllowlistLoadKey, string>, rounds: readonly AllowlistRound[], past: { runs: readonly PastRun[]; quick: boolean; startedAt: string }): Figure[] {
  if (rounds.length === 0) return [];
  const series: Series[] = [
    { key: "configured", cache: "cached", label: `${labels.configured}; no directory call`, pick: (r) => r.configured },
    { key: "directory", cache: "cached", label: `${labels.directory}; cached`, pick: (r) => r.directory.cached },
    { key: "directory", cache: "uncached", label: `${labels.directory}; uncached`, pick: (r) => r.directory.uncached },
    { key: "refused", cache: "cached", label: `${labels.refused}; cached`, pick: (r) => r.refused.cached },
    { key: "refused", cache: "uncached", label: `${labels.refused}; uncached`, pick: (r) => r.refused.uncached },
  ];
  const clean = rounds.filter((r) => series.every((s) => !s.pick(r).disturbed));
  const m = (f: (r: AllowlistRound) => number) => median(clean.map(f));
  const figures: Figure[] = [];
  for (const s of series) {
    for (const metric of METRICS) {
      // The ingress loads are compared by workerd's CPU (as the relay section reports them); refused by both.
      if (metric.name === "CPU / message, wrangler+workerd" && s.key !== "refused") continue;
      const name = `${metric.name} [${s.label}]`;
      const value = m((r) => metric.value(s.pick(r)));
      figures.push(info(SECTION, name, value, metric.unit, `${clean.length} of ${rounds.length} rounds`));
      const previous = findPrevious(past.runs, [[SECTION, name], ["ingress", `${metric.baseline} [${BASELINE_LABELS[s.key]}]`], ["relay", `${metric.baseline} [${BASELINE_LABELS[s.key]}]`]], { quick: past.quick, before: past.startedAt });
      if (previous) {
        const was = previous.figure.value as number;
        figures.push(info(SECTION, `${metric.name} vs previous run [${s.label}]`, value / was, "x", `previous ${fmt(was)} ${previous.figure.unit}: ${previous.figure.section} "${previous.figure.name}", ${previous.file}`));
      }
    }
  }
  const ratio = (a: (r: AllowlistRound) => number, b: (r: AllowlistRound) => number) => m((r) => a(r) / b(r));
  for (const cache of ["cached", "uncached"] as const) {
    const dir = (r: AllowlistRound) => r.directory[cache];
    const tag = ` [directory senders ÷ ALLOWED_SENDERS senders, ${cache}]`;
    figures.push(info(SECTION, `throughput${tag}`, ratio((r) => dir(r).perSecond, (r) => r.configured.perSecond), "x"));
    figures.push(info(SECTION, `webhook latency p99${tag}`, ratio((r) => dir(r).webhookMs.p99, (r) => r.configured.webhookMs.p99), "x"));
    const cpu = ratio((r) => dir(r).workerdCpuMsPerMessage, (r) => r.configured.workerdCpuMsPerMessage);
    figures.push(cache === "cached" ? judged(SECTION, `workerd CPU / message${tag}`, cpu, "x", ALLOWLIST_TARGETS.cpuVsConfigured) : info(SECTION, `workerd CPU / message${tag}`, cpu, "x"));
  }
  const refusedTag = " [senders not allowed, uncached ÷ cached]";
  figures.push(info(SECTION, `throughput${refusedTag}`, ratio((r) => r.refused.uncached.perSecond, (r) => r.refused.cached.perSecond), "x"));
  figures.push(info(SECTION, `workerd CPU / message${refusedTag}`, ratio((r) => r.refused.uncached.workerdCpuMsPerMessage, (r) => r.refused.cached.workerdCpuMsPerMessage), "x", "what one directory call per webhook costs the Worker"));
  const ingress = rounds.flatMap((r) => [r.configured, r.directory.cached, r.directory.uncached]);
  const lost = ingress.reduce((n, x) => n + x.non2xx + Math.max(0, x.requests - x.non2xx - x.stored), 0);
  const refusedNon2xx = rounds.reduce((n, r) => n + r.refused.cached.non2xx + r.refused.uncached.non2xx, 0);
  figures.push(judged(SECTION, "webhooks not answered 200, or not stored", lost + refusedNon2xx, "", ALLOWLIST_TARGETS.none, `${ingress.reduce((n, x) => n + x.stored, 0)} stored of ${ingress.reduce((n, x) => n + x.requests, 0)} allowed; refused loads: ${refusedNon2xx} not 200`));
  return figures;
}

function fmt(n: number): string {
  return Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : n.toFixed(2);
}
