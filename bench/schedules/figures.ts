// The schedules benchmark's reported figures, from its observations. Pure.
import { atMost, exactly, type Figure, info, judged } from "../lib/figures";
import { formatValue } from "../lib/table";
import type { StoredAlarm } from "./alarm-store";
import { type ClaimAlarm, type IdleWindow, queueRun, type TaskStart, wakeupsPerDay } from "./measure";
import type { DueTimes, ScheduleSizes } from "./plan";

export const TARGETS = {
  /** A task starts within 1 s of its due time (polling schedulers are up to 60 s late). */
  latenessMs: atMost(1000, " ms"),
  none: exactly(0),
};

const SECTION = "schedules";
const DAY_MS = 86_400_000;

export type IdleObservation = {
  label: string;
  alarmsInWindow: number;
  window: IdleWindow;
  /** What the object's storage held when the window closed; null if it could not be read. */
  storedAtEnd: StoredAlarm | null;
  /** For a user whose task was deleted or paused: how far ahead its alarm was while the task was active. */
  alarmAheadWhileActiveMs?: number | null;
};

export type Cpu = { cpuMs: number; wallMs: number };

export type ScheduleObservations = {
  sizes: ScheduleSizes;
  due: DueTimes;
  /** When the last creation reply reached the emulator; null if they were not all in before the first due time. */
  confirmedAt: number | null;
  /** The lone task's first start (one task due with nothing else), null if it never started. */
  loneStart: TaskStart | null;
  spreadStarts: readonly TaskStart[];
  /** workerd CPU from the spread users' due time to their last start. */
  spreadCpu: Cpu;
  /** Arrival of each spread user's tasks_claimed log line − due time, sorted (see claimLogOffsets). */
  spreadClaimLogMs: readonly number[];
  singleStarts: readonly TaskStart[];
  /** Task starts the VM got more than once for the single user (a busy refusal would show here). */
  singleRepeatedStarts: number;
  claim: ClaimAlarm | null;
  /** workerd CPU from the single user's due time to its claiming alarm's end. */
  singleCpu: Cpu;
  idle: readonly IdleObservation[];
  /** Objects whose once tasks all ran that still had an alarm stored at the end, of `taskObjects`. */
  leftArmed: number;
  taskObjects: number;
  reloads: number;
};

/**
 * Wake-ups an idle object would have in a day: the alarms seen in the window scaled to a day
 * (zero stays zero), plus one if an alarm is still stored to fire within the day.
 */
export function idleDayWakeups(o: Pick<IdleObservation, "alarmsInWindow" | "window" | "storedAtEnd">): number {
  const stored = o.storedAtEnd?.alarmAt ?? null;
  const pending = stored !== null && stored <= o.window.toAt + DAY_MS ? 1 : 0;
  return wakeupsPerDay(o.alarmsInWindow, o.window) + pending;
}

export function scheduleFigures(o: ScheduleObservations): Figure[] {
  return [...loneFigures(o), ...spreadFigures(o), ...singleFigures(o), ...idleFigures(o), ...checkFigures(o)];
}

function loneFigures(o: ScheduleObservations): Figure[] {
  const start = o.loneStart;
  const note = start ? `the scheduler alone: alarm → claim → VM request; due ${fmt((start.dueAt - o.due.singleDueAt) / 1000)} s after the ${o.sizes.singleTasks}-task minute` : "never started";
  return [judged(SECTION, "task start lateness [1 user, 1 task, nothing else due]", start?.latenessMs ?? Number.NaN, "ms", TARGETS.latenessMs, note)];
}

function spreadFigures(o: ScheduleObservations): Figure[] {
  const tag = ` [${o.sizes.spreadUsers} users, 1 task each, same minute]`;
  const run = queueRun(o.spreadStarts);
  const objects = o.sizes.spreadUsers;
  return [
    judged(SECTION, `task start lateness p50${tag}`, run.lateness.p50, "ms", TARGETS.latenessMs, `${run.started} of ${objects} started; min ${fmt(run.lateness.min)}, max ${fmt(run.lateness.max)} ms`),
    judged(SECTION, `task start lateness p99${tag}`, run.lateness.p99, "ms", TARGETS.latenessMs),
    info(SECTION, `workerd CPU, due time → last start${tag}`, o.spreadCpu.cpuMs, "ms", `over ${fmt(o.spreadCpu.wallMs)} ms wall; ${fmt(o.spreadCpu.cpuMs / objects)} ms per object`),
    info(SECTION, `claims logged after the due time, first → last${tag}`, spanText(o.spreadClaimLogMs), "ms", `${o.spreadClaimLogMs.length} tasks_claimed lines; an upper bound on when each alarm ran`),
  ];
}

function singleFigures(o: ScheduleObservations): Figure[] {
  const n = o.sizes.singleTasks;
  const tag = ` [1 user, ${n} tasks, same minute]`;
  const run = queueRun(o.singleStarts);
  const claim = o.claim;
  const perTask = (value: number) => (claim && claim.tasksClaimed > 0 ? value / claim.tasksClaimed : Number.NaN);
  return [
    info(SECTION, `first task start lateness${tag}`, run.firstLatenessMs, "ms", "the user's queue begins"),
    info(SECTION, `task start lateness p50${tag}`, run.lateness.p50, "ms", "one run at a time: the k-th waits for k−1 runs"),
    info(SECTION, `task start lateness p99${tag}`, run.lateness.p99, "ms"),
    info(SECTION, `task starts spread, first → last${tag}`, run.spreadMs, "ms", `${run.started} of ${n} started; median gap ${fmt(run.medianGapMs)} ms; repeated starts ${o.singleRepeatedStarts}`),
    info(SECTION, `alarm handler time [object with ${n} tasks]`, claim?.durationMs ?? Number.NaN, "ms", claim ? `the alarm that claimed ${claim.tasksClaimed} tasks and ran them; ${claim.rowsWritten} rows written` : "no claiming alarm logged"),
    info(SECTION, `alarm handler time per task [object with ${n} tasks]`, perTask(claim?.durationMs ?? Number.NaN), "ms", `workerd CPU ${fmt(perTask(o.singleCpu.cpuMs))} ms and ${fmt(perTask(claim?.rowsWritten ?? Number.NaN))} rows per task`),
  ];
}

function idleFigures(o: ScheduleObservations): Figure[] {
  return o.idle.map((idle) => {
    const seconds = Math.round((idle.window.toAt - idle.window.fromAt) / 1000);
    const stored = idle.storedAtEnd;
    const storage = stored ? `alarm stored at end: ${stored.alarmAt === null ? "none" : aheadText(stored.alarmAt - idle.window.toAt)}` : "storage not read";
    const ahead = idle.alarmAheadWhileActiveMs;
    const before = ahead === undefined ? "" : `; while its task was active: ${ahead === null ? "no alarm" : `alarm ${aheadText(ahead)}`}`;
    return judged(SECTION, `alarm wake-ups per idle day [${idle.label}]`, idleDayWakeups(idle), "", TARGETS.none, `${idle.alarmsInWindow} alarm_done in ${seconds} s; ${storage}${before}`);
  });
}

function checkFigures(o: ScheduleObservations): Figure[] {
  const expected = o.sizes.spreadUsers + o.sizes.singleTasks + 1;
  const started = o.spreadStarts.length + o.singleStarts.length + (o.loneStart ? 1 : 0);
  const margin =
    o.confirmedAt === null ? "creation replies NOT all in before the first due time" : `all creation replies in ${fmt((o.due.singleDueAt - o.confirmedAt) / 1000)} s before the first due time`;
  return [
    judged(SECTION, "tasks created but not started", expected - started, "", TARGETS.none, `of ${expected}; ${margin}`),
    judged(SECTION, "objects left with an alarm after their tasks ran", o.leftArmed, "", TARGETS.none, `of ${o.taskObjects}`),
    ...(o.reloads > 0 ? [judged(SECTION, "wrangler reloads during the run (source edited)", o.reloads, "", TARGETS.none, "timings disturbed; run again")] : []),
  ];
}

const fmt = (value: number) => formatValue(value, "");
/** How far ahead an alarm is: hours from one hour on, seconds below (negative: overdue). */
const aheadText = (ms: number) => (Math.abs(ms) >= 3_600_000 ? `${fmt(ms / 3_600_000)} h ahead` : `${fmt(ms / 1000)} s ahead`);
const spanText = (sorted: readonly number[]) => (sorted.length > 0 ? `${fmt(sorted[0]!)} → ${fmt(sorted[sorted.length - 1]!)}` : "n/a");
