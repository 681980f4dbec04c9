// What a phone's first message costs the relay: 40 new phones each send one message at once (a
// new Durable Object each: its start, its schema, the message, the first dispatch attempt to the
// VM that is down, their log lines), each wave on a relay of its own. Prints workerd CPU per
// message (/proc) and the latency of each wave. Usage:
//   npx tsx bench/profile/first-message.ts [--waves N] [--durable-floor]
//   [--profile] (V8's sampling profiler over each wave, unminified; its time by entry point and
//   function, summed over the waves: where the CPU goes, not how much: the profiler adds its own;
//   each wave's profile saved as bench/results/profile-first-message-*.cpuprofile.json)
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { breakdown, CpuProfileSchema } from "./cpu-profile";
import { connectInspector, type Inspector } from "./inspector";
import { freePort } from "../../emulator/tools/free-port";
import { DURABLE_FLOOR_WORKER_DIR, RESULTS_DIR, REPO_ROOT } from "../lib/paths";
import { fileStamp } from "../lib/results";
import { relayVars, STAND_IN_CREDENTIALS, startStandIns } from "../lib/stand-ins";
import { median, percentile } from "../lib/stats";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { sendLoad } from "../relay/drive";
import { settled } from "../relay/ingress-drive";
import { INGRESS_WARM_LOAD_INDEX, INGRESS_WARM_UP } from "../relay/ingress";
import { type LoadShape, type PlannedLoad, planLoad } from "../relay/plan";

const durableFloor = process.argv.includes("--durable-floor");
const profiling = process.argv.includes("--profile");
const wavesAt = process.argv.indexOf("--waves");
const waves = wavesAt > 0 ? Number(process.argv[wavesAt + 1]) : 5;
const creds = { accountSid: STAND_IN_CREDENTIALS.accountSid, authToken: STAND_IN_CREDENTIALS.authToken };
/** A load index of its own: its phones are never the ingress bench's. */
const LOAD_INDEX = 6;
const WAVE: LoadShape = { key: "first", label: "40 new phones, one message each, all at once", phones: 40, messagesPerPhone: 1, concurrency: 40, burst: false };

type Wave = { cpuMs: number; p50: number; max: number };

/** Sampled milliseconds per frame, summed over the waves profiled. */
const sampled = { roots: new Map<string, number>(), self: new Map<string, number>(), messages: 0 };
const add = (into: Map<string, number>, rows: { frame: string; ms: number }[]) => rows.forEach((r) => into.set(r.frame, (into.get(r.frame) ?? 0) + r.ms));

async function measureWave(relay: WranglerDev, load: PlannedLoad, inspector: Inspector | null): Promise<Wave> {
  const firstEvent = relay.events.length;
  await inspector?.send("Profiler.enable");
  await inspector?.send("Profiler.setSamplingInterval", { interval: 100 });
  await inspector?.send("Profiler.start");
  const before = relay.cpu();
  const result = await sendLoad(load, relay.url, creds, 60_000);
  const bad = result.samples.filter((s) => s.status !== 200).length;
  if (bad > 0) throw new Error(`${bad} webhooks not answered 200`);
  // The lines recording the messages, the pumps they started (the first dispatch attempt): theirs too.
  if (!durableFloor) await settled(relay, firstEvent, new Set(load.lanes.flat().map((m) => m.sid)), Date.now());
  const stopped = (await inspector?.send("Profiler.stop")) as { profile: unknown } | undefined;
  if (stopped) {
    const profile = CpuProfileSchema.parse(stopped.profile);
    await writeFile(join(RESULTS_DIR, `profile-first-message-${fileStamp(new Date())}.cpuprofile.json`), JSON.stringify(profile));
    const b = breakdown(profile, [], 40);
    add(sampled.roots, b.roots);
    add(sampled.self, b.topSelf);
    sampled.messages += result.samples.length;
  }
  const latencies = result.samples.map((s) => s.respondedAt - s.sentAt);
  return { cpuMs: (relay.cpu().workerdMs - before.workerdMs) / result.samples.length, p50: percentile(latencies, 50), max: Math.max(...latencies) };
}

async function main(): Promise<void> {
  const standIns = await startStandIns({ statusCallbacks: true });
  const deadVmUrl = `http://127.0.0.1:${await freePort("127.0.0.1")}`;
  const cwd = durableFloor ? DURABLE_FLOOR_WORKER_DIR : REPO_ROOT;
  const rows: Wave[] = [];
  try {
    // A relay of its own per wave (as the ingress bench does), so no earlier phone's dispatch retries fall in it.
    for (let w = 0; w < waves; w++) {
      const load = planLoad(WAVE, w + 1, LOAD_INDEX);
      const warm = planLoad(INGRESS_WARM_UP, w + 1, INGRESS_WARM_LOAD_INDEX);
      const relay = await startWranglerDev({ cwd, readyPath: durableFloor ? "/" : undefined, varsFor: relayVars({ ...standIns, vmUrl: deadVmUrl }, [...warm.phones, ...load.phones]), extraArgs: profiling ? ["--minify=false"] : [] });
      const inspector = profiling ? await connectInspector(relay.inspectorPort) : null;
      try {
        const warmEvent = relay.events.length;
        await sendLoad(warm, relay.url, creds, 60_000);
        if (!durableFloor) await settled(relay, warmEvent, new Set(warm.lanes.flat().map((m) => m.sid)), Date.now());
        const wave = await measureWave(relay, load, inspector);
        rows.push(wave);
        console.log(`wave ${w + 1}: ${wave.cpuMs.toFixed(2)} ms workerd CPU per first message, latency p50 ${wave.p50.toFixed(0)} ms, max ${wave.max.toFixed(0)} ms`);
      } finally {
        inspector?.close();
        await relay.stop();
      }
    }
    const med = (f: (r: Wave) => number) => median(rows.map(f)).toFixed(1);
    console.log(`${durableFloor ? "durable floor" : "relay"}, median of ${waves} waves: ${med((r) => r.cpuMs)} ms workerd CPU per first message, latency p50 ${med((r) => r.p50)} ms, max ${med((r) => r.max)} ms${profiling ? " (profiler on)" : ""}`);
    if (profiling) printSampled();
  } finally {
    await standIns.stop();
  }
}

function printSampled(): void {
  const per = (ms: number) => `${(ms / sampled.messages).toFixed(3)} ms/msg`.padStart(14);
  const top = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, 40);
  console.log("\nsampled, by entry point (outermost JS function):");
  for (const [frame, ms] of top(sampled.roots)) console.log(`  ${per(ms)}  ${frame}`);
  console.log("\nsampled self time, top functions (with their two callers):");
  for (const [frame, ms] of top(sampled.self)) console.log(`  ${per(ms)}  ${frame}`);
}

await main();
