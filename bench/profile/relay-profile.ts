// Where a message's CPU goes on the whole path, one at a time: the relay section's load "20 phones,
// 1 in flight" (agent up: the VM and Twilio stand-ins, status callbacks on) sent to a relay under
// `wrangler dev --minify=false` while V8's sampling profiler runs through wrangler's inspector.
// Prints workerd CPU per message (/proc), then self time and total time by function and self time
// by source file (the bundle's `// src/…` module comments), per message.
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
import { type CpuProfile, CpuProfileSchema } from "./cpu-profile";
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
  const fileOf = await bundleFiles(workerDir);
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const frameName = (id: number) => {
    const f = byId.get(id)!.callFrame;
    return `${f.functionName || "(anonymous)"} ${fileOf(f.url, f.lineNumber)}:${f.lineNumber + 1}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const files = new Map<string, number>();
  let at = profile.startTime;
  const times = profile.timeDeltas.map((d) => (at += d));
  // A wait outside V8 takes no samples: a sample counts for at most two intervals (cpu-profile.ts).
  const cap = (2 * SAMPLING_INTERVAL_US) / 1000;
  let busy = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i]!;
    const ms = Math.min(cap, ((i + 1 < times.length ? times[i + 1]! : profile.endTime) - times[i]!) / 1000);
    const node = byId.get(id);
    if (!node || ms <= 0 || node.callFrame.functionName === "(idle)") continue;
    busy += ms;
    const add = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + ms);
    add(self, frameName(id));
    add(files, fileOf(node.callFrame.url, node.callFrame.lineNumber));
    const seen = new Set<string>();
    for (let a: number | undefined = id; a !== undefined; a = parent.get(a)) {
      const name = frameName(a);
      if (!seen.has(name)) add(total, name);
      seen.add(name);
    }
  }
  const per = (ms: number) => `${(ms / messages).toFixed(3)} ms/msg`.padStart(15);
  const top = (m: Map<string, number>, n: number) => [...m].sort((p, q) => q[1] - p[1]).slice(0, n);
  console.log(`sampled busy ${per(busy)}\n\nself time by function:`);
  for (const [k, ms] of top(self, 30)) console.log(`  ${per(ms)}  ${k}`);
  console.log("\ntotal time by function (on the stack):");
  for (const [k, ms] of top(total, 60)) console.log(`  ${per(ms)}  ${k}`);
  console.log("\nself time by file:");
  for (const [k, ms] of top(files, 30)) console.log(`  ${per(ms)}  ${k}`);
  console.log(`\nprofile: ${path}`);
}

/**
 * Maps a bundle position to its source module: an unminified esbuild bundle opens each module with
 * a `// path` comment (`// src/relay/log.ts`, `// node_modules/zod/…`). Reads the bundle wrangler
 * wrote under .wrangler/tmp (while the Worker still runs); other URLs keep their last segment.
 */
async function bundleFiles(workerDir: string): Promise<(url: string, line: number) => string> {
  const dirs = join(workerDir, ".wrangler", "tmp");
  const candidates = await readdir(dirs).catch(() => [] as string[]);
  let newest: { path: string; at: number } | null = null;
  for (const d of candidates) {
    const p = join(dirs, d, "index.js");
    const s = await stat(p).catch(() => null);
    if (s && (!newest || s.mtimeMs > newest.at)) newest = { path: p, at: s.mtimeMs };
  }
  const starts: { line: number; file: string }[] = [];
  if (newest) {
    const lines = (await readFile(newest.path, "utf8")).split("\n");
    lines.forEach((l, i) => {
      const m = /^\/\/ ((?:src|node_modules|\.\.\/)[^\s]*\.[cm]?[jt]sx?)$/.exec(l);
      if (m) starts.push({ line: i, file: m[1]!.replace(/^node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*/, "node_modules/$1") });
    });
  }
  return (url, line) => {
    if (url === "") return "(native)";
    if (!/index\.js$/.test(url) || starts.length === 0) return url.slice(url.lastIndexOf("/") + 1);
    let lo = 0;
    let hi = starts.length - 1;
    if (line < starts[0]!.line) return "(bundle head)";
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]!.line <= line) lo = mid;
      else hi = mid - 1;
    }
    return starts[lo]!.file;
  };
}

await main();
