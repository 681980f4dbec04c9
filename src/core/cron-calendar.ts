// The local dates and minutes a cron pattern matches, and the first of them after a wall-clock
// time: calendar arithmetic only, no time zones (cron-next.ts maps the result onto instants).
import { WEEKDAY_LAST, WEEKDAY_NTH } from "./cron-fields";
import type { CronPattern } from "./cron-pattern";
import type { WallClock, WallTime } from "./schedule-zone";

// croner's horizon: nothing in the year 3000 or later, nor more than 400 years after where a
// search starts. The Gregorian calendar repeats every 400 years, so a date pattern that matches
// at all matches within that span; one that does not (30 February) ends there as null.
const LAST_YEAR = 2999;
const HORIZON_YEARS = 400;

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function daysInMonth(year: number, month: number): number {
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  return month === 2 && leap ? 29 : (MONTH_DAYS[month - 1] ?? NaN);
}

// Sakamoto's method: the day of the week without a Date (this runs for every day searched).
const MONTH_SHIFT = [0, 3, 2, 5, 0, 3, 5, 1, 4, 6, 2, 4];

/** 0 = Sunday, in the proleptic Gregorian calendar. */
function weekdayOf(year: number, month: number, day: number): number {
  const y = month < 3 ? year - 1 : year;
  const weekday = (y + Math.floor(y / 4) - Math.floor(y / 100) + Math.floor(y / 400) + (MONTH_SHIFT[month - 1] ?? NaN) + day) % 7;
  return weekday < 0 ? weekday + 7 : weekday;
}

/** Day-of-month "15W": the 15th if a weekday; a Saturday gives the Friday, a Sunday the Monday, without leaving the month. */
function nearestWeekday(year: number, month: number, day: number, lastDay: number): number | null {
  if (day > lastDay) return null;
  const weekday = weekdayOf(year, month, day);
  if (weekday === 0) return day === lastDay ? day - 2 : day + 1;
  if (weekday === 6) return day === 1 ? day + 2 : day - 1;
  return day;
}

function lastWeekdayOfMonth(year: number, month: number, lastDay: number): number {
  const weekday = weekdayOf(year, month, lastDay);
  return weekday === 0 ? lastDay - 2 : weekday === 6 ? lastDay - 1 : lastDay;
}

/**
 * Whether the pattern's two day fields accept this date (`lastDay`: the month's). As Vixie cron
 * (and croner), when both are restricted a day matching either one is enough; "+" before
 * day-of-week asks for both.
 */
function matchesDay(p: CronPattern, year: number, month: number, day: number, lastDay: number): boolean {
  let matches = p.days[day - 1] === true;
  for (const listed of p.nearestWeekdays) if (!matches && nearestWeekday(year, month, listed, lastDay) === day) matches = true;
  if (p.lastWeekday && day === lastWeekdayOfMonth(year, month, lastDay)) matches = true;
  if (p.lastDay && day === lastDay) matches = true;
  if (p.anyWeekday) return matches;
  const bits = p.weekdays[weekdayOf(year, month, day)] ?? 0;
  // The n-th of its weekday in the month, and the last one if a week later is the next month.
  const nth = Math.floor((day - 1) / 7);
  const weekdayMatches = bits !== 0 && ((bits & (WEEKDAY_NTH[nth] ?? 0)) !== 0 || ((bits & WEEKDAY_LAST) !== 0 && day + 7 > lastDay));
  return p.bothDays || p.anyDay ? matches && weekdayMatches : matches || weekdayMatches;
}

function matchesMinute(p: CronPattern, w: WallClock): boolean {
  return p.months[w.month - 1] === true && p.hours[w.hour] === true && p.minutes[w.minute] === true && matchesDay(p, w.year, w.month, w.day, daysInMonth(w.year, w.month));
}

function firstFrom(values: readonly boolean[], from: number): number {
  for (let i = from; i < values.length; i++) if (values[i]) return i;
  return -1;
}

/**
 * The first minute the pattern matches after the wall-clock time `after` (to the second, so
 * 09:00:30 gives 09:01 at the earliest), or `after` itself when `inclusive` and it matches to
 * the second. Null when nothing matches within the horizon.
 */
export function firstMatchAfter(p: CronPattern, after: WallTime, inclusive: boolean): WallClock | null {
  if (inclusive && after.second === 0 && matchesMinute(p, after)) return { year: after.year, month: after.month, day: after.day, hour: after.hour, minute: after.minute };
  const start = new Date(Date.UTC(after.year, after.month - 1, after.day, after.hour, after.minute + 1));
  let [year, month, day] = [start.getUTCFullYear(), start.getUTCMonth() + 1, start.getUTCDate()];
  let [hour, minute] = [start.getUTCHours(), start.getUTCMinutes()];
  const lastYear = Math.min(year + HORIZON_YEARS, LAST_YEAR);
  while (year <= lastYear) {
    if (p.months[month - 1]) {
      const lastDay = daysInMonth(year, month);
      for (; day <= lastDay; day++, hour = 0, minute = 0) {
        if (!matchesDay(p, year, month, day, lastDay)) continue;
        for (let h = firstFrom(p.hours, hour); h !== -1; h = firstFrom(p.hours, h + 1)) {
          const m = firstFrom(p.minutes, h === hour ? minute : 0);
          if (m !== -1) return { year, month, day, hour: h, minute: m };
        }
      }
    }
    [day, hour, minute] = [1, 0, 0];
    if (month < 12) month++;
    else [year, month] = [year + 1, 1];
  }
  return null;
}
