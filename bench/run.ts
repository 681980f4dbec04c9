// `npm run bench`: runs the benchmark sections, prints one table, writes bench/results/*.json.
// Options: --only relay,ingress,vm,schedules,month  --quick (smoke run in seconds)  --rounds N (default 3)
// --apart (the edge's processes and the Machine's on cores of their own, as in production).
import { cpus, loadavg } from "node:os";
import { parseBenchArgs } from "./lib/args";
import { keepSidesApart } from "./lib/children";
import type { Figure } from "./lib/figures";
import { gitState } from "./lib/git-state";
import { writeResults } from "./lib/results";
import type { Section, SectionOutcome } from "./lib/section";
import { renderTable } from "./lib/table";
import { allowlistSection } from "./sections/allowlist";
import { credentialProxySection } from "./sections/credential-proxy";
import { diffPictureSection } from "./sections/diff-picture";
import { ingressSection } from "./sections/ingress";
import { machinesSection } from "./sections/machines";
import { relaySection } from "./sections/relay";
import { runtimeCostsSection } from "./sections/runtime-costs";
import { schedulesSection } from "./sections/schedules";
import { vmSection } from "./sections/vm";
import { webPageSection } from "./sections/web-page";
import { livePageSection } from "./sections/live-page";
import { liveSocketsSection } from "./sections/live-sockets";
import { checkpointsSection } from "./checkpoints/section";
import { archiveSection } from "./archive/section";
import { checkpointPathSection } from "./sections/checkpoint-path";
import { parallelSection } from "./sections/parallel";
import { warmPathSection } from "./sections/warm-path";
import { coldPathSection } from "./sections/cold-path";
import { simulationSection } from "./sections/simulation";
import { voiceSection } from "./sections/voice";
import { monthSection } from "./sections/month";

/** Every section, in run order. A new benchmark adds its Section here (e.g. schedules). */
export const SECTIONS: readonly Section[] = [relaySection, ingressSection, allowlistSection, runtimeCostsSection, vmSection, credentialProxySection, checkpointsSection, checkpointPathSection, warmPathSection, coldPathSection, parallelSection, diffPictureSection, webPageSection, livePageSection, liveSocketsSection, schedulesSection, machinesSection, archiveSection, simulationSection, voiceSection, monthSection];

const args = parseBenchArgs(process.argv.slice(2), SECTIONS.map((s) => s.name));
const log = (line: string) => console.error(`[bench] ${line}`);
const startedAt = new Date();
const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", node: process.version, platform: process.platform, loadavgAtStart: loadavg() };
const code = gitState();
/** `--apart`: the edge's processes and the Machine's on cores of their own, as in production. */
const sides = args.apart ? keepSidesApart(machine.cpus) : null;
const placementLine = sides ? `; the edge on cores ${sides.edge}, the Machine and the bench on ${sides.machine} (--apart)` : "";
/** The dev server the Workers ran under: `wrangler dev` itself, or (BENCH_DEV_INSPECTOR=off) wrangler's dev server without its inspector; the targets are judged under the first. */
const devServer = process.env.BENCH_DEV_INSPECTOR === "off" ? "wrangler's dev server without its inspector (BENCH_DEV_INSPECTOR=off)" : "wrangler dev";

const outcomes: { name: string; title: string; seconds: number; outcome: SectionOutcome | { status: "failed"; error: string } }[] = [];
for (const section of SECTIONS.filter((s) => !args.only || args.only.includes(s.name))) {
  const began = performance.now();
  log(`${section.name}: ${section.title}`);
  let outcome: (typeof outcomes)[number]["outcome"];
  try {
    outcome = await section.run({ quick: args.quick, rounds: args.rounds, log });
  } catch (error) {
    outcome = { status: "failed", error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
  }
  outcomes.push({ name: section.name, title: section.title, seconds: Math.round((performance.now() - began) / 100) / 10, outcome });
}

const figures: Figure[] = outcomes.flatMap((o) => (o.outcome.status === "ok" ? o.outcome.figures : []));
const codeLine = code.commit ? `, commit ${code.commit.slice(0, 7)}${code.uncommittedWorkerFiles ? ` + ${code.uncommittedWorkerFiles} uncommitted Worker file(s)` : ""}` : "";
console.log(`\nbench ${startedAt.toISOString()}${args.quick ? " (quick)" : ""}: ${machine.cpus} cores, load average at start ${machine.loadavgAtStart.map((l) => l.toFixed(2)).join(" ")}${codeLine}; under ${devServer}${placementLine}\n`);
console.log(renderTable(figures));
for (const o of outcomes) {
  if (o.outcome.status === "skipped") console.log(`\n${o.name}: SKIPPED: ${o.outcome.reason}`);
  if (o.outcome.status === "failed") console.log(`\n${o.name}: FAILED: ${o.outcome.error}`);
}
const path = await writeResults(args.quick ? "bench-quick" : "bench", startedAt, {
  startedAt: startedAt.toISOString(),
  finishedAt: new Date().toISOString(),
  args,
  code,
  devServer,
  machine: { ...machine, loadavgAtEnd: loadavg() },
  sides,
  figures,
  sections: outcomes,
});
console.log(`\nresults: ${path} (and bench/results/latest.json)`);

const failed = outcomes.some((o) => o.outcome.status === "failed");
const missed = figures.filter((f) => f.pass === false).length;
if (missed > 0) console.log(`${missed} figure(s) missed their target`);
// Missing a target is a finding, not a crash: only a section that could not run fails the command.
process.exit(failed ? 1 : 0);
