// What the schedules benchmark sends: its phones, the minute its tasks fall due, the commands
// that create them. Pure: the clock comes in as `now`.
import { maskPhone } from "../../src/shared/phone";
import { type Inbound, messageSid } from "../lib/webhooks";

export type ScheduleSizes = {
  /** (a) users with one task each, all due at the same minute. */
  spreadUsers: number;
  /** (b) tasks on one user, all due at that minute (the per-user cap is 50). */
  singleTasks: number;
  /** Creation must be confirmed before the first due minute: it is at least this far ahead. */
  leadMs: number;
};

export function scheduleSizes(quick: boolean): ScheduleSizes {
  return quick ? { spreadUsers: 10, singleTasks: 10, leadMs: 32_000 } : { spreadUsers: 100, singleTasks: 50, leadMs: 45_000 };
}

/** The users of the idle-day observation (d): none has a task when the window opens. */
export type IdleUsers = {
  /** Wrote a message, got the agent's answer, nothing else. */
  chat: string;
  /** Created a daily task, then deleted it. */
  deleted: string;
  /** Created a daily task, then paused it. */
  paused: string;
};

/** `lone` has one task due while nothing else is: the scheduler's own lateness, without contention. */
export type SchedulePhones = { spread: string[]; single: string; lone: string; idle: IdleUsers; all: string[] };

/**
 * +15560 and six digits, numbered across the whole section, so the last four digits (what the
 * relay's masked logs keep) tell every phone apart.
 */
export function benchPhone(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n > 9_999) throw new RangeError(`phone number index out of range: ${n}`);
  return `+15560${String(n).padStart(6, "0")}`;
}

export function planPhones(sizes: ScheduleSizes): SchedulePhones {
  const spread = Array.from({ length: sizes.spreadUsers }, (_, i) => benchPhone(i));
  const next = sizes.spreadUsers;
  const single = benchPhone(next);
  const lone = benchPhone(next + 1);
  const idle = { chat: benchPhone(next + 2), deleted: benchPhone(next + 3), paused: benchPhone(next + 4) };
  return { spread, single, lone, idle, all: [...spread, single, lone, idle.chat, idle.deleted, idle.paused] };
}

/** How a phone appears in the Durable Object's log lines. */
export const loggedPhone = maskPhone;

/** The first whole UTC minute at least `leadMs` after `now`. */
export function dueMinuteAfter(now: number, leadMs: number): number {
  return Math.ceil((now + leadMs) / 60_000) * 60_000;
}

/** `/schedule at HH:MM <prompt>`: a bare time is its next occurrence in the user's zone (UTC by default). */
export function atCommand(dueAt: number, prompt: string): string {
  if (dueAt % 60_000 !== 0) throw new RangeError("a task time has whole minutes");
  return `/schedule at ${new Date(dueAt).toISOString().slice(11, 16)} ${prompt}`;
}

// Apart from the relay section's MessageSids, which may share this process.
const SID_BASE = 0x5c_0000;
let sidCounter = 0;

export function inbound(phone: string, text: string): Inbound {
  return { phone, text, sid: messageSid(SID_BASE + ++sidCounter) };
}

export type DueTimes = {
  /** (b) the single user's tasks, due first so they run apart from the hundred users. */
  singleDueAt: number;
  /** (a) one task per spread user, a minute later. */
  spreadDueAt: number;
};

/** (b) due at the first whole minute `leadMs` ahead, (a) a minute after it. */
export function dueTimes(now: number, leadMs: number): DueTimes {
  const singleDueAt = dueMinuteAfter(now, leadMs);
  return { singleDueAt, spreadDueAt: singleDueAt + 60_000 };
}

/** One lane per spread user (one command each) and one lane of commands on the single user. */
export function taskCommands(phones: SchedulePhones, singleTasks: number, due: DueTimes): Inbound[][] {
  const spread = phones.spread.map((phone, i) => [inbound(phone, atCommand(due.spreadDueAt, `bench spread user ${i}`))]);
  const single = Array.from({ length: singleTasks }, (_, k) => inbound(phones.single, atCommand(due.singleDueAt, `bench single task ${k}`)));
  return [...spread, single];
}
