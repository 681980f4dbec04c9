// Side by side: the ingress load (or, with --first, 40 new phones' first messages at once) sent to
// several Workers in interleaved waves, each wave a fresh `wrangler dev` of each (a new isolate,
// fresh storage, the same warm-up), so a change can be set against the checkout before it and
// against the durable floor in one run on one machine. Prints each wave and the medians: workerd
// CPU per message (/proc), throughput, latency p50, and the p99 of senders whose objects exist; then,
// for each later target, its ratios to the first one wave by wave, and how many waves exceed the
// ingress targets (throughput < 0.8x, CPU > 1.25x; the p99's ratios are printed, not judged). With the first two targets the same
// Worker (`durable-floor floor:<an unchanged copy>`), that count is the machine's own spread.
// Usage: npx tsx bench/profile/ingress-ab.ts [--first] [--waves N] [--vm-503] <checkout dir | durable-floor | floor:<dir>> ...
//   --vm-503: the agent side down as Fly's proxy shows a Machine it cannot reach (every request
//   answered 503 at once), instead of a loopback port nobody listens on (a refused connection).
//   e.g. git worktree add /tmp/before <commit> (with node_modules linked), then
//   npx tsx bench/profile/ingress-ab.ts durable-floor /tmp/before .
//   `floor:<dir>`: a Worker built like the durable floor (a copy of bench/fixtures/durable-floor-worker
//   changed for an experiment): answered as a floor is, no relay log lines waited for.
import { resolve } from "node:path";
import { spawnGroup, stopGroup } from "../lib/children";
import { freePort } from "../../emulator/tools/free-port";
import { DURABLE_FLOOR_WORKER_DIR } from "../lib/paths";
import { relayVars, STAND_IN_CREDENTIALS, startStandIns } from "../lib/stand-ins";
import { median, percentile } from "../lib/stats";
import { startWranglerDev } from "../lib/wrangler-dev";
import { throughput } from "../lib/load";
import { sendLoad } from "../relay/drive";
import { INGRESS_LOAD_INDEX, INGRESS_TARGETS, INGRESS_WARM_LOAD_INDEX, INGRESS_WARM_UP, ingressShape } from "../relay/ingress";
import { settled } from "../relay/ingress-drive";
import { splitBySender } from "../relay/measure";
import { type LoadShape, planLoad } from "../relay/plan";

const args = process.argv.slice(2);
const first = args.includes("--first");
const vm503 = args.includes("--vm-503");
const wavesAt = args.indexOf("--waves");
const waves = wavesAt >= 0 ? Number(args[wavesAt + 1]) : 5;
const targets = args.filter((a, i) => !a.startsWith("--") && !(wavesAt >= 0 && i === wavesAt + 1));
const creds = { accountSid: STAND_IN_CREDENTIALS.accountSid, authToken: STAND_IN_CREDENTIALS.authToken };
/** A load index of its own for --first: its phones are never the ingress bench's. */
const FIRST_LOAD_INDEX = 6;
const FIRST: LoadShape = { key: "first", label: "40 new phones, one message each, all at once", phones: 40, messagesPerPhone: 1, concurrency: 40, burst: false };

type Wave = { cpuMs: number; rate: number; p50: number; knownP99: number };


async function main(): Promise<void> {
  if (targets.length === 0 || !Number.isInteger(waves) || waves < 1) throw new Error("usage: ingress-ab.ts [--first] [--waves N] <checkout dir | durable-floor | floor:<dir>> ...");
  const standIns = await startStandIns({ statusCallbacks: true });
  const proxy = vm503 ? await answering503() : null;
  const deadVmUrl = proxy?.url ?? `http://127.0.0.1:${await freePort("127.0.0.1")}`;
  const results = new Map<string, Wave[]>(targets.map((t) => [t, []]));
  try {
    for (let w = 1; w <= waves; w++) {
      for (const target of targets) {
        const floor = target === "durable-floor" || target.startsWith("floor:");
        const dir = target === "durable-floor" ? DURABLE_FLOOR_WORKER_DIR : resolve(target.replace(/^floor:/, ""));
        const load = planLoad(first ? FIRST : ingressShape(false), w, first ? FIRST_LOAD_INDEX : INGRESS_LOAD_INDEX);
        const warm = planLoad(INGRESS_WARM_UP, w, INGRESS_WARM_LOAD_INDEX);
        const worker = await startWranglerDev({ cwd: dir, readyPath: floor ? "/" : undefined, varsFor: relayVars({ ...standIns, vmUrl: deadVmUrl }, [...warm.phones, ...load.phones]) });
        try {
          await sendLoad(warm, worker.url, creds, 60_000);
          if (!floor) await settled(worker, 0, new Set(warm.lanes.flat().map((m) => m.sid)), Date.now());
          const firstEvent = worker.events.length;
          const before = worker.cpu();
          const result = await sendLoad(load, worker.url, creds, 90_000);
          const bad = result.samples.filter((s) => s.status !== 200).length;
          if (bad > 0) throw new Error(`${target}: ${bad} webhooks not answered 200`);
          // The relay's lines for the last messages and its pumps are the load's work too; the floor logs nothing.
          if (!floor) await settled(worker, firstEvent, new Set(load.lanes.flat().map((m) => m.sid)), Date.now());
          const wave: Wave = {
            cpuMs: (worker.cpu().workerdMs - before.workerdMs) / result.samples.length,
            rate: throughput(result),
            p50: percentile(result.samples.map((s) => s.doneAt - s.sentAt), 50),
            knownP99: splitBySender(result.samples).knownMs.p99,
          };
          results.get(target)!.push(wave);
          console.log(`wave ${w} ${target}: workerd CPU ${wave.cpuMs.toFixed(2)} ms/message, ${wave.rate.toFixed(0)} webhooks/s, p50 ${wave.p50.toFixed(0)} ms, p99 of known senders ${Number.isNaN(wave.knownP99) ? "-" : `${wave.knownP99.toFixed(0)} ms`}`);
        } finally {
          await worker.stop();
        }
      }
    }
    for (const [target, rows] of results) {
      const m = (f: (r: Wave) => number) => median(rows.map(f)).toFixed(2);
      console.log(`median of ${rows.length} waves, ${target}: workerd CPU ${m((r) => r.cpuMs)} ms/message, ${m((r) => r.rate)} webhooks/s, p50 ${m((r) => r.p50)} ms, p99 of known senders ${m((r) => r.knownP99)} ms`);
    }
    const [base, ...others] = targets;
    for (const target of others) console.log(ratioLines(target, base!, results.get(target)!, results.get(base!)!).join("\n"));
  } finally {
    await standIns.stop();
    await proxy?.close();
  }
}

/** Each wave's ratios of `target` to `base`, then how many waves miss each ingress target. */
function ratioLines(target: string, base: string, rows: Wave[], baseRows: Wave[]): string[] {
  const ratios = rows.map((r, i) => ({ rate: r.rate / baseRows[i]!.rate, p99: r.knownP99 / baseRows[i]!.knownP99, cpu: r.cpuMs / baseRows[i]!.cpuMs }));
  const { throughputVsDurable: rate, cpuVsDurable: cpu } = INGRESS_TARGETS;
  const missed = ratios.map((x) => ({ rate: !rate.met(x.rate), cpu: !cpu.met(x.cpu) }));
  const misses = (f: (x: (typeof missed)[number]) => boolean) => missed.filter(f).length;
  return [
    `${target} ÷ ${base}, wave by wave: rate ${ratios.map((x) => x.rate.toFixed(2)).join(" / ")}; p99 of known senders ${ratios.map((x) => x.p99.toFixed(2)).join(" / ")} (reported, not judged); CPU ${ratios.map((x) => x.cpu.toFixed(2)).join(" / ")}`,
    `  waves missing a target, of ${ratios.length}: rate (${rate.text}) ${misses((x) => x.rate)}, CPU (${cpu.text}) ${misses((x) => x.cpu)}, any ${misses((x) => x.rate || x.cpu)}`,
  ];
}


/**
 * A VM address that answers every request 503 at once, as Fly's proxy does for a Machine it cannot
 * reach. In a process of its own: served from this one, it slowed the load's own client, whose
 * clock measures the latencies (measured: the relay's p99 1.27-1.57x against 1.02-1.23x).
 */
async function answering503(): Promise<{ url: string; close: () => Promise<void> }> {
  const port = await freePort("127.0.0.1");
  const script = `require("node:http").createServer((q, r) => { q.resume(); q.on("end", () => r.writeHead(503, { "content-type": "text/plain" }).end("no machine reachable")); }).listen(${port}, "127.0.0.1", () => console.log("listening"));`;
  const child = spawnGroup(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "inherit"] });
  await new Promise<void>((ok, fail) => {
    child.stdout!.once("data", () => ok());
    child.once("exit", (code) => fail(new Error(`the 503 server exited (${code})`)));
  });
  return { url: `http://127.0.0.1:${port}`, close: () => stopGroup(child) };
}

await main();
