// One round of the allowlist benchmark: each measured load on a relay of its own (fresh storage,
// agent down, as the relay section's ingress load), so no load's dispatch retries reach another.
import type { GroupCpu } from "../lib/group-cpu";
import type { StandIns } from "../lib/stand-ins";
import type { WranglerDev } from "../lib/wrangler-dev";
import { type Credentials, runClientLoad, sendLoad } from "../relay/drive";
import { INGRESS_WARM_UP, type IngressMeasure, readIngressLogs } from "../relay/ingress";
import { RECORDED_MAX_MS, recorded } from "../relay/ingress-drive";
import type { ClientMeasure } from "../relay/measure";
import { measureClient } from "../relay/measure";
import { type LoadShape, type PlannedLoad, planLoad } from "../relay/plan";
import type { AllowlistRound } from "./figures";
import { type AllowlistLoad, type AllowlistLoadKey, BENCH_ADMIN } from "./plan";

export type AllowlistRoundOptions = {
  round: number;
  loads: Record<AllowlistLoadKey, AllowlistLoad>;
  /** A relay with its VM unreachable, allowing `allowed` by configuration; `cacheTtlMs` null: the default. */
  startRelay: (o: { allowed: string[]; cacheTtlMs: number | null }) => Promise<WranglerDev>;
  standIns: StandIns;
  creds: Credentials;
  timeoutMs: number;
  log: (line: string) => void;
};

const SETTLE = { quietMs: 300, maxMs: 3_000 };
const REFUSED_WARM_UP: LoadShape = { key: "refused-warm", label: "refused warm-up", phones: 3, messagesPerPhone: 1, concurrency: 3, burst: false };
/** Load indexes of phoneOf for the warm-ups, apart from every measured load's. */
const WARM_INDEX = { ingress: 7, refused: 6 };

export async function runAllowlistRound(o: AllowlistRoundOptions): Promise<AllowlistRound> {
  const plan = (l: AllowlistLoad) => planLoad(l.shape, o.round, l.loadIndex);
  const [configuredLoad, directoryLoad, refusedLoad] = [plan(o.loads.configured), plan(o.loads.directory), plan(o.loads.refused)];
  const ingressWarm = planLoad(INGRESS_WARM_UP, o.round, WARM_INDEX.ingress);
  const refusedWarm = planLoad(REFUSED_WARM_UP, o.round, WARM_INDEX.refused);
  const round = `allowlist: round ${o.round}`;

  // Senders in ALLOWED_SENDERS: the Worker never asks the directory. The refused load runs first, before anything is stored.
  const { configured, refusedCached } = await withRelay(o, { allowed: [...ingressWarm.phones, ...configuredLoad.phones], cacheTtlMs: null }, async (relay) => {
    await warm(o, relay, refusedWarm);
    const refusedCached = await runClientLoad(refusedLoad, relay, o.creds, o.timeoutMs);
    o.log(`${round} refused, cached: ${rate(refusedCached)}`);
    await warm(o, relay, ingressWarm);
    return { refusedCached, configured: await measureIngress(o, relay, configuredLoad) };
  });
  o.log(`${round} ALLOWED_SENDERS senders: ${rate(configured)}, ${configured.stored} of ${configured.requests} stored`);

  const directoryCached = await withRelay(o, { allowed: [], cacheTtlMs: null }, async (relay) => {
    await allowAll(o, relay, [...ingressWarm.phones, ...directoryLoad.phones]);
    await warm(o, relay, ingressWarm);
    return measureIngress(o, relay, directoryLoad);
  });
  o.log(`${round} /allow senders, cached: ${rate(directoryCached)}, ${directoryCached.stored} of ${directoryCached.requests} stored`);

  const { directoryUncached, refusedUncached } = await withRelay(o, { allowed: [], cacheTtlMs: 0 }, async (relay) => {
    await warm(o, relay, refusedWarm);
    const refusedUncached = await runClientLoad(refusedLoad, relay, o.creds, o.timeoutMs);
    o.log(`${round} refused, uncached: ${rate(refusedUncached)}`);
    await allowAll(o, relay, [...ingressWarm.phones, ...directoryLoad.phones]);
    await warm(o, relay, ingressWarm);
    return { refusedUncached, directoryUncached: await measureIngress(o, relay, directoryLoad) };
  });
  o.log(`${round} /allow senders, uncached: ${rate(directoryUncached)}, ${directoryUncached.stored} of ${directoryUncached.requests} stored`);

  return { configured, directory: { cached: directoryCached, uncached: directoryUncached }, refused: { cached: refusedCached, uncached: refusedUncached } };
}

async function withRelay<T>(o: AllowlistRoundOptions, options: { allowed: string[]; cacheTtlMs: number | null }, use: (relay: WranglerDev) => Promise<T>): Promise<T> {
  const relay = await o.startRelay(options);
  try {
    return await use(relay);
  } finally {
    await relay.stop();
  }
}

async function warm(o: AllowlistRoundOptions, relay: WranglerDev, load: PlannedLoad): Promise<void> {
  await sendLoad(load, relay.url, o.creds, o.timeoutMs);
  await quiet(relay);
}

/** The admin allows each phone with /allow, one after another, and waits for every confirmation. */
async function allowAll(o: AllowlistRoundOptions, relay: WranglerDev, phones: readonly string[]): Promise<void> {
  await o.standIns.resetSent();
  const commands: PlannedLoad = {
    shape: { key: "allow", label: "/allow", phones: 1, messagesPerPhone: phones.length, concurrency: 1, burst: false },
    lanes: [phones.map((phone, i) => ({ phone: BENCH_ADMIN, text: `/allow ${phone}`, sid: `SM${"a1".repeat(8)}${String(o.round).padStart(4, "0")}${String(i).padStart(12, "0")}` }))],
    phones: [BENCH_ADMIN],
  };
  const result = await sendLoad(commands, relay.url, o.creds, o.timeoutMs);
  const refused = result.samples.filter((s) => s.status !== 200).length;
  if (refused > 0) throw new Error(`${refused} of ${phones.length} /allow webhooks not answered 200`);
  const until = Date.now() + o.timeoutMs;
  for (;;) {
    const confirmed = (await o.standIns.sentMessages()).filter((m) => m.to === `whatsapp:${BENCH_ADMIN}` && m.body?.startsWith("Allowed ")).length;
    if (confirmed >= phones.length) break;
    if (Date.now() > until) throw new Error(`only ${confirmed} of ${phones.length} /allow confirmed`);
    await sleep(200);
  }
  await quiet(relay);
}

/** One ingress load as the relay section measures it: CPU until the relay's logs are quiet. */
async function measureIngress(o: AllowlistRoundOptions, relay: WranglerDev, load: PlannedLoad): Promise<IngressMeasure> {
  const firstEvent = relay.events.length;
  const [cpuBefore, reloadsBefore] = [relay.cpu(), relay.reloads.length];
  const result = await sendLoad(load, relay.url, o.creds, o.timeoutMs);
  const sids = new Set(load.lanes.flat().map((m) => m.sid));
  // The lines recording a burst's last messages come up to 2 s later: they are the load's work too.
  await recorded(relay, firstEvent, sids, RECORDED_MAX_MS);
  await quiet(relay);
  const now = relay.cpu();
  const cpu: GroupCpu = { totalMs: now.totalMs - cpuBefore.totalMs, workerdMs: now.workerdMs - cpuBefore.workerdMs };
  return { ...measureClient(result, cpu, relay.reloads.length > reloadsBefore), ...readIngressLogs(relay.events.slice(firstEvent).map((e) => e.fields), sids) };
}

async function quiet(relay: WranglerDev): Promise<void> {
  const until = Date.now() + SETTLE.maxMs;
  for (let seen = relay.events.length; Date.now() < until; ) {
    await sleep(SETTLE.quietMs);
    if (relay.events.length === seen) return;
    seen = relay.events.length;
  }
}

const rate = (m: ClientMeasure) => `${m.perSecond.toFixed(0)}/s, p99 ${m.webhookMs.p99.toFixed(0)} ms, workerd ${m.workerdCpuMsPerMessage.toFixed(2)} ms/message`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
