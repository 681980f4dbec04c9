// Sends one planned load to a Worker (relay or floor) and, for the relay, waits until it has answered everything.
import type { GroupCpu } from "../lib/group-cpu";
import { runLanes, type LoadResult } from "../lib/load";
import type { StandIns } from "../lib/stand-ins";
import { inboundForm, signedPost, type Inbound } from "../lib/webhooks";
import type { WranglerDev } from "../lib/wrangler-dev";
import { type ClientMeasure, measureClient, measureRelay, type RelayMeasure } from "./measure";
import type { PlannedLoad } from "./plan";
import { callbacksPending } from "./rows";

export const INBOUND_PATH = "/twilio/inbound";

export type Credentials = { accountSid: string; authToken: string };

/** Signs every message before the clock starts, so the client's HMAC work is not in the figures. */
export async function sendLoad(load: PlannedLoad, baseUrl: string, creds: Credentials, timeoutMs: number): Promise<LoadResult<Inbound>> {
  const url = `${baseUrl}${INBOUND_PATH}`;
  const posts = new Map(load.lanes.flat().map((m) => [m.sid, signedPost(url, inboundForm(m, creds.accountSid), creds.authToken)]));
  return runLanes({
    lanes: load.lanes,
    concurrency: load.shape.concurrency,
    timeoutMs,
    send: (m, signal) => {
      const post = posts.get(m.sid)!;
      return fetch(url, { method: "POST", headers: post.headers, body: post.body, signal });
    },
  });
}

/**
 * The relay's pump_done lines come at their window's end, 2 s (QUEUED_LINE_MS) after the first
 * pump of the window: a settle lasts at least this long past the last answer, so the lines (and
 * their CPU, and the rows they report) of the pumps the last webhooks started are in.
 */
export const PUMP_LINES_MS = 2_500;

export type DrainOptions = { timeoutMs: number; pollMs?: number; quietMs?: number };

/**
 * Waits until every message's text came back in some reply and every reply reached its final
 * delivery status, so Twilio's status callbacks have been posted (or the timeout), then until the
 * Durable Objects have been quiet for `quietMs` (after their pump_done lines' window) so their last
 * pump_done and alarm_done lines are in.
 */
export async function drainRelay(load: PlannedLoad, standIns: StandIns, relay: WranglerDev, options: DrainOptions): Promise<{ drained: boolean }> {
  const texts = new Set(load.lanes.flat().map((m) => m.text));
  const until = Date.now() + options.timeoutMs;
  let drained = false;
  while (!drained && Date.now() < until) {
    const sent = await standIns.sentMessages();
    const echoed = new Set(sent.flatMap((m) => (m.body?.startsWith("echo: ") ? m.body.slice(6).split(" | ") : [])));
    drained = [...texts].every((t) => echoed.has(t)) && callbacksPending(sent) === 0;
    if (!drained) await sleep(options.pollMs ?? 250);
  }
  // The pumps' pump_done lines come at their window's end (2 s): never settled before those of the last replies.
  await sleep(PUMP_LINES_MS);
  const quietMs = options.quietMs ?? 500;
  const quietUntil = Date.now() + 10 * quietMs;
  for (let seen = relay.events.length; Date.now() < quietUntil; ) {
    await sleep(quietMs);
    if (relay.events.length === seen) break;
    seen = relay.events.length;
  }
  return { drained };
}

/** A load measured at the client only: the floor (it answers at once), or the relay answering senders it does not allow. */
export async function runClientLoad(load: PlannedLoad, worker: WranglerDev, creds: Credentials, timeoutMs: number): Promise<ClientMeasure> {
  const [cpuBefore, reloadsBefore] = [worker.cpu(), worker.reloads.length];
  const result = await sendLoad(load, worker.url, creds, timeoutMs);
  return measureClient(result, cpuSince(worker, cpuBefore), worker.reloads.length > reloadsBefore);
}

/** One relay load end to end: send, drain, collect what the stand-ins and the logs saw, measure. */
export async function runRelayLoad(load: PlannedLoad, relay: WranglerDev, standIns: StandIns, creds: Credentials, timeoutMs: number): Promise<RelayMeasure & { drained: boolean }> {
  await standIns.resetSent();
  const firstEvent = relay.events.length;
  const [cpuBefore, reloadsBefore] = [relay.cpu(), relay.reloads.length];
  const result = await sendLoad(load, relay.url, creds, timeoutMs);
  const { drained } = await drainRelay(load, standIns, relay, { timeoutMs });
  const cpu = cpuSince(relay, cpuBefore);
  const phones = new Set(load.phones);
  const [vmRequests, sent] = await Promise.all([standIns.vmRequests(), standIns.sentMessages()]);
  const mine = sent.filter((m) => phones.has(m.to.replace(/^whatsapp:/, "")));
  const measure = measureRelay({
    load,
    result,
    vmRequests: vmRequests.filter((r) => phones.has(r.userId)),
    sent: mine,
    logs: relay.events.slice(firstEvent).map((e) => e.fields),
    lastReplyAt: Math.max(result.endedAt, ...mine.map((m) => Date.parse(m.dateCreated))),
    cpu,
    disturbed: relay.reloads.length > reloadsBefore,
  });
  return { ...measure, drained };
}

function cpuSince(worker: WranglerDev, before: GroupCpu): GroupCpu {
  const now = worker.cpu();
  return { totalMs: now.totalMs - before.totalMs, workerdMs: now.workerdMs - before.workerdMs };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
