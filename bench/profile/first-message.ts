// What a phone's first message costs the relay: 40 new phones each send one message at once (a
// new Durable Object each: its start, its schema, the message, the first dispatch attempt to the
// VM that is down, their log lines), each wave on a relay of its own. Prints workerd CPU per
// message (/proc) and the latency of each wave. Usage:
//   npx tsx bench/profile/first-message.ts [--waves N] [--durable-floor]
import { freePort } from "../lib/free-port";
import { DURABLE_FLOOR_WORKER_DIR, REPO_ROOT } from "../lib/paths";
import { relayVars, STAND_IN_CREDENTIALS, startStandIns } from "../lib/stand-ins";
import { median, percentile } from "../lib/stats";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { sendLoad } from "../relay/drive";
import { quiet, RECORDED_MAX_MS, recorded, SETTLE } from "../relay/ingress-drive";
import { INGRESS_WARM_LOAD_INDEX, INGRESS_WARM_UP } from "../relay/ingress";
import { type LoadShape, type PlannedLoad, planLoad } from "../relay/plan";

const durableFloor = process.argv.includes("--durable-floor");
const wavesAt = process.argv.indexOf("--waves");
const waves = wavesAt > 0 ? Number(process.argv[wavesAt + 1]) : 5;
const creds = { accountSid: STAND_IN_CREDENTIALS.accountSid, authToken: STAND_IN_CREDENTIALS.authToken };
/** A load index of its own: its phones are never the ingress bench's. */
const LOAD_INDEX = 6;
const WAVE: LoadShape = { key: "first", label: "40 new phones, one message each, all at once", phones: 40, messagesPerPhone: 1, concurrency: 40, burst: false };

type Wave = { cpuMs: number; p50: number; max: number };

async function measureWave(relay: WranglerDev, load: PlannedLoad): Promise<Wave> {
  const firstEvent = relay.events.length;
  const before = relay.cpu();
  const result = await sendLoad(load, relay.url, creds, 60_000);
  const bad = result.samples.filter((s) => s.status !== 200).length;
  if (bad > 0) throw new Error(`${bad} webhooks not answered 200`);
  // The lines recording the messages, the pumps they started (the first dispatch attempt): theirs too.
  if (!durableFloor) await recorded(relay, firstEvent, new Set(load.lanes.flat().map((m) => m.sid)), RECORDED_MAX_MS);
  if (!durableFloor) await quiet(relay, SETTLE.quietMs, SETTLE.maxMs);
  const latencies = result.samples.map((s) => s.respondedAt - s.sentAt);
  return { cpuMs: (relay.cpu().workerdMs - before.workerdMs) / result.samples.length, p50: percentile(latencies, 50), max: Math.max(...latencies) };
}

async function main(): Promise<void> {
  const standIns = await startStandIns({ statusCallbacks: true });
  const deadVmUrl = `http://127.0.0.1:${await freePort()}`;
  const cwd = durableFloor ? DURABLE_FLOOR_WORKER_DIR : REPO_ROOT;
  const rows: Wave[] = [];
  try {
    // A relay of its own per wave (as the ingress bench does), so no earlier phone's dispatch retries fall in it.
    for (let w = 0; w < waves; w++) {
      const load = planLoad(WAVE, w + 1, LOAD_INDEX);
      const warm = planLoad(INGRESS_WARM_UP, w + 1, INGRESS_WARM_LOAD_INDEX);
      const relay = await startWranglerDev({ cwd, readyPath: durableFloor ? "/" : undefined, varsFor: relayVars({ ...standIns, vmUrl: deadVmUrl }, [...warm.phones, ...load.phones]) });
      try {
        await sendLoad(warm, relay.url, creds, 60_000);
        await quiet(relay, SETTLE.quietMs, SETTLE.maxMs);
        const wave = await measureWave(relay, load);
        rows.push(wave);
        console.log(`wave ${w + 1}: ${wave.cpuMs.toFixed(2)} ms workerd CPU per first message, latency p50 ${wave.p50.toFixed(0)} ms, max ${wave.max.toFixed(0)} ms`);
      } finally {
        await relay.stop();
      }
    }
    const med = (f: (r: Wave) => number) => median(rows.map(f)).toFixed(1);
    console.log(`${durableFloor ? "durable floor" : "relay"}, median of ${waves} waves: ${med((r) => r.cpuMs)} ms workerd CPU per first message, latency p50 ${med((r) => r.p50)} ms, max ${med((r) => r.max)} ms`);
  } finally {
    await standIns.stop();
  }
}

await main();
