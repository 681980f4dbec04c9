// Which faults a soak injects and when, from its seed and length. Pure: the same seed and
// length always give the same plan, so a run that found something can be replayed.
import { type Random, seededRandom } from "../lib/seeded-random";

export type OutageStatus = 429 | 500 | 503;

export type FaultEvent =
  /** SIGKILL to the VM and every process it started, then started again `downMs` later on the same DATA_DIR. */
  | { kind: "vm_crash"; at: number; downMs: number }
  /** SIGKILL to wrangler dev (and workerd), started again at once on the same persisted state: what a deploy does to Durable Objects. */
  | { kind: "worker_crash"; at: number }
  /** Every Messages.json create fails with `status` for `forMs` (the emulator's outage window). */
  | { kind: "twilio_outage"; at: number; status: OutageStatus; forMs: number }
  /** A webhook delivered again with the same MessageSid: later (`late`), or twice at once (`racing`). */
  | { kind: "duplicate_webhook"; at: number; sender: number; mode: "late" | "racing" }
  /** `size` messages from one phone within a second. */
  | { kind: "burst"; at: number; sender: number; size: number };

export type FaultKind = FaultEvent["kind"];
export const FAULT_KINDS: readonly FaultKind[] = ["vm_crash", "worker_crash", "twilio_outage", "duplicate_webhook", "burst"];

/** Per minute of faults; every kind happens at least once, outages at least twice (one 429, one 5xx). */
export const PER_MINUTE: Record<FaultKind, number> = { vm_crash: 1.2, worker_crash: 0.8, twilio_outage: 1.2, duplicate_webhook: 7.2, burst: 0.5 };
export const AT_LEAST: Record<FaultKind, number> = { vm_crash: 1, worker_crash: 1, twilio_outage: 2, duplicate_webhook: 1, burst: 1 };

export const VM_DOWN_MS = 3_000;
export const OUTAGE_MS = { min: 10_000, max: 20_000 } as const;
/**
 * A Twilio outage starts at least this long after the one before it ended. The relay's outbox
 * retries within 10 s of an outage's end (its backoff cap while the window is open), so the replies
 * one outage held are out before the next begins. Outages closer than that are, for the replies
 * they hold, one outage longer than the 20 s the soak's p99 target assumes.
 */
export const OUTAGE_RECOVERY_MS = 15_000;
/** Two crashes or outages never start closer than this. */
const APART_MS = 1_000;
export const BURST_SIZE = { min: 3, max: 4 } as const;
/** No fault in the first seconds (the senders' first messages), none starting in the last ones (restarts must finish). */
export const QUIET_START_MS = 5_000;
export const QUIET_END_MS = 20_000;

export type PlanInput = { seed: number; faultMs: number; senders: number };

export function faultCounts(faultMs: number): Record<FaultKind, number> {
  const minutes = faultMs / 60_000;
  return Object.fromEntries(FAULT_KINDS.map((kind) => [kind, Math.max(AT_LEAST[kind], Math.round(PER_MINUTE[kind] * minutes))])) as Record<
    FaultKind,
    number
  >;
}

export function planFaults(input: PlanInput): FaultEvent[] {
  const { faultMs, senders } = input;
  if (!(faultMs >= QUIET_START_MS + QUIET_END_MS + 10_000)) throw new RangeError(`faultMs too short for a plan: ${faultMs}`);
  if (!(Number.isInteger(senders) && senders >= 1)) throw new RangeError(`senders must be a positive integer, got ${senders}`);
  const random = seededRandom(input.seed);
  const counts = faultCounts(faultMs);

  const startsBefore = faultMs - QUIET_END_MS;
  const statuses: OutageStatus[] = random.shuffle<OutageStatus>([503, 429]);
  while (statuses.length < counts.twilio_outage) statuses.push(random.pick<OutageStatus>([503, 503, 500, 429]));
  const outages = planOutages(random, statuses, startsBefore);
  const crashes = planCrashes(
    random,
    random.shuffle([...Array.from({ length: counts.vm_crash }, () => "vm_crash" as const), ...Array.from({ length: counts.worker_crash }, () => "worker_crash" as const)]),
    startsBefore,
    outages.map((o) => o.at),
  );
  const events: FaultEvent[] = [...outages, ...crashes];

  const anytime = () => random.int(QUIET_START_MS, faultMs - QUIET_START_MS);
  for (let i = 0; i < counts.duplicate_webhook; i++) {
    events.push({ kind: "duplicate_webhook", at: anytime(), sender: random.int(0, senders - 1), mode: i % 3 === 2 ? "racing" : "late" });
  }
  for (let i = 0; i < counts.burst; i++) {
    events.push({ kind: "burst", at: anytime(), sender: random.int(0, senders - 1), size: random.int(BURST_SIZE.min, BURST_SIZE.max) });
  }
  return events.sort((a, b) => a.at - b.at);
}

/**
 * The outages in time order, each starting at least OUTAGE_RECOVERY_MS after the one before ended,
 * the last starting before `startsBefore`. Lengths are drawn in OUTAGE_MS and shortened (never
 * below its min) when the window cannot hold them; a window too short even then is refused.
 */
function planOutages(random: Random, statuses: readonly OutageStatus[], startsBefore: number): Extract<FaultEvent, { kind: "twilio_outage" }>[] {
  const lengths = statuses.map(() => random.int(OUTAGE_MS.min, OUTAGE_MS.max));
  // Before the last outage's start: every other outage and the recovery after it (1 s to spare).
  const room = startsBefore - 1_000 - QUIET_START_MS;
  const before = lengths.slice(0, -1);
  const need = (ls: readonly number[]) => ls.reduce((n, l) => n + l + OUTAGE_RECOVERY_MS, 0);
  const excess = need(before) - room;
  if (excess > 0) {
    const shrinkable = before.reduce((n, l) => n + (l - OUTAGE_MS.min), 0);
    if (excess > shrinkable) throw new RangeError(`a fault window ending at ${startsBefore} ms cannot hold ${statuses.length} outages ${OUTAGE_RECOVERY_MS} ms apart`);
    before.forEach((l, i) => (lengths[i] = Math.floor(l - ((l - OUTAGE_MS.min) * excess) / shrinkable)));
  }
  // The time left over, cut at random into a gap before each outage.
  const spare = room - need(lengths.slice(0, -1));
  const cuts = statuses.map(() => Math.floor(random.next() * spare)).sort((a, b) => a - b);
  let at = QUIET_START_MS;
  return statuses.map((status, i) => {
    at += cuts[i]! - (i > 0 ? cuts[i - 1]! : 0);
    const event = { kind: "twilio_outage" as const, at, status, forMs: lengths[i]! };
    at += lengths[i]! + OUTAGE_RECOVERY_MS;
    return event;
  });
}

/** Crashes spread over the window in slots of their own, moved off any outage's start (no two disruptive faults start together). */
function planCrashes(random: Random, kinds: readonly ("vm_crash" | "worker_crash")[], startsBefore: number, outageStarts: readonly number[]): FaultEvent[] {
  const slot = (startsBefore - QUIET_START_MS) / Math.max(1, kinds.length);
  return kinds.map((kind, i) => {
    let at = Math.round(QUIET_START_MS + i * slot + random.next() * slot * 0.8);
    if (outageStarts.some((o) => Math.abs(o - at) <= APART_MS)) at = at + 2 * APART_MS < startsBefore ? at + 2 * APART_MS : at - 2 * APART_MS;
    return kind === "vm_crash" ? { kind, at, downMs: VM_DOWN_MS } : { kind, at };
  });
}

/** One line per event, for the run's log: `+12.3 s vm_crash (down 3 s)`. */
export function describeFault(event: FaultEvent): string {
  const when = `+${(event.at / 1000).toFixed(1)} s`;
  switch (event.kind) {
    case "vm_crash":
      return `${when} vm_crash (down ${event.downMs / 1000} s)`;
    case "worker_crash":
      return `${when} worker_crash (restarted at once)`;
    case "twilio_outage":
      return `${when} twilio_outage ${event.status} for ${(event.forMs / 1000).toFixed(1)} s`;
    case "duplicate_webhook":
      return `${when} duplicate_webhook ${event.mode} (sender ${event.sender + 1})`;
    case "burst":
      return `${when} burst of ${event.size} (sender ${event.sender + 1})`;
  }
}
