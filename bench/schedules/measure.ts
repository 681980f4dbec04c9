// Turns what the stand-ins and the Durable Objects' logs saw into the schedules benchmark's
// measures: task-start lateness, one user's run of tasks, the claiming alarm, idle wake-ups.
// Pure: everything arrives as data.
import { median, type Summary, summarize } from "../lib/stats";

export type VmArrival = { kind: string; userId: string; messages?: { id: string }[]; at: number };
export type LogLine = { at: number; fields: Record<string, unknown> };

/** The relay names a claimed task's message `task-<scheduleId>-<dueAt>`: its due time is in its id. */
export function parseTaskMessageId(id: string): { scheduleId: number; dueAt: number } | null {
  const match = /^task-(\d+)-(\d+)$/.exec(id);
  return match ? { scheduleId: Number(match[1]), dueAt: Number(match[2]) } : null;
}

export type TaskStart = { userId: string; messageId: string; dueAt: number; at: number; latenessMs: number };

/** The first POST /v1/runs carrying each user's task message, in arrival order: its lateness is arrival − due. */
export function taskStarts(requests: readonly VmArrival[]): TaskStart[] {
  const seen = new Set<string>();
  const starts: TaskStart[] = [];
  for (const r of [...requests].sort((a, b) => a.at - b.at)) {
    if (r.kind !== "start") continue;
    for (const { id } of r.messages ?? []) {
      // Ids are per object (every user's first task is task-1-…): a task is its user and id.
      const key = `${r.userId} ${id}`;
      const task = parseTaskMessageId(id);
      if (!task || seen.has(key)) continue;
      seen.add(key);
      starts.push({ userId: r.userId, messageId: id, dueAt: task.dueAt, at: r.at, latenessMs: r.at - task.dueAt });
    }
  }
  return starts;
}

/** POST /v1/runs requests carrying task messages beyond the first per task (a refused or retried start). */
export function repeatedTaskStarts(requests: readonly VmArrival[]): number {
  const carried = requests
    .filter((r) => r.kind === "start")
    .flatMap((r) => (r.messages ?? []).filter((m) => parseTaskMessageId(m.id)).map((m) => `${r.userId} ${m.id}`));
  return carried.length - new Set(carried).size;
}

export type QueueRun = {
  started: number;
  lateness: Summary;
  /** The first task's start: how late the user's queue began. */
  firstLatenessMs: number;
  /** Last start − first start: the queue working through the tasks one run at a time. */
  spreadMs: number;
  /** Median time between one task's start and the next's: one run's cost end to end. */
  medianGapMs: number;
};

export function queueRun(starts: readonly TaskStart[]): QueueRun {
  const ats = starts.map((s) => s.at).sort((a, b) => a - b);
  const gaps = ats.slice(1).map((at, i) => at - ats[i]!);
  return {
    started: starts.length,
    lateness: summarize(starts.map((s) => s.latenessMs)),
    firstLatenessMs: ats.length > 0 ? ats[0]! - starts.find((s) => s.at === ats[0])!.dueAt : Number.NaN,
    spreadMs: ats.length > 0 ? ats[ats.length - 1]! - ats[0]! : Number.NaN,
    medianGapMs: median(gaps),
  };
}

export type ClaimAlarm = {
  tasksClaimed: number;
  durationMs: number;
  rowsWritten: number;
  /** When its alarm_done line reached the bench. */
  doneAt: number;
};

/**
 * The alarm that claimed a user's tasks: its tasks_claimed line, then the first alarm_done line
 * of the same phone after it (one object's handler logs in order).
 */
export function claimingAlarm(lines: readonly LogLine[], loggedPhone: string): ClaimAlarm | null {
  const mine = lines.filter((l) => l.fields.phone === loggedPhone);
  const claim = mine.findIndex((l) => l.fields.event === "tasks_claimed");
  if (claim < 0) return null;
  const done = mine.slice(claim + 1).find((l) => l.fields.event === "alarm_done");
  if (!done) return null;
  return {
    tasksClaimed: numberOf(mine[claim]!.fields.tasks),
    durationMs: numberOf(done.fields.durationMs),
    rowsWritten: numberOf(done.fields.rowsWritten),
    doneAt: done.at,
  };
}

/**
 * When each phone's tasks_claimed line reached the bench, minus `dueAt`, in order: an upper
 * bound on when its alarm claimed the task (the line crosses workerd's and wrangler's stdout first).
 */
export function claimLogOffsets(lines: readonly LogLine[], loggedPhones: ReadonlySet<string>, dueAt: number): number[] {
  return lines
    .filter((l) => l.fields.event === "tasks_claimed" && typeof l.fields.phone === "string" && loggedPhones.has(l.fields.phone) && l.at >= dueAt)
    .map((l) => l.at - dueAt)
    .sort((a, b) => a - b);
}

export type CpuSample = { at: number; workerdMs: number };

/**
 * workerd CPU ms spent between two moments, from samples taken along the way: the last sample
 * at or before `fromAt` to the first at or after `toAt` (so it may include a sampling step each side).
 */
export function cpuBetween(samples: readonly CpuSample[], fromAt: number, toAt: number): { cpuMs: number; wallMs: number } {
  const before = samples.filter((s) => s.at <= fromAt).at(-1);
  const after = samples.find((s) => s.at >= toAt);
  if (!before || !after) return { cpuMs: Number.NaN, wallMs: Number.NaN };
  return { cpuMs: after.workerdMs - before.workerdMs, wallMs: after.at - before.at };
}

export type IdleWindow = { fromAt: number; toAt: number };

/** alarm_done lines of `loggedPhone` logged inside the window. */
export function alarmsInWindow(lines: readonly LogLine[], loggedPhone: string, window: IdleWindow): number {
  return lines.filter((l) => l.fields.event === "alarm_done" && l.fields.phone === loggedPhone && l.at > window.fromAt && l.at <= window.toAt).length;
}

const DAY_MS = 86_400_000;

/** Wake-ups scaled to a day; zero stays zero whatever the window (nothing to scale). */
export function wakeupsPerDay(count: number, window: IdleWindow): number {
  if (count === 0) return 0;
  const ms = window.toAt - window.fromAt;
  return ms > 0 ? (count * DAY_MS) / ms : Number.NaN;
}

function numberOf(value: unknown): number {
  return typeof value === "number" ? value : Number.NaN;
}

export type SentReply = { to: string; body: string | null };

/** Replies the relay sent to `phone` (as Twilio got them, `whatsapp:+…`) whose text matches. */
export function repliesMatching(sent: readonly SentReply[], phone: string, pattern: RegExp): number {
  return sent.filter((m) => m.to === `whatsapp:${phone}` && m.body !== null && pattern.test(m.body)).length;
}
