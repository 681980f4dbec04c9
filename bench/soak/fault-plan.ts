// Which faults a soak injects and when, from its seed and length. Pure: the same seed and
// length always give the same plan, so a run that found something can be replayed.
import { seededRandom } from "./random";

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

  // Crashes and outages each get a slot of their own, in shuffled order, so no two start together.
  const statuses: OutageStatus[] = random.shuffle<OutageStatus>([503, 429]);
  while (statuses.length < counts.twilio_outage) statuses.push(random.pick<OutageStatus>([503, 503, 500, 429]));
  const disruptive = random.shuffle([
    ...Array.from({ length: counts.vm_crash }, () => "vm_crash" as const),
    ...Array.from({ length: counts.worker_crash }, () => "worker_crash" as const),
    ...statuses.map((status) => ({ status })),
  ]);
  const span = faultMs - QUIET_START_MS - QUIET_END_MS;
  const slot = span / disruptive.length;
  const events: FaultEvent[] = disruptive.map((item, i) => {
    const at = Math.round(QUIET_START_MS + i * slot + random.next() * slot * 0.8);
    if (item === "vm_crash") return { kind: "vm_crash", at, downMs: VM_DOWN_MS };
    if (item === "worker_crash") return { kind: "worker_crash", at };
    return { kind: "twilio_outage", at, status: item.status, forMs: random.int(OUTAGE_MS.min, OUTAGE_MS.max) };
  });

  const anytime = () => random.int(QUIET_START_MS, faultMs - QUIET_START_MS);
  for (let i = 0; i < counts.duplicate_webhook; i++) {
    events.push({ kind: "duplicate_webhook", at: anytime(), sender: random.int(0, senders - 1), mode: i % 3 === 2 ? "racing" : "late" });
  }
  for (let i = 0; i < counts.burst; i++) {
    events.push({ kind: "burst", at: anytime(), sender: random.int(0, senders - 1), size: random.int(BURST_SIZE.min, BURST_SIZE.max) });
  }
  return events.sort((a, b) => a.at - b.at);
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
