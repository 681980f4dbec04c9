// The warm-path runs kept in bench/results, read together: each run's judged figure and how far its
// rounds let it move (the bootstrap's spread), then all their rounds as one sample, whose judged
// figure carries none of one run's sampling noise (docs/notes/warm-path.md, "How precise one run
// is"). Usage:
//   npx tsx bench/profile/warm-path-pool.ts [prefix ...]
// A prefix picks result files by their time (`2026-11-27T21` takes that hour's); none: every file.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import * as z from "zod";
import { RESULTS_DIR } from "../lib/paths";
import { summarize, type VmAloneSample, type WarmPathSample } from "../warm-path/figures";

const ms = z.number().nullable();
const SampleSchema = z.object({ round: z.number(), webhookStatus: z.number(), webhookMs: z.number(), firstModelMs: ms, vmReceivedMs: ms, writtenMs: ms, proxyMs: ms, helloMs: ms, bareCliMs: ms, dispatchFloorMs: ms });
const AloneSchema = z.object({ round: z.number(), bareCliMs: ms, turn: z.object({ firstModelMs: z.number(), receivedMs: z.number(), writtenMs: z.number(), proxyMs: z.number() }).nullable() });
/** A result file, as far as this reads it: its sections, whichever ran beside the warm path. */
const ResultSchema = z.object({ sections: z.array(z.object({ name: z.string(), outcome: z.object({ details: z.unknown() }) })) });
/** The warm-path section's rounds. */
const DetailsSchema = z.object({ samples: z.array(SampleSchema), alone: z.array(AloneSchema) });

const prefixes = process.argv.slice(2);
const files = (await readdir(RESULTS_DIR)).filter((name) => /^bench-.*\.json$/.test(name) && (prefixes.length === 0 || prefixes.some((p) => name.startsWith(`bench-${p}`)))).sort();
const samples: WarmPathSample[] = [];
const alone: VmAloneSample[] = [];
const r1 = (v: number) => Math.round(v * 10) / 10;
for (const name of files) {
  const parsed = ResultSchema.safeParse(JSON.parse(await readFile(join(RESULTS_DIR, name), "utf8")));
  const section = parsed.success ? parsed.data.sections.find((s) => s.name === "warm-path") : undefined;
  if (!section) continue;
  const read = DetailsSchema.safeParse(section.outcome.details);
  if (!read.success) {
    console.log(`${name}: its warm-path section holds no rounds this reads (${read.error.issues[0]?.message ?? "unreadable"})`);
    continue;
  }
  const details = read.data;
  const run = summarize(details.samples, details.alone);
  console.log(`${name}: ${run.valid} rounds, ${r1(run.overFloors)} ms over the floors (±${r1(run.overFloorsSpread)}), paired ${r1(run.overFloorsPaired)} ms`);
  samples.push(...details.samples);
  alone.push(...details.alone);
}
if (samples.length === 0) {
  console.log(`no warm-path rounds in ${RESULTS_DIR}${prefixes.length > 0 ? ` for ${prefixes.join(", ")}` : ""}`);
} else {
  const all = summarize(samples, alone);
  console.log(
    [
      `all ${all.valid} rounds: the path ${r1(all.p50)} ms, hello-world ${r1(all.helloP50)} ms, bare CLI ${r1(all.bareCliP50)} ms`,
      `  over the floors ${r1(all.overFloors)} ms (±${r1(all.overFloorsSpread)}), paired per round ${r1(all.overFloorsPaired)} ms`,
      `  hops (p50): relay ${r1(all.hops.relay)} ms (${r1(all.hops.relay - all.helloP50)} over hello-world), VM ${r1(all.hops.vm)} ms (alone ${r1(all.alone.hops.vm)}), CLI ${r1(all.hops.cli)} ms, proxy ${r1(all.hops.proxy)} ms`,
      `  the VM, the CLI and the proxy over the bare CLI, per round: ${r1(all.overBareCli.path)} ms on the path, ${r1(all.overBareCli.alone)} ms alone`,
    ].join("\n"),
  );
}
