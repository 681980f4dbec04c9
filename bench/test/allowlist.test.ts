import { describe, expect, it } from "vitest";
import { type AllowlistRound, allowlistFigures } from "../allowlist/figures";
import { allowlistLoads } from "../allowlist/plan";
import { findPrevious, type PastRun } from "../allowlist/previous";
import type { Figure } from "../lib/figures";
import type { IngressMeasure } from "../relay/ingress";
import type { ClientMeasure } from "../relay/measure";

const fig = (section: string, name: string, value: number): Figure => ({ section, name, value, unit: "/s" });
const run = (file: string, startedAt: string, quick: boolean, figures: Figure[]): PastRun => ({ file, startedAt, quick, figures });

describe("findPrevious", () => {
  const runs = [
    run("bench-c.json", "2026-11-22T15:00:00Z", false, [fig("allowlist", "x", 3)]),
    run("bench-quick-b.json", "2026-11-22T14:00:00Z", true, [fig("relay", "base", 2)]),
    run("bench-a.json", "2026-11-22T13:00:00Z", false, [fig("relay", "base", 1), fig("allowlist", "nan", Number.NaN)]),
  ];
  it.each<[string, boolean, string, [string, string][], string | null]>([
    ["the newest earlier run of the same kind", false, "2026-11-22T16:00:00Z", [["allowlist", "x"], ["relay", "base"]], "bench-c.json"],
    ["a later candidate when the newest run lacks the first", false, "2026-11-22T14:30:00Z", [["allowlist", "x"], ["relay", "base"]], "bench-a.json"],
    ["a quick run prefers quick runs", true, "2026-11-22T16:00:00Z", [["relay", "base"]], "bench-quick-b.json"],
    ["then the others", true, "2026-11-22T16:00:00Z", [["allowlist", "x"]], "bench-c.json"],
    ["never this run or a later one", false, "2026-11-22T13:00:00Z", [["relay", "base"]], null],
    ["never a value that is not a number", false, "2026-11-22T16:00:00Z", [["allowlist", "nan"]], null],
  ])("%s", (_, quick, before, candidates, file) => {
    expect(findPrevious(runs, candidates, { quick, before })?.file ?? null).toBe(file);
  });
});

describe("allowlistFigures", () => {
  const client = (perSecond: number, workerd: number): ClientMeasure => ({
    requests: 100, non2xx: 0, timedOut: false, disturbed: false, perSecond, cpuMsPerMessage: workerd + 1, workerdCpuMsPerMessage: workerd,
    webhookMs: { count: 100, p50: 1000 / perSecond, p99: 2000 / perSecond, min: 1, max: 100 },
  });
  const ingress = (perSecond: number, workerd: number, stored = 100): IngressMeasure => ({ ...client(perSecond, workerd), stored, events: {}, rowsWritten: 300 });
  const round = (dirCpu: number): AllowlistRound => ({
    configured: ingress(100, 8),
    directory: { cached: ingress(100, dirCpu), uncached: ingress(80, 9) },
    refused: { cached: client(200, 4), uncached: client(150, 5) },
  });
  const q = allowlistLoads(true);
  const labels = { configured: q.configured.shape.label, directory: q.directory.shape.label, refused: q.refused.shape.label };
  const past = [run("bench-prev.json", "2026-11-22T13:00:00Z", true, [fig("relay", "webhooks/s [ingress, agent down: 40 phones, 50 in flight]", 50)])];
  const figures = allowlistFigures(labels, [round(8.4), round(8.8), round(9.6)], { runs: past, quick: true, startedAt: "2026-11-22T16:00:00Z" });
  const byName = (name: string) => figures.find((f) => f.name === name);

  it("medians of per-round ratios, judged on CPU once cached", () => {
    expect(byName("workerd CPU / message [directory senders ÷ ALLOWED_SENDERS senders, cached]")).toMatchObject({ value: 1.1, pass: true });
    expect(byName("throughput [directory senders ÷ ALLOWED_SENDERS senders, uncached]")?.value).toBeCloseTo(0.8);
    expect(byName("workerd CPU / message [senders not allowed, uncached ÷ cached]")?.value).toBeCloseTo(1.25);
  });

  it("each figure against the previous run's, from the relay section when this section never ran", () => {
    const vs = byName(`webhooks/s vs previous run [${labels.directory}; cached]`);
    expect(vs?.value).toBe(2);
    expect(vs?.note).toContain("bench-prev.json");
    expect(byName(`workerd CPU / message vs previous run [${labels.directory}; cached]`)).toBeUndefined();
  });

  it("counts webhooks not answered 200 or not stored", () => {
    const lossy = { ...round(8), configured: ingress(100, 8, 97) };
    expect(allowlistFigures(labels, [lossy], { runs: [], quick: true, startedAt: "x" }).find((f) => f.name === "webhooks not answered 200, or not stored")).toMatchObject({ value: 3, pass: false });
  });
});
