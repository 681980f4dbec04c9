// Where the relay's ingress CPU goes: the ingress load (40 senders, 50 in flight, agent down)
// sent to a relay under `wrangler dev` while V8's sampling profiler runs through wrangler's
// inspector port. Prints the time by entry point (the Worker's fetch, the Durable Object's
// enqueue, its pump, its alarm…) and by piece, and saves the profile (open it in Chrome
// DevTools' Performance panel). Usage: npx tsx bench/profile/ingress-profile.ts [--quick]
// [--no-profile] (CPU from /proc alone, without the profiler's own cost: to compare variants)
// [--durable-floor] (the same load and measure on the durable floor instead of the relay).
// Prints the latency by send order too: the first requests meet 40 new objects.
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { freePort } from "../../emulator/tools/free-port";
import { fileStamp } from "../lib/results";
import { DURABLE_FLOOR_WORKER_DIR, RESULTS_DIR, REPO_ROOT } from "../lib/paths";
import { relayVars, STAND_IN_CREDENTIALS, startStandIns } from "../lib/stand-ins";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { throughput as throughputOf } from "../lib/load";
import { sendLoad } from "../relay/drive";
import { settled } from "../relay/ingress-drive";
import { INGRESS_LOAD_INDEX, INGRESS_WARM_LOAD_INDEX, INGRESS_WARM_UP, ingressShape } from "../relay/ingress";
import { planLoad } from "../relay/plan";
import { percentile } from "../lib/stats";
import { queuedIds } from "../relay/queued-lines";
import { type BucketRule, breakdown, CpuProfileSchema, has, leafIs, within } from "./cpu-profile";
import { connectInspector } from "./inspector";

const quick = process.argv.includes("--quick");
const profiling = !process.argv.includes("--no-profile");
const durableFloor = process.argv.includes("--durable-floor");
const creds = { accountSid: STAND_IN_CREDENTIALS.accountSid, authToken: STAND_IN_CREDENTIALS.authToken };
/** Microseconds between samples: fine enough for a request of a few milliseconds. */
const SAMPLING_INTERVAL_US = 100;

/**
 * Most specific first. Names are the source's function names as the bundle keeps them (an arrow
 * passed to a call stays anonymous in the profile: the routes, the middleware and the gathered
 * log line's flush are named functions for that).
 */
export const INGRESS_RULES: BucketRule[] = [
  { name: "garbage collection", matches: leafIs("(garbage collector)") },
  { name: "runtime outside JS ((program))", matches: leafIs("(program)") },
  { name: "DO enqueue: log line (logEvent)", matches: within("enqueue", "logEvent") },
  { name: "DO enqueue: storing (receive)", matches: within("enqueue", "receive") },
  { name: "DO enqueue: replan and alarm set", matches: within("enqueue", "replan") },
  { name: "DO enqueue: access check (isRevoked)", matches: within("enqueue", "isRevoked") },
  { name: "DO enqueue: rest", matches: has("enqueue") },
  { name: "DO pump: log line (logEvent)", matches: within("pump", "logEvent") },
  { name: "DO pump: replan", matches: within("pump", "replan") },
  { name: "DO pump: rest", matches: has("pump") },
  { name: "DO alarm", matches: has("alarm") },
  { name: "DO status callback (recordDeliveryStatus)", matches: has("recordDeliveryStatus") },
  { name: "DO start (constructor, migrate)", matches: (s) => has("PhoneAgent")(s) || has("migrate")(s) },
  { name: "Worker: signature (validateTwilioSignature)", matches: has("validateTwilioSignature") },
  { name: "Worker: form (parseInboundForm, parseStatusForm)", matches: (s) => has("parseInboundForm")(s) || has("parseStatusForm")(s) },
  { name: "Worker: allowlist (checkSender)", matches: has("checkSender") },
  { name: "Worker: inbound route, rest (its call to enqueue, the Response)", matches: has("inboundRoute") },
  { name: "Worker: status route, rest (its call to recordDeliveryStatus)", matches: has("statusRoute") },
  { name: "Worker: webhook middleware, rest (body, URL)", matches: has("verifyTwilioWebhook") },
  { name: "message_queued line written at a window's end (timer)", matches: within("flush", "logEvent") },
  { name: "log line elsewhere (logEvent)", matches: has("logEvent") },
];

async function main(): Promise<void> {
  const standIns = await startStandIns({ statusCallbacks: true });
  let relay: WranglerDev | null = null;
  try {
    const load = planLoad(ingressShape(quick), 1, INGRESS_LOAD_INDEX);
    const warm = planLoad(INGRESS_WARM_UP, 1, INGRESS_WARM_LOAD_INDEX);
    const deadVmUrl = `http://127.0.0.1:${await freePort("127.0.0.1")}`;
    const cwd = durableFloor ? DURABLE_FLOOR_WORKER_DIR : REPO_ROOT;
    relay = await startWranglerDev({ cwd, readyPath: durableFloor ? "/" : undefined, varsFor: relayVars({ ...standIns, vmUrl: deadVmUrl }, [...warm.phones, ...load.phones]), extraArgs: ["--minify=false"] });
    await sendLoad(warm, relay.url, creds, 90_000);
    // The warm-up's own lines (its pumps' come 2 s later) before the profile starts.
    if (!durableFloor) await settled(relay, 0, new Set(warm.lanes.flat().map((m) => m.sid)), Date.now());
    else await new Promise((resolve) => setTimeout(resolve, 1_000));
    const inspector = profiling ? await connectInspector(relay.inspectorPort) : null;
    try {
      await inspector?.send("Profiler.enable");
      await inspector?.send("Profiler.setSamplingInterval", { interval: SAMPLING_INTERVAL_US });
      const firstEvent = relay.events.length;
      const cpuBefore = relay.cpu();
      await inspector?.send("Profiler.start");
      const result = await sendLoad(load, relay.url, creds, 90_000);
      // The lines recording the last messages and the pumps the last webhooks started, as the bench counts them.
      // (The durable floor logs nothing: its work ends with its answers.)
      if (!durableFloor) await settled(relay, firstEvent, new Set(load.lanes.flat().map((m) => m.sid)), Date.now());
      const stopped = (await inspector?.send("Profiler.stop")) as { profile: unknown } | undefined;
      const cpuAfter = relay.cpu();
      const messages = result.samples.length;
      const perMessage = (ms: number) => `${(ms / messages).toFixed(3)} ms/msg`;
      const ok = result.samples.filter((s) => s.status === 200).length;
      console.log(`${messages} webhooks (${ok} answered 200), ${result.samples.length > 0 ? throughputOf(result).toFixed(0) : "n/a"} /s; workerd CPU (/proc) ${perMessage(cpuAfter.workerdMs - cpuBefore.workerdMs)}, wrangler+workerd ${perMessage(cpuAfter.totalMs - cpuBefore.totalMs)}${inspector ? " (profiler on)" : ""}`);
      console.log(`latency by send order: ${latencyByOrder(result.samples)}`);
      const events = new Map<string, number>();
      for (const { fields } of relay.events.slice(firstEvent)) events.set(String(fields.event), (events.get(String(fields.event)) ?? 0) + 1);
      const sids = new Set(load.lanes.flat().map((m) => m.sid));
      const stored = new Set(relay.events.slice(firstEvent).flatMap((e) => queuedIds(e.fields)).filter((id) => sids.has(id)));
      console.log(`log lines: ${[...events].map(([e, n]) => `${e} ${n}`).join(", ")}; ${stored.size} of ${sids.size} stored (message_queued)`);
      if (!stopped) return;
      const profile = CpuProfileSchema.parse(stopped.profile);
      const path = join(RESULTS_DIR, `profile-ingress-${fileStamp(new Date())}.cpuprofile.json`);
      await writeFile(path, JSON.stringify(profile));
      const b = breakdown(profile, INGRESS_RULES);
      console.log(`sampled busy ${perMessage(b.busyMs)}, idle ${(b.idleMs / 1000).toFixed(1)} s\n\nby piece:`);
      for (const x of b.buckets.filter((x) => x.ms > 0).sort((p, q) => q.ms - p.ms)) console.log(`  ${x.name.padEnd(52)} ${perMessage(x.ms).padStart(16)}  ${(x.share * 100).toFixed(1).padStart(5)}%`);
      console.log("\nby entry point (outermost JS function):");
      for (const x of b.roots.slice(0, 12)) console.log(`  ${x.frame.padEnd(52)} ${perMessage(x.ms).padStart(16)}`);
      console.log("\nself time, top functions:");
      for (const x of b.topSelf) console.log(`  ${perMessage(x.ms).padStart(16)}  ${x.frame}`);
      console.log(`\nprofile: ${path}`);
    } finally {
      inspector?.close();
    }
  } finally {
    await relay?.stop();
    await standIns.stop();
  }
}

/** Where the tail is: p50 and max of each block of requests in the order they were sent (the first block meets the objects' start). */
function latencyByOrder(samples: readonly { sentAt: number; respondedAt: number }[]): string {
  const inOrder = [...samples].sort((a, b) => a.sentAt - b.sentAt).map((s) => s.respondedAt - s.sentAt);
  const blocks: [number, number][] = [[0, 50], [50, 100], [100, 200], [200, inOrder.length]];
  return blocks
    .filter(([from]) => from < inOrder.length)
    .map(([from, to]) => {
      const block = inOrder.slice(from, to);
      return `${from + 1}-${Math.min(to, inOrder.length)}: p50 ${percentile(block, 50).toFixed(0)} ms, max ${Math.max(...block).toFixed(0)} ms`;
    })
    .join("; ");
}

await main();
