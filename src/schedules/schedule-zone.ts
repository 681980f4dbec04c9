// Wall-clock time in an IANA time zone, computed with Intl only (no machine time zone, no
// Temporal), so the same answers come out of workerd and of Node under any TZ setting.
import { DAY_MS, MINUTE_MS } from "../shared/durations";

/** A local date and time in some zone; month is 1-12. */
export type WallClock = { year: number; month: number; day: number; hour: number; minute: number };
/** The same to the second. */
export type WallTime = WallClock & { second: number };

/**
 * The zone's name as the user should see it, or null if it is not an IANA zone Intl knows.
 * Intl's own name only fixes the case ("europe/london" → "Europe/London"): engines resolve some
 * zones to old aliases ("Asia/Kolkata" → "Asia/Calcutta"), so a name Intl accepts is otherwise
 * kept as typed. Offsets ("+05:30") are refused: they have no daylight-saving rules.
 */
export function canonicalTimeZone(timeZone: string): string | null {
  const typed = timeZone.trim();
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(typed)) return null;
  try {
    const resolved = new Intl.DateTimeFormat(undefined, { timeZone: typed }).resolvedOptions().timeZone;
    return resolved.toLowerCase() === typed.toLowerCase() ? resolved : typed;
  } catch {
    return null;
  }
}

// Building a formatter costs far more than using one, and the zones in use are few.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    // en-US digits and a 23-hour clock, read through formatToParts: locale-proof numbers.
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      hourCycle: "h23",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

// What en-US prints ("7/4/2026, 09:00:00"): read with one regex, as format() costs a third of
// formatToParts(); anything else an engine prints is read part by part.
const EN_US_WALL_TIME = /^(\d+)\/(\d+)\/(\d+), (\d+):(\d+):(\d+)$/;

/** The wall clock in `timeZone` at instant `at`, to the second. Throws on an unknown zone. */
export function wallTimeIn(at: number, timeZone: string): WallTime {
  const formatter = formatterFor(timeZone);
  const printed = EN_US_WALL_TIME.exec(formatter.format(at));
  if (printed) {
    const [, month, day, year, hour, minute, second] = printed.map(Number);
    return { year: year ?? NaN, month: month ?? NaN, day: day ?? NaN, hour: (hour ?? NaN) % 24, minute: minute ?? NaN, second: second ?? NaN };
  }
  const fields: Record<string, number> = {};
  for (const part of formatter.formatToParts(at)) fields[part.type] = Number(part.value);
  return {
    year: fields.year ?? NaN,
    month: fields.month ?? NaN,
    day: fields.day ?? NaN,
    // Some engines print midnight as 24 even with h23.
    hour: (fields.hour ?? NaN) % 24,
    minute: fields.minute ?? NaN,
    second: fields.second ?? NaN,
  };
}

/** The wall clock in `timeZone` at instant `at` (seconds dropped). Throws on an unknown zone. */
export function wallClockIn(at: number, timeZone: string): WallClock {
  const { year, month, day, hour, minute } = wallTimeIn(at, timeZone);
  return { year, month, day, hour, minute };
}

/** The wall clock's fields read as if they were UTC: handy for calendar arithmetic. */
export function wallClockAsUtc(wall: WallClock): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
}

/** The zone's offset from UTC at `at`, in ms (Kolkata: +5h30m, Los Angeles in winter: -8h). */
function offsetAt(at: number, timeZone: string): number {
  const wholeMinute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
  return wallClockAsUtc(wallClockIn(wholeMinute, timeZone)) - wholeMinute;
}

/**
 * The instant a wall-clock time names in `timeZone`, by the relay's one daylight-saving rule
 * (cron times follow it too, through croner: docs/schedules.md). A time the clock passes twice
 * (fall back) gives the earlier instant. A time the clock skips (spring forward) gives the moment
 * the clock jumps, the first instant whose wall time is past it: "02:30" on a day that jumps from
 * 02:00 to 03:00 becomes 03:00.
 */
export function instantOf(wall: WallClock, timeZone: string): number {
  const asUtc = wallClockAsUtc(wall);
  // The instant is within -14h and +12h of the wall time read as UTC (zones run from UTC-12 to
  // UTC+14): offsets a day either side are those before and after the one transition near it.
  const offsetBefore = offsetAt(asUtc - DAY_MS, timeZone);
  const offsetAfter = offsetAt(asUtc + DAY_MS, timeZone);
  const valid = [asUtc - offsetBefore, asUtc - offsetAfter].filter(
    (candidate) => wallClockAsUtc(wallClockIn(candidate, timeZone)) === asUtc,
  );
  if (valid.length > 0) return Math.min(...valid);
  // Skipped: read with the later offset it is before the jump, with the earlier one after it.
  return clockChange(asUtc - offsetAfter, asUtc - offsetBefore, timeZone);
}

/** The first whole minute in (from, to] whose offset differs from `from`'s: where the clock jumps. */
function clockChange(from: number, to: number, timeZone: string): number {
  const offset = offsetAt(from, timeZone);
  let [low, high] = [Math.floor(from / MINUTE_MS) * MINUTE_MS, Math.ceil(to / MINUTE_MS) * MINUTE_MS];
  while (high - low > MINUTE_MS) {
    const middle = low + Math.floor((high - low) / (2 * MINUTE_MS)) * MINUTE_MS;
    if (offsetAt(middle, timeZone) === offset) low = middle;
    else high = middle;
  }
  return high;
}

/** The calendar date `days` after the wall clock's date, time of day kept. */
export function addDays(wall: WallClock, days: number): WallClock {
  const shifted = new Date(Date.UTC(wall.year, wall.month - 1, wall.day + days));
  return { ...wall, year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() };
}
