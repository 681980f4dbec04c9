// The relay benchmark: signed webhooks into the relay Worker under `wrangler dev`, in rounds
// alternating with two floors (a hello-world Worker, and the durable floor: signature, form and
// one Durable Object insert), plus the deployable bundle's size. The ingress load (agent down)
// is its own section: sections/ingress.ts.
import { measureBundle } from "../lib/bundle-size";
import { judged } from "../lib/figures";
import { DURABLE_FLOOR_WORKER_DIR, HELLO_WORKER_DIR, REPO_ROOT } from "../lib/paths";
import type { Section, SectionOptions, SectionOutcome } from "../lib/section";
import { relayVars, STAND_IN_CREDENTIALS, startStandIns, type StandIns } from "../lib/stand-ins";
import { startWranglerDev, type WranglerDev } from "../lib/wrangler-dev";
import { relayFigures, type RoundPair, TARGETS } from "../relay/aggregate";
import { runClientLoad, runRelayLoad, sendLoad } from "../relay/drive";
import { allPhones, type LoadShape, loadShapes, planLoad, WORKER_ALONE_LOAD_INDEX, workerAloneShape } from "../relay/plan";

const LOAD_TIMEOUT_MS = 90_000;
const WARM_UP: LoadShape = { key: "warm", label: "warm-up", phones: 10, messagesPerPhone: 3, concurrency: 10, burst: false };
const creds = { accountSid: STAND_IN_CREDENTIALS.accountSid, authToken: STAND_IN_CREDENTIALS.authToken };

export const DEFINITIONS = {
  webhookLatency: "client: request sent → response body read, per signed POST /twilio/inbound",
  throughput: "200 responses / (last response − first request) over one load",
  throughputVsFloor: "relay webhooks/s ÷ hello-world webhooks/s of the same round's floor load; median over rounds",
  durableFloor:
    "fixtures/durable-floor-worker: checks X-Twilio-Signature, parses the form (MessageSid, From, Body), one RPC to the sender's Durable Object inserting one SQLite row (ON CONFLICT (MessageSid) DO NOTHING), 200 empty TwiML",
  throughputVsDurableFloor: "relay webhooks/s ÷ the durable floor's webhooks/s of the same round's load, run just before the relay's; median over rounds",
  p99VsDurableFloor: "relay webhook latency p99 ÷ the durable floor's p99 of the same round's load; median over rounds",
  dispatchLatency:
    "VM stand-in's arrival time of the first POST /v1/runs or /input carrying the message − the moment the client had the webhook's 200 status line; negative when the alarm reaches the VM before the 200 reaches the client; ±1 ms (the stand-in stamps Date.now())",
  cpuPerMessage:
    "CPU time (user + system, from /proc) of the wrangler dev process group (wrangler's Node and workerd) over a load ÷ messages; the relay's runs until its replies are sent and their status callbacks answered, so it includes dispatch, replies and callbacks. Unlike rates, other work on the machine does not add to it",
  rowsPerMessage:
    "SQLite rows written during a load (drained, status callbacks included) ÷ messages sent: storing = rowsWritten of message_queued and message_duplicate; run = rowsWritten of pump_done and alarm_done minus their outboxRowsWritten; outbox = outboxRowsWritten (run and outbox together while no line carries it); status callbacks = rowsWritten of delivery_status lines, which the relay logs only for a callback that wrote rows (a callback without a line counts 0); a lower bound, judged only if it already misses, when a load posted callbacks that must move a row (delivered, read, failed, undelivered) and no delivery_status line carried rowsWritten; then by table: each step's rowsByTable (the rows of the table a statement writes, its index entries included) ÷ messages sent, median over rounds",
  lostOrReordered:
    "from the Twilio emulator: each message's text must come back in exactly one reply (`echo: a | b` answers a turn of several), per phone in send order (a burst: in the order its Durable Object queued them)",
  medians: "per-round p50/p99/rates, then the median across rounds; counts of lost/duplicated/reordered are summed over all rounds",
};

export const relaySection: Section = {
  name: "relay",
  title: "relay Worker vs hello-world and durable floors under wrangler dev; dispatch latency; rows per message; lost/reordered; bundle size",
  run: runRelay,
};

async function runRelay({ quick, rounds, log }: SectionOptions): Promise<SectionOutcome> {
  const shapes = loadShapes(quick);
  const roundCount = quick ? 1 : rounds;
  log("relay: bundle size (wrangler deploy --dry-run)");
  const bundle = await measureBundle(REPO_ROOT);
  // Twilio posts a status callback for each step of each reply (sent, delivered, read): part of a message's cost.
  const standIns = await startStandIns({ statusCallbacks: true });
  try {
    const { relay, floor, durable } = await startWorkers(standIns, allPhones(shapes, roundCount));
    try {
      log(`relay: relay ${relay.url}, floor ${floor.url}, durable floor ${durable.url}; warm-up`);
      const warm = planLoad(WARM_UP, 0, 0);
      await sendLoad(warm, floor.url, creds, LOAD_TIMEOUT_MS);
      await sendLoad(warm, durable.url, creds, LOAD_TIMEOUT_MS);
      await runRelayLoad(warm, relay, standIns, creds, LOAD_TIMEOUT_MS);
      const pairs: RoundPair[] = [];
      for (let round = 1; round <= roundCount; round++) {
        const pair: RoundPair = { floor: {}, durable: {}, relay: {} };
        for (const [name, worker, measures] of [["floor", floor, pair.floor], ["durable floor", durable, pair.durable]] as const) {
          for (const [i, shape] of shapes.entries()) {
            const measure = await runClientLoad(planLoad(shape, round, i), worker, creds, LOAD_TIMEOUT_MS);
            // A floor that refuses (a signature it computes differently) would look fast: every ratio would be wrong.
            if (measure.non2xx > 0) throw new Error(`${name} ${shape.label}: ${measure.non2xx} of ${measure.requests} webhooks not answered 2xx`);
            measures[shape.key] = measure;
            log(`relay: round ${round}/${roundCount} ${name} ${shape.label}: ${measure.perSecond.toFixed(0)}/s, p99 ${measure.webhookMs.p99.toFixed(0)} ms`);
          }
        }
        for (const [i, shape] of shapes.entries()) {
          const measure = await runRelayLoad(planLoad(shape, round, i), relay, standIns, creds, LOAD_TIMEOUT_MS);
          pair.relay[shape.key] = measure;
          log(`relay: round ${round}/${roundCount} relay ${shape.label}: ${measure.perSecond.toFixed(0)}/s, p99 ${measure.webhookMs.p99.toFixed(0)} ms, dispatch p50 ${measure.dispatchMs.p50.toFixed(1)} ms, ${measure.rowsPerMessage.toFixed(1)} rows/message${measure.drained ? "" : ", NOT DRAINED"}`);
        }
        // Right after the relay's loads drained, so it shares their machine state; floor: the first load's.
        const alone = workerAloneShape(quick);
        const aloneMeasure = await runClientLoad(planLoad(alone, round, WORKER_ALONE_LOAD_INDEX), relay, creds, LOAD_TIMEOUT_MS);
        pair.workerAlone = { measure: aloneMeasure, pairedWith: shapes[0]!.key, label: alone.label };
        log(`relay: round ${round}/${roundCount} relay, ${alone.label}: ${aloneMeasure.perSecond.toFixed(0)}/s`);
        pairs.push(pair);
      }
      const reloads = [...relay.reloads, ...floor.reloads, ...durable.reloads];
      const figures = [
        ...relayFigures(shapes, pairs),
        judged("relay", "bundle size, gzip", round1(bundle.gzipBytes / 1024), "KiB", TARGETS.bundleGzipKiB, `raw ${round1(bundle.rawBytes / 1024)} KiB; largest: ${bundle.largestInputs.slice(0, 3).map((i) => `${i.input} ${round1(i.bytes / 1024)} KiB`).join(", ")}`),
        ...(reloads.length > 0 ? [judged("relay", "wrangler reloads during the run (source edited)", reloads.length, "", TARGETS.none, "loads they hit are left out; run again")] : []),
      ];
      return { status: "ok", figures, details: { definitions: DEFINITIONS, shapes, rounds: pairs, bundle, reloads } };
    } finally {
      await Promise.all([relay.stop(), floor.stop(), durable.stop()]);
    }
  } finally {
    await standIns.stop();
  }
}

type Workers = { relay: WranglerDev; floor: WranglerDev; durable: WranglerDev };

/** The three Workers with the same wrangler and the same flags; the floors ignore the relay's vars. */
async function startWorkers(standIns: StandIns, allowed: readonly string[]): Promise<Workers> {
  const varsFor = relayVars(standIns, allowed);
  const started: WranglerDev[] = [];
  try {
    // One after another: several wrangler starts at once overload two cores.
    for (const options of [{ cwd: REPO_ROOT }, { cwd: HELLO_WORKER_DIR, readyPath: "/" }, { cwd: DURABLE_FLOOR_WORKER_DIR, readyPath: "/" }]) {
      started.push(await startWranglerDev({ ...options, varsFor }));
    }
  } catch (error) {
    await Promise.all(started.map((w) => w.stop()));
    throw error;
  }
  const [relay, floor, durable] = started as [WranglerDev, WranglerDev, WranglerDev];
  return { relay, floor, durable };
}

const round1 = (n: number) => Math.round(n * 10) / 10;
