// The spend caps: past the user's daily cap (in their time zone) or the optional monthly one, no
// new run starts until the period resets (or an admin raises the cap). A run already going
// finishes its turn: a cap never cuts an answer in half.
import { addDays, instantOf, wallClockIn } from "../schedules/schedule-zone";

export type Caps = { dailyUsd: number; monthlyUsd: number | null };
export type BudgetCheck = { ok: true } | { ok: false; period: "daily" | "monthly"; spentUsd: number; limitUsd: number; resetsAt: number };

/** The next local midnight after `at` in `timeZone`. */
export function nextMidnight(at: number, timeZone: string): number {
  const wall = wallClockIn(at, timeZone);
  return instantOf({ ...addDays(wall, 1), hour: 0, minute: 0 }, timeZone);
}

/** Local midnight that starts the next calendar month after `at` in `timeZone`. */
export function nextMonthStart(at: number, timeZone: string): number {
  const wall = wallClockIn(at, timeZone);
  const year = wall.month === 12 ? wall.year + 1 : wall.year;
  const month = wall.month === 12 ? 1 : wall.month + 1;
  return instantOf({ year, month, day: 1, hour: 0, minute: 0 }, timeZone);
}

/** The least a run beside others keeps for itself of what the caps leave. */
export const PARALLEL_HEADROOM_USD = 1;

/**
 * Whether another run may start beside `live` runs with `leftUsd` of the caps left: every run
 * going, and the new one, must have a share of at least PARALLEL_HEADROOM_USD or of what the live
 * runs spent so far on average, whichever is more. So runs at once cannot each spend the last
 * dollar: with little left, one run goes at a time, as before. A first run is the caps' alone.
 */
export function admitsAnotherRun(leftUsd: number, live: readonly { costUsd: number }[]): boolean {
  if (live.length === 0) return true;
  const average = live.reduce((n, r) => n + r.costUsd, 0) / live.length;
  return leftUsd >= (live.length + 1) * Math.max(PARALLEL_HEADROOM_USD, average);
}

export function checkBudget(spent: { todayUsd: number; monthUsd: number }, caps: Caps, now: number, timeZone: string): BudgetCheck {
  // The monthly cap first: when both are spent, the later reset is the one that matters.
  if (caps.monthlyUsd !== null && spent.monthUsd >= caps.monthlyUsd) {
    return { ok: false, period: "monthly", spentUsd: spent.monthUsd, limitUsd: caps.monthlyUsd, resetsAt: nextMonthStart(now, timeZone) };
  }
  if (spent.todayUsd >= caps.dailyUsd) return { ok: false, period: "daily", spentUsd: spent.todayUsd, limitUsd: caps.dailyUsd, resetsAt: nextMidnight(now, timeZone) };
  return { ok: true };
}
