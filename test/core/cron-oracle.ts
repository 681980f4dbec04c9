// The oracle the cron tests hold our wrapper (src/schedules/cron.ts, croner inside) to: the relay's
// daylight-saving rule as docs/schedules.md writes it, by brute force over real minutes, for
// expressions whose day fields are "*" (the rule is about times of day). It shares no code with
// croner; it reads the zone through Intl as the app does.
import { expect } from "vitest";
import { nextCronRun } from "../../src/schedules/cron";
import { wallClockAsUtc, wallClockIn, type WallClock } from "../../src/schedules/schedule-zone";

const MINUTE_MS = 60_000;
/** Longer than any gap between two runs of a "m h * * *" pattern, even with a skipped day (Apia). */
const SEARCH_MS = 3 * 86_400_000;

/** A mistyped fixture (NaN) throws here rather than comparing equal. */
export const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Our next run, for an expression we accept that runs every day. */
export function ourNext(expr: string, timeZone: string, after: number): number {
  const next = nextCronRun(expr, timeZone, after);
  if (next === null) throw new Error(`no next run for ${expr} in ${timeZone} after ${iso(after)}`);
  return next;
}

/** The values a minute or hour field names: lists of numbers, ranges, "*", "*\/n" and "a-b/n". */
export function fieldValues(field: string, max: number): Set<number> {
  const values = new Set<number>();
  for (const item of field.replaceAll("?", "*").split(",")) {
    const [span = "", stepText] = item.split("/");
    const step = stepText === undefined ? 1 : Number(stepText);
    const [from, to] = span === "*" ? [0, max] : span.includes("-") ? span.split("-").map(Number) : [Number(span), stepText === undefined ? Number(span) : max];
    for (let value = from ?? NaN; value <= (to ?? NaN); value += step) values.add(value);
  }
  return values;
}

/** The zone's offset at `t`, to the minute (every offset of 2000-2100 is whole minutes). */
export const offsetAt = (t: number, timeZone: string): number => wallClockAsUtc(wallClockIn(t, timeZone)) - Math.floor(t / MINUTE_MS) * MINUTE_MS;

/** Whether the wall minute shown at `t` was shown before: the clock went back within the last three hours by as much. */
function isSecondPass(t: number, timeZone: string): boolean {
  const back = offsetAt(t - 3 * 60 * MINUTE_MS, timeZone) - offsetAt(t, timeZone);
  return back > 0 && offsetAt(t - back, timeZone) - offsetAt(t, timeZone) === back;
}

const sameDate = (a: WallClock, b: WallClock): boolean => a.year === b.year && a.month === b.month && a.day === b.day;

/**
 * The rule's next run of "minute hour * * *" strictly after `after`, walking real minutes:
 * - a pattern with "*" or a step in minute or hour runs at every real minute whose wall time it
 *   names: both passes of a repeated hour, nothing for wall times the clock skips;
 * - a fixed time (lists and ranges included) runs at the first pass of a repeated wall time only,
 *   and a wall time the clock skips runs at the moment the clock jumps, if that is the same date.
 */
export function ruleNext(expr: string, timeZone: string, after: number): number {
  const [minuteField = "", hourField = ""] = expr.trim().split(/\s+/);
  const [minutes, hours] = [fieldValues(minuteField, 59), fieldValues(hourField, 23)];
  const names = (wall: WallClock) => minutes.has(wall.minute) && hours.has(wall.hour);
  const fixed = !/[*/?]/.test(minuteField + hourField);
  let previous = wallClockIn(Math.floor(after / MINUTE_MS) * MINUTE_MS, timeZone);
  for (let t = Math.floor(after / MINUTE_MS) * MINUTE_MS + MINUTE_MS; t <= after + SEARCH_MS; t += MINUTE_MS) {
    const wall = wallClockIn(t, timeZone);
    const [from, to] = [wallClockAsUtc(previous), wallClockAsUtc(wall)];
    if (!fixed && names(wall)) return t;
    if (fixed) {
      if (names(wall) && !isSecondPass(t, timeZone)) return t;
      // The clock jumped: the wall minutes strictly between the last one and this were never shown.
      for (let skipped = from + MINUTE_MS; skipped < to; skipped += MINUTE_MS) {
        const shown = wallClockIn(skipped, "UTC");
        if (names(shown) && sameDate(shown, wall)) return t;
      }
    }
    previous = wall;
  }
  throw new Error(`the rule found no run for ${expr} in ${timeZone} within three days of ${iso(after)}`);
}

/** Our next `count` runs against the rule's, from `after`. */
export function compareWithRule(expr: string, timeZone: string, after: number, count = 3): void {
  let from = after;
  for (let i = 0; i < count; i++) {
    const ours = ourNext(expr, timeZone, from);
    expect({ expr, timeZone, after: iso(from), next: iso(ours) }).toEqual({ expr, timeZone, after: iso(from), next: iso(ruleNext(expr, timeZone, from)) });
    from = ours;
  }
}

/** Zones with every kind of clock change the comparisons should meet. */
export const ORACLE_ZONES = [
  "UTC",
  "America/New_York",
  "America/Los_Angeles",
  "Europe/London",
  "Europe/Dublin", // winter is its "negative" daylight saving in the tz database
  "Australia/Lord_Howe", // a 30-minute shift
  "Australia/Sydney",
  "Asia/Kolkata", // +05:30, no daylight saving
  "Asia/Kathmandu", // +05:45
  "Pacific/Chatham", // +12:45/+13:45
  "America/St_Johns", // -03:30, daylight saving
  "America/Santiago", // clocks change at midnight
  "America/Havana", // midnight too
  "Asia/Tehran", // midnight, and daylight saving until 2022
  "Africa/Casablanca", // daylight saving suspended each Ramadan
  "Pacific/Apia", // skipped 30 December 2011 entirely
  "Antarctica/Troll", // a 2-hour shift
  "America/Sao_Paulo", // daylight saving until 2019, changes at midnight
] as const;
