// One soak: the real stack, several senders, seeded faults, then a drain and the ledger.
// The caller owns `teardowns` and runs them whatever happens (this registers into it).
import { join } from "node:path";
import { fetchOutbound, watchOutbound } from "./emulator-client";
import { startInjector, type FaultRecord } from "./fault-injector";
import { planFaults, type FaultEvent } from "./fault-plan";
import { checkLedger, isSettled, type Ledger, type Outbound, type SentMessage } from "./ledger";
import { latencyBounds, type LatencyBound } from "./latency-bounds";
import { countEvents, relayEvents } from "./log-events";
import { DRAIN_MAX_MS, QUIET_MS, soakParameters, type SoakParameters } from "./parameters";
import { seededRandom } from "../lib/seeded-random";
import { explain, type Explained } from "./report";
import { runSender } from "./senders";
import { startSoakStack } from "./soak-stack";
import type { Teardowns } from "./teardowns";
import { createTraffic, type DeliveryStats } from "./traffic";

export const SOAK_PHONES = ["+15551230001", "+15551230002", "+15551230003", "+15551230004", "+15551230005", "+15551230006"] as const;

export type SoakOptions = {
  minutes: number;
  seed: number;
  senders: number;
  /** The stack's log goes to `<logDir>/<label>.log`. */
  label: string;
  logDir: string;
  teardowns: Teardowns;
  log: (line: string) => void;
  drainMaxMs?: number;
};

export type SoakResult = {
  seed: number;
  minutes: number;
  senders: number;
  /** Everything that decided the run, arguments included (parameters.ts). */
  parameters: SoakParameters;
  /** Epoch ms when the faults began; all `…S` figures are seconds after it. */
  t0: number;
  drainS: number;
  plan: FaultEvent[];
  faults: FaultRecord[];
  ledger: Ledger;
  /** Everything the relay sent to a phone with a lost message (to see what it said instead). */
  repliesToPhonesWithLost: { phone: string; atS: number; body: string }[];
  deliveries: DeliveryStats;
  relayEvents: Record<string, number>;
  unplannedExits: { name: string; at: number; exit: string }[];
  explained: Explained[];
  /** The slowest replies, down to the p99, with what held each. */
  latencyBounds: LatencyBound[];
  logPath: string;
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { teardowns, log, seed, senders } = options;
  const drainMaxMs = options.drainMaxMs ?? DRAIN_MAX_MS;
  const parameters = soakParameters({ minutes: options.minutes, seed, senders }, drainMaxMs);
  const phones = SOAK_PHONES.slice(0, senders);
  const logPath = join(options.logDir, `${options.label}.log`);
  // Planned first: a bad length fails before anything starts.
  const faultMs = Math.round(options.minutes * 60_000);
  const plan = planFaults({ seed, faultMs, senders });
  log(`starting the stack (wrangler dev, the VM with the real CLI, the offline model, the emulator); log: ${logPath}`);
  const soakStack = await startSoakStack({ label: options.label, phones, logPath, teardowns });
  const { urls, vars } = soakStack;
  const traffic = createTraffic({ url: `${urls.worker}/twilio/inbound`, accountSid: vars.TWILIO_ACCOUNT_SID, authToken: vars.TWILIO_AUTH_TOKEN }, phones);
  teardowns.add("deliveries under way", () => {
    traffic.abort();
    return traffic.idle();
  });
  const watch = watchOutbound(urls.twilio);
  teardowns.add("the emulator poll", () => watch.stop());

  // What the senders see: a message is resolved once answered or told.
  let resolvedTokens = new Set<string>();
  let polling = true;
  void (async () => {
    while (polling) {
      const verdicts = checkLedger(traffic.messages, watch.current()).verdicts;
      resolvedTokens = new Set(verdicts.filter((v) => v.outcome !== "lost").map((v) => v.token));
      await sleep(500);
    }
  })();
  teardowns.add("the ledger poll", () => {
    polling = false;
  });

  const random = seededRandom(seed);
  const t0 = Date.now();
  log(`faults for ${(faultMs / 1000).toFixed(0)} s, seed ${seed}, ${senders} senders, ${plan.length} fault events`);
  const injector = startInjector(plan, t0, { stack: soakStack, traffic, twilioUrl: urls.twilio, random: random.fork("faults"), log });
  teardowns.add("faults under way", async () => void (await injector.finish()));

  const until = t0 + faultMs;
  await Promise.all(
    phones.map((_, i) => runSender(i, random.fork(`sender ${i}`), { traffic, resolved: (token) => resolvedTokens.has(token), until })),
  );
  const faults = await injector.finish();
  log(`faults over; waiting for deliveries, then draining (at most ${(drainMaxMs / 1000).toFixed(0)} s)`);
  await traffic.idle();
  const drainStart = Date.now();
  const { ledger, outbound } = await drain(traffic.messages, urls.twilio, drainStart + drainMaxMs);
  const drainS = Math.round((Date.now() - drainStart) / 1000);
  log(`drained in ${drainS} s`);

  const events = relayEvents(soakStack.lines);
  return {
    seed,
    minutes: options.minutes,
    senders,
    parameters,
    t0,
    drainS,
    plan,
    faults,
    ledger,
    // For each phone with a lost message: everything the relay sent it, to see what it said instead.
    repliesToPhonesWithLost: repliesTo(new Set(ledger.verdicts.filter((v) => v.outcome === "lost").map((v) => v.phone)), outbound, t0),
    deliveries: traffic.stats(),
    relayEvents: countEvents(events),
    unplannedExits: [...soakStack.unplannedExits],
    explained: explain(ledger, faults, events, t0),
    latencyBounds: latencyBounds(ledger, new Map(traffic.messages.map((m) => [m.token, m.text])), faults, events, t0),
    logPath,
  };
}

/** What the relay sent to `phones`, in order, each at seconds after t0 and cut to 300 characters. */
function repliesTo(phones: ReadonlySet<string>, outbound: readonly Outbound[], t0: number): { phone: string; atS: number; body: string }[] {
  return outbound
    .filter((o) => phones.has(o.to.replace(/^whatsapp:/, "")))
    .map((o) => ({ phone: o.to.replace(/^whatsapp:/, ""), atS: Math.round((o.createdAt - t0) / 100) / 10, body: o.body.slice(0, 300) }));
}

/** Waits until every accepted message is answered or told and nothing new was sent for QUIET_MS, or `deadline`; the final ledger and what was sent. */
async function drain(messages: readonly SentMessage[], twilioUrl: string, deadline: number): Promise<{ ledger: Ledger; outbound: readonly Outbound[] }> {
  let seen = -1;
  let changedAt = Date.now();
  for (;;) {
    const outbound = await fetchOutbound(twilioUrl);
    const ledger = checkLedger(messages, outbound);
    if (outbound.length !== seen) [seen, changedAt] = [outbound.length, Date.now()];
    if ((isSettled(ledger) && Date.now() - changedAt >= QUIET_MS) || Date.now() >= deadline) return { ledger, outbound };
    await sleep(1_000);
  }
}
