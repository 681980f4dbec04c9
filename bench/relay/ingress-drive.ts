// One round of the ingress load: the hello-world floor, the durable floor, then a relay whose
// agent side is down, each a wrangler dev of its own started for this load and stopped right after
// (the relay's dispatch retries, alarms 5 s, 10 s, 20 s… apart, never share the machine with
// another load, and all three start equally cold).
import type { GroupCpu } from "../lib/group-cpu";
import type { WranglerDev } from "../lib/wrangler-dev";
import { type Credentials, PUMP_LINES_MS, runClientLoad, sendLoad } from "./drive";
import { firstP50, INGRESS_LOAD_INDEX, INGRESS_WARM_LOAD_INDEX, INGRESS_WARM_UP, type IngressMeasure, type IngressRound, ingressShape, knownP99, readIngressLogs } from "./ingress";
import { type ClientMeasure, measureClient } from "./measure";
import { type PlannedLoad, planLoad } from "./plan";
import { queuedIds } from "./queued-lines";

export type IngressRoundOptions = {
  round: number;
  quick: boolean;
  /**
   * Each starts a fresh `wrangler dev` of that Worker (a new isolate, fresh storage) for this
   * round's load alone; it is stopped right after. The relay's VM is unreachable and it allows
   * exactly these senders. All three start equally cold (see runIngressRound).
   */
  start: { floor: () => Promise<WranglerDev>; durable: () => Promise<WranglerDev>; relay: (allowed: string[]) => Promise<WranglerDev> };
  creds: Credentials;
  timeoutMs: number;
  log: (line: string) => void;
};

/** After the last answer, the pumps the last webhooks started finish: their CPU is the message's. */
export const SETTLE = { quietMs: 300, maxMs: 3_000 };
/** The relay logs a burst of stored messages a line per 2 s (QUEUED_LINE_MS): the last line comes within that. */
export const RECORDED_MAX_MS = 5_000;

/**
 * The relay's work for a load is over: the lines recording its messages are in, the pumps' lines
 * too (`answeredAt`: when the load's last answer came), then its logs have been quiet.
 */
export async function settled(worker: WranglerDev, firstEvent: number, sids: ReadonlySet<string>, answeredAt: number): Promise<void> {
  await recorded(worker, firstEvent, sids, RECORDED_MAX_MS);
  const left = answeredAt + PUMP_LINES_MS - Date.now();
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
  await quiet(worker, SETTLE.quietMs, SETTLE.maxMs);
}

/**
 * One round: the floor, the durable floor and the relay, one after another, each a fresh `wrangler
 * dev` given the same warm-up (INGRESS_WARM_UP) before the same load. The relay must be fresh (its
 * dispatch retries must not reach another load), so the floors are too: a floor kept warm from
 * round to round was compared with a relay whose isolate had just started, and the ratios of
 * rounds 2 and 3 measured V8's warm-up of the relay's code, not its work (bench/README.md).
 */
export async function runIngressRound(o: IngressRoundOptions): Promise<IngressRound> {
  const load = planLoad(ingressShape(o.quick), o.round, INGRESS_LOAD_INDEX);
  const warm = planLoad(INGRESS_WARM_UP, o.round, INGRESS_WARM_LOAD_INDEX);
  const floor = await fresh(o.start.floor(), (w) => runFloorLoad("floor", w, warm, load, o));
  const durable = await fresh(o.start.durable(), (w) => runFloorLoad("durable floor", w, warm, load, o));
  return fresh(o.start.relay([...warm.phones, ...load.phones]), async (relay) => {
    const warmEvent = relay.events.length;
    await sendLoad(warm, relay.url, o.creds, o.timeoutMs);
    await settled(relay, warmEvent, new Set(warm.lanes.flat().map((m) => m.sid)), Date.now());
    const firstEvent = relay.events.length;
    const [cpuBefore, reloadsBefore] = [relay.cpu(), relay.reloads.length];
    const result = await sendLoad(load, relay.url, o.creds, o.timeoutMs);
    const sids = new Set(load.lanes.flat().map((m) => m.sid));
    // The lines that record the last messages and the pumps they started are the load's work too.
    await settled(relay, firstEvent, sids, Date.now());
    const now = relay.cpu();
    const cpu: GroupCpu = { totalMs: now.totalMs - cpuBefore.totalMs, workerdMs: now.workerdMs - cpuBefore.workerdMs };
    const measure: IngressMeasure = {
      ...measureClient(result, cpu, relay.reloads.length > reloadsBefore),
      ...readIngressLogs(relay.events.slice(firstEvent).map((e) => e.fields), sids),
    };
    const p99s = (m: ClientMeasure) => `p99 ${m.webhookMs.p99.toFixed(0)} ms (senders known ${knownP99(m).toFixed(0)} ms, first messages p50 ${firstP50(m).toFixed(0)} ms)`;
    o.log(`relay: round ${o.round} ${load.shape.label}: floor ${floor.perSecond.toFixed(0)}/s ${p99s(floor)}, durable floor ${durable.perSecond.toFixed(0)}/s ${p99s(durable)}, relay ${measure.perSecond.toFixed(0)}/s ${p99s(measure)}, ${measure.stored} of ${measure.requests} stored`);
    return { floor, durable, relay: measure };
  });
}

/** Runs `use` on a Worker just started, and stops it however `use` ends. */
async function fresh<T>(starting: Promise<WranglerDev>, use: (worker: WranglerDev) => Promise<T>): Promise<T> {
  const worker = await starting;
  try {
    return await use(worker);
  } finally {
    await worker.stop();
  }
}

/** A floor's round: the warm-up, then the load, measured at the client; a floor that refuses stops the section. */
async function runFloorLoad(name: string, worker: WranglerDev, warm: PlannedLoad, load: PlannedLoad, o: IngressRoundOptions): Promise<ClientMeasure> {
  await sendLoad(warm, worker.url, o.creds, o.timeoutMs);
  const m = await runClientLoad(load, worker, o.creds, o.timeoutMs);
  if (m.non2xx > 0) throw new Error(`${name} ${load.shape.label}: ${m.non2xx} of ${m.requests} webhooks not answered 2xx`);
  return m;
}

/** Until the Worker logged nothing for `quietMs`, at most `maxMs`. */
export async function quiet(worker: WranglerDev, quietMs: number, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  for (let seen = worker.events.length; Date.now() < until; ) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    if (worker.events.length === seen) return;
    seen = worker.events.length;
  }
}

/** Until the relay's message_queued lines since `firstEvent` name every one of `sids`, at most `maxMs`. */
export async function recorded(worker: WranglerDev, firstEvent: number, sids: ReadonlySet<string>, maxMs: number): Promise<void> {
  const until = Date.now() + maxMs;
  const seen = new Set<string>();
  let read = firstEvent;
  while (Date.now() < until) {
    for (const { fields } of worker.events.slice(read)) for (const id of queuedIds(fields)) if (sids.has(id)) seen.add(id);
    read = worker.events.length;
    if (seen.size === sids.size) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
