// Where a message's CPU goes on the whole path, one at a time: the relay section's load "20 phones,
// 1 in flight" (agent up: the VM and Twilio stand-ins, status callbacks on) sent to a relay under
// `wrangler dev --minify=false` while V8's sampling profiler runs through wrangler's inspector.
// Prints workerd CPU per message (/proc), then self time and total time by function and self time
// by source file (the unminified bundle's module comments), per message.
// Side by side: each target is started fresh in every wave, in turn, warmed the same way, and
// measured on the same load shape (its own phones); the medians and the ratios to the first target
// follow. Only the first target is profiled, and only with --profile (the profiler adds about a
// third to workerd's CPU: compare variants without it).
// Usage: npx tsx bench/profile/relay-profile.ts [--profile] [--no-callbacks] [--waves N] [target ...]
//   target: a checkout's directory (default .), `durable-floor` or `hello` (the two floors)
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { z } from "zod";
import { fileStamp } from "../lib/results";
import { DURABLE_FLOOR_WORKER_DIR, HELLO_WORKER_DIR, RESULTS_DIR } from "../lib/paths";
import { relayVars, STAND_IN_CREDENTIALS, type StandIns, startStandIns } from "../lib/stand-ins";
import { median } from "../lib/stats";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { runClientLoad, runRelayLoad, sendLoad } from "../relay/drive";
import { loadShapes, type LoadShape, planLoad } from "../relay/plan";
import { bundleModules, type CpuProfile, CpuProfileSchema, timeByFunction } from "./cpu-profile";
import { connectInspector } from "./inspector";

const { values, positionals } = parseArgs({
  options: { profile: { type: "boolean", default: false }, "no-callbacks": { type: "boolean", default: false }, waves: { type: "string", default: "1" } },
  strict: true,
  allowPositionals: true,
});
const profiling = values.profile;
/** The Twilio emulator posts no status callbacks: what the relay's share of them costs, by difference. */
const noCallbacks = values["no-callbacks"];
const waves = z.coerce.number().int().min(1).max(20).parse(values.waves);
const targets = positionals.length > 0 ? positionals : ["."];
const creds = { accountSid: STAND_IN_CREDENTIALS.accountSid, authToken: STAND_IN_CREDENTIALS.authToken };
const SHAPE: LoadShape = loadShapes(false).find((s) => s.key === "c1")!;
const WARM_UP: LoadShape = { key: "warm", label: "warm-up", phones: 4, messagesPerPhone: 3, concurrency: 1, burst: false };
const SAMPLING_INTERVAL_US = 100;
const TIMEOUT_MS = 120_000;
const QUIET_MS = 5_000;

async function main(): Promise<void> {
  const standIns = await startStandIns({ statusCallbacks: !noCallbacks });
  const cpu = new Map<string, number[]>(targets.map((t) => [t, []]));
  try {
    for (let wave = 1; wave <= waves; wave++) {
      for (const [t, target] of targets.entries()) {
        const floor = target === "durable-floor" || target === "hello";
        // Each target its own phones (load digit 3 + t), so the VM stand-in's requests are told apart.
        const load = planLoad(SHAPE, wave, 3 + t);
        const warm = planLoad(WARM_UP, 0, 7 + wave);
        const profileThis = profiling && t === 0;
        const worker = await startWranglerDev({
          cwd: target === "hello" ? HELLO_WORKER_DIR : floor ? DURABLE_FLOOR_WORKER_DIR : resolve(target),
          readyPath: floor ? "/" : undefined,
          varsFor: relayVars(standIns, [...warm.phones, ...load.phones]),
          extraArgs: profileThis ? ["--minify=false"] : [],
        });
        try {
          if (floor) await sendLoad(warm, worker.url, creds, TIMEOUT_MS);
          else await runRelayLoad(warm, worker, standIns, creds, TIMEOUT_MS);
          const inspector = profileThis ? await connectInspector(worker.inspectorPort) : null;
          try {
            await inspector?.send("Profiler.enable");
            await inspector?.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
            await inspector?.send("Profiler.start");
            const firstEvent = worker.events.length;
            const relay = floor ? null : await runRelayLoad(load, worker, standIns, creds, TIMEOUT_MS);
            const measure = relay ?? (await runClientLoad(load, worker, creds, TIMEOUT_MS));
            const stopped = (await inspector?.send("Profiler.stop")) as { profile: unknown } | undefined;
            const relayNote = relay ? `, ${relay.rowsPerMessage.toFixed(1)} rows/message, replies: ${JSON.stringify(relay.replies)}` : "";
            cpu.get(target)!.push(measure.workerdCpuMsPerMessage);
            console.log(`wave ${wave} ${target}: workerd CPU ${measure.workerdCpuMsPerMessage.toFixed(2)} ms/message${inspector ? " (profiler on)" : ""}, ${measure.requests} webhooks, ${measure.non2xx} not 2xx${relayNote}`);
            // What workerd burns with nothing sent (timers, the runtime's own upkeep): a cost by the second, not by the message.
            const quietFrom = worker.cpu().workerdMs;
            await new Promise((r) => setTimeout(r, QUIET_MS));
            console.log(`  workerd CPU with nothing sent, the ${QUIET_MS / 1000} s after: ${((worker.cpu().workerdMs - quietFrom) / (QUIET_MS / 1000)).toFixed(1)} ms/s; the load took ${(measure.requests / measure.perSecond).toFixed(1)} s to send`);
            if (!floor) await printCounts(load.phones, measure.requests, worker, firstEvent, standIns);
            if (stopped) await report(CpuProfileSchema.parse(stopped.profile), measure.requests, resolve(target));
          } finally {
            inspector?.close();
          }
        } finally {
          await worker.stop();
        }
      }
    }
    for (const [target, values] of cpu) console.log(`median of ${values.length} waves, ${target}: workerd CPU ${median(values).toFixed(2)} ms/message (${values.map((v) => v.toFixed(1)).join(", ")})`);
    const [base, ...others] = targets;
    for (const target of others) {
      const ratios = cpu.get(target)!.map((v, i) => v / cpu.get(base!)![i]!);
      console.log(`${target} ÷ ${base}: ${ratios.map((r) => r.toFixed(2)).join(" / ")}, median ${median(ratios).toFixed(2)}`);
    }
  } finally {
    await standIns.stop();
  }
}

/** What the load made the relay do, per message: the VM's requests by kind, the log lines by event. */
async function printCounts(phones: readonly string[], messages: number, worker: WranglerDev, firstEvent: number, standIns: StandIns): Promise<void> {
  const mine = new Set(phones);
  const count = (keys: string[]) => [...keys.reduce((m, k) => m.set(k, (m.get(k) ?? 0) + 1), new Map<string, number>())].map(([k, n]) => `${k} ${(n / messages).toFixed(2)}`).join(", ");
  const vm = (await standIns.vmRequests()).filter((r) => mine.has(r.userId)).map((r) => r.kind);
  console.log(`per message: VM requests ${count(vm)}; log lines ${count(worker.events.slice(firstEvent).map((e) => String(e.fields.event)))}`);
}

/** Self and total time by function, self time by source file, per message; saves the profile. */
async function report(profile: CpuProfile, messages: number, workerDir: string): Promise<void> {
  const path = join(RESULTS_DIR, `profile-relay-c1-${fileStamp(new Date())}.cpuprofile.json`);
  await writeFile(path, JSON.stringify(profile));
  // A wait outside V8 takes no samples: a sample counts for at most two intervals (cpu-profile.ts).
  const t = timeByFunction(profile, bundleModules(await newestBundle(workerDir)), (2 * SAMPLING_INTERVAL_US) / 1000);
  const per = (ms: number) => `${(ms / messages).toFixed(3)} ms/msg`.padStart(15);
  const top = (m: Map<string, number>, n: number) => [...m].sort((p, q) => q[1] - p[1]).slice(0, n);
  console.log(`sampled busy ${per(t.busyMs)}\n\nself time by function:`);
  for (const [k, ms] of top(t.self, 30)) console.log(`  ${per(ms)}  ${k}`);
  console.log("\ntotal time by function (on the stack):");
  for (const [k, ms] of top(t.total, 60)) console.log(`  ${per(ms)}  ${k}`);
  console.log("\nself time by file:");
  for (const [k, ms] of top(t.files, 30)) console.log(`  ${per(ms)}  ${k}`);
  console.log(`\nprofile: ${path}`);
}

/** The bundle wrangler dev wrote last under the Worker's .wrangler/tmp (read while it still runs); "" if none. */
async function newestBundle(workerDir: string): Promise<string> {
  const dirs = join(workerDir, ".wrangler", "tmp");
  let newest: { path: string; at: number } | null = null;
  for (const d of await readdir(dirs).catch(() => [] as string[])) {
    const p = join(dirs, d, "index.js");
    const s = await stat(p).catch(() => null);
    if (s && (!newest || s.mtimeMs > newest.at)) newest = { path: p, at: s.mtimeMs };
  }
  return newest ? readFile(newest.path, "utf8") : "";
}

await main();
