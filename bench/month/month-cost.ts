// An active user's month, priced: the relay's counts measured over one run of messages, scaled to a
// month of the user's habits, times the published prices (prices.ts). Pure: counts and prices in,
// line items out.
import type { Prices } from "./prices";

/** What the bench counted over one measured run of `messages` messages through the real relay. */
export type MeasuredRun = {
  messages: number;
  /** Requests the Worker took: webhooks and Twilio's status callbacks. */
  workerRequests: number;
  /** CPU of the Worker's runtime over the run (workerd: the Worker and the object together, so an upper bound of the Worker's billed CPU). */
  workerCpuMs: number;
  /** Requests to the Durable Object: one RPC per webhook or callback that reaches it, and each alarm invocation. */
  durableRequests: number;
  rowsWritten: number;
  /** null where the relay does not count them. */
  rowsRead: number | null;
  /** The object's wall-clock time while active (the bench's bound: first webhook to its last log line). */
  durableActiveMs: number;
  /** First webhook to last reply: how long the user's Machine works for the run. */
  runMs: number;
};

export type ActiveUser = { messagesPerDay: number; runsPerDay: number; standupsPerMonth: number; daysPerMonth: number; voiceNotesPerMonth: number; voiceNoteSeconds: number; spokenReplyChars: number; spokenRepliesPerMonth: number };

/** 100 messages a day in 5 runs, one standup each weekday at 9, over 30 days; text only. */
export const ACTIVE_USER: ActiveUser = { messagesPerDay: 100, runsPerDay: 5, standupsPerMonth: (30 * 5) / 7, daysPerMonth: 30, voiceNotesPerMonth: 0, voiceNoteSeconds: 0, spokenReplyChars: 0, spokenRepliesPerMonth: 0 };

/** Bytes the user keeps: the object's SQLite database, and R2 (media, archive). */
export type Stored = { sqliteBytes: number; r2Bytes: number; r2Writes: number; r2Reads: number };

export type MachinePlan = {
  cpus: number;
  memoryMb: number;
  /** MACHINE_IDLE_MS: a Machine keeps running this long after a run's last reply, then is suspended. */
  idleMs: number;
  volumeGb: number;
  /** The image's used root filesystem, as a range (docs/fly-machines.md, "The image's size"). */
  rootfsGb: readonly [number, number];
};

export type LineItem = { name: string; quantity: number; unit: string; usd: number };
export type MonthCost = {
  cloudflare: { items: LineItem[]; usd: number };
  /** Fly as a range: the low end bills no memory snapshot and the smaller root filesystem. */
  fly: { items: LineItem[]; usd: readonly [number, number]; runningSeconds: number };
};

const GB = 1e9;
const SECONDS_PER_DAY = 86_400;

/** Messages and standups a month: a standup is one turn, priced as one message of the measured run. */
export function turnsPerMonth(user: ActiveUser): number {
  return user.messagesPerDay * user.daysPerMonth + user.standupsPerMonth;
}

/** Machine runs a month: the user's runs, and each standup (a run of one turn). */
export function runsPerMonth(user: ActiveUser): number {
  return user.runsPerDay * user.daysPerMonth + user.standupsPerMonth;
}

/** Seconds a month the Machine runs: each run's own length plus the idle time before its suspension. */
export function runningSeconds(run: MeasuredRun, user: ActiveUser, idleMs: number): number {
  const messagesPerRun = user.messagesPerDay / user.runsPerDay;
  const runMs = (run.runMs / run.messages) * messagesPerRun;
  const standupMs = run.runMs / run.messages;
  const ms = user.runsPerDay * user.daysPerMonth * (runMs + idleMs) + user.standupsPerMonth * (standupMs + idleMs);
  return Math.min(ms / 1000, user.daysPerMonth * SECONDS_PER_DAY);
}

export function priceMonth(run: MeasuredRun, stored: Stored, machine: MachinePlan, user: ActiveUser, prices: Prices): MonthCost {
  const cf = prices.cloudflare;
  const perTurn = turnsPerMonth(user) / run.messages;
  const durableGbSeconds = (run.durableActiveMs / 1000) * cf.durableObjectGb * perTurn;
  const item = (name: string, quantity: number, unit: string, price: number): LineItem => ({ name, quantity, unit, usd: quantity * price });
  const cloudflare = [
    item("Worker requests", run.workerRequests * perTurn, "requests", cf.workerRequest),
    item("Worker CPU", run.workerCpuMs * perTurn, "ms", cf.workerCpuMs),
    item("Durable Object requests", run.durableRequests * perTurn, "requests", cf.durableRequest),
    item("Durable Object duration", durableGbSeconds, "GB-s", cf.durableGbSecond),
    item("SQLite rows written", run.rowsWritten * perTurn, "rows", cf.sqliteRowWritten),
    item("SQLite rows read", (run.rowsRead ?? 0) * perTurn, "rows", cf.sqliteRowRead),
    item("SQLite stored", stored.sqliteBytes / GB, "GB-month", cf.sqliteGbMonth),
    item("R2 Class A", stored.r2Writes, "operations", cf.r2ClassA),
    item("R2 Class B", stored.r2Reads, "operations", cf.r2ClassB),
    item("R2 stored", stored.r2Bytes / GB, "GB-month", cf.r2GbMonth),
    item("Workers AI whisper", (user.voiceNotesPerMonth * user.voiceNoteSeconds) / 60, "audio minutes", cf.whisperMinute),
    item("Workers AI aura-1", (user.spokenRepliesPerMonth * user.spokenReplyChars) / 1000, "1k characters", cf.auraThousandChars),
  ];

  const fly = prices.fly;
  const seconds = runningSeconds(run, user, machine.idleMs);
  const monthSeconds = user.daysPerMonth * SECONDS_PER_DAY;
  const extraMemoryGb = Math.max(0, machine.memoryMb / 1024 - machine.cpus * 0.25);
  const runningPerSecond = (machine.cpus * fly.sharedCpuMonth + extraMemoryGb * fly.extraMemoryGbMonth) / (fly.hoursPerMonth * 3600);
  // Suspended the rest of the month: its root filesystem, and (if Fly bills it like one) its memory snapshot.
  const suspendedMonths = (monthSeconds - seconds) / monthSeconds;
  const [rootfsLow, rootfsHigh] = machine.rootfsGb;
  const snapshotGb = machine.memoryMb / 1024;
  const flyItems = [
    item("Machine running", seconds, "s", runningPerSecond),
    item("root filesystem while suspended", rootfsLow * suspendedMonths, "GB-month", fly.rootfsGbMonth),
    item("volume", machine.volumeGb, "GB-month", fly.volumeGbMonth),
  ];
  const flyLow = sum(flyItems);
  const flyHigh = flyLow + ((rootfsHigh - rootfsLow) + snapshotGb) * suspendedMonths * fly.rootfsGbMonth;
  return { cloudflare: { items: cloudflare, usd: sum(cloudflare) }, fly: { items: flyItems, usd: [flyLow, flyHigh], runningSeconds: seconds } };
}

const sum = (items: readonly LineItem[]) => items.reduce((n, i) => n + i.usd, 0);
