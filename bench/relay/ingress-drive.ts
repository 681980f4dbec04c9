// One round of the ingress load: the hello-world floor, the durable floor, then a relay of its
// own whose agent side is down, started for this load and stopped right after, so its dispatch
// retries (alarms 5 s, 10 s, 20 s… apart) never share the machine with another load.
import type { GroupCpu } from "../lib/group-cpu";
import type { WranglerDev } from "../lib/wrangler-dev";
import { type Credentials, runClientLoad, sendLoad } from "./drive";
import { firstP50, INGRESS_LOAD_INDEX, INGRESS_WARM_LOAD_INDEX, INGRESS_WARM_UP, type IngressMeasure, type IngressRound, ingressShape, knownP99, readIngressLogs } from "./ingress";
import { type ClientMeasure, measureClient } from "./measure";
import { planLoad } from "./plan";
import { queuedIds } from "./queued-lines";

export type IngressRoundOptions = {
  round: number;
  quick: boolean;
  floor: WranglerDev;
  durable: WranglerDev;
  /** Starts the relay with its VM unreachable, allowing exactly these senders. */
  startRelayAgentDown: (allowed: string[]) => Promise<WranglerDev>;
  creds: Credentials;
  timeoutMs: number;
  log: (line: string) => void;
};

/** After the last answer, the pumps the last webhooks started finish: their CPU is the message's. */
export const SETTLE = { quietMs: 300, maxMs: 3_000 };
/** The relay logs a burst of stored messages a line per 2 s (QUEUED_LINE_MS): the last line comes within that. */
export const RECORDED_MAX_MS = 5_000;

export async function runIngressRound(o: IngressRoundOptions): Promise<IngressRound> {
  const load = planLoad(ingressShape(o.quick), o.round, INGRESS_LOAD_INDEX);
  const [floor, durable] = [await runClientLoad(load, o.floor, o.creds, o.timeoutMs), await runClientLoad(load, o.durable, o.creds, o.timeoutMs)];
  for (const [name, m] of [["floor", floor], ["durable floor", durable]] as const) {
    if (m.non2xx > 0) throw new Error(`${name} ${load.shape.label}: ${m.non2xx} of ${m.requests} webhooks not answered 2xx`);
  }
  const warm = planLoad(INGRESS_WARM_UP, o.round, INGRESS_WARM_LOAD_INDEX);
  const relay = await o.startRelayAgentDown([...warm.phones, ...load.phones]);
  try {
    await sendLoad(warm, relay.url, o.creds, o.timeoutMs);
    await quiet(relay, SETTLE.quietMs, SETTLE.maxMs);
    const firstEvent = relay.events.length;
    const [cpuBefore, reloadsBefore] = [relay.cpu(), relay.reloads.length];
    const result = await sendLoad(load, relay.url, o.creds, o.timeoutMs);
    const sids = new Set(load.lanes.flat().map((m) => m.sid));
    // The lines that record the last messages are the load's work too: waited for, then the quiet.
    await recorded(relay, firstEvent, sids, RECORDED_MAX_MS);
    await quiet(relay, SETTLE.quietMs, SETTLE.maxMs);
    const now = relay.cpu();
    const cpu: GroupCpu = { totalMs: now.totalMs - cpuBefore.totalMs, workerdMs: now.workerdMs - cpuBefore.workerdMs };
    const measure: IngressMeasure = {
      ...measureClient(result, cpu, relay.reloads.length > reloadsBefore),
      ...readIngressLogs(relay.events.slice(firstEvent).map((e) => e.fields), sids),
    };
    const p99s = (m: ClientMeasure) => `p99 ${m.webhookMs.p99.toFixed(0)} ms (senders known ${knownP99(m).toFixed(0)} ms, first messages p50 ${firstP50(m).toFixed(0)} ms)`;
    o.log(`relay: round ${o.round} ${load.shape.label}: floor ${floor.perSecond.toFixed(0)}/s ${p99s(floor)}, durable floor ${durable.perSecond.toFixed(0)}/s ${p99s(durable)}, relay ${measure.perSecond.toFixed(0)}/s ${p99s(measure)}, ${measure.stored} of ${measure.requests} stored`);
    return { floor, durable, relay: measure };
  } finally {
    await relay.stop();
  }
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
