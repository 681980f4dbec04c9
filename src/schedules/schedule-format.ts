// Schedules and times as short text for WhatsApp ("weekdays 09:00 (cron 0 9 * * 1-5)", "Mon 1 Dec 09:00").
import { formatDuration } from "../shared/durations";
import type { ScheduleSpec } from "./schedule-math";
import { wallClockAsUtc, wallClockIn, type WallClock } from "./schedule-zone";

// Names are spelled out here rather than taken from Intl, so the text is the same on every engine.
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const WEEKDAYS_PLURAL = ["Sundays", "Mondays", "Tuesdays", "Wednesdays", "Thursdays", "Fridays", "Saturdays"];
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

const pad = (n: number): string => String(n).padStart(2, "0");
const clock = (hour: number, minute: number): string => `${pad(hour)}:${pad(minute)}`;

function weekdayOf(wall: WallClock): string {
  return WEEKDAYS[new Date(wallClockAsUtc(wall)).getUTCDay()] ?? "";
}

/** "Mon 1 Dec 09:00": an instant as the user's wall clock, for listings. */
export function formatInZone(at: number, timeZone: string): string {
  const wall = wallClockIn(at, timeZone);
  return `${weekdayOf(wall)} ${wall.day} ${MONTHS[wall.month - 1]} ${clock(wall.hour, wall.minute)}`;
}

/** "2026-12-01 09:00": an instant as the user's wall clock, unambiguous about the year. */
export function formatDateTimeInZone(at: number, timeZone: string): string {
  const wall = wallClockIn(at, timeZone);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)} ${clock(wall.hour, wall.minute)}`;
}

const DAY_NAMES: Record<string, number> = { SUN: 0, MON: 1, TUE: 2, WED: 3, THU: 4, FRI: 5, SAT: 6 };
const WEEKDAY_SETS: Record<string, string> = {
  "*": "daily", "1-5": "weekdays", "MON-FRI": "weekdays", "0,6": "weekends", "6,0": "weekends", "SAT,SUN": "weekends", "SUN,SAT": "weekends",
};

/** Plain words for the common cron shapes, or null when only the expression says it well. */
function cronInWords(expr: string): string | null {
  const fields = expr.trim().toUpperCase().split(/\s+/);
  if (fields.length !== 5) return null;
  const [minute = "", hour = "", dayOfMonth = "", month = "", dayOfWeek = ""] = fields;
  const isNumber = (field: string) => /^\d{1,2}$/.test(field);
  if (month !== "*") return null;
  if (isNumber(minute) && hour === "*" && dayOfMonth === "*" && dayOfWeek === "*") return `hourly at :${pad(Number(minute))}`;
  if (/^\*\/\d+$/.test(minute) && hour === "*" && dayOfMonth === "*" && dayOfWeek === "*") return `every ${minute.slice(2)} min`;
  if (!isNumber(minute) || !isNumber(hour)) return null;
  const time = clock(Number(hour), Number(minute));
  if (dayOfMonth === "*") {
    const set = WEEKDAY_SETS[dayOfWeek];
    if (set) return `${set} ${time}`;
    const day = isNumber(dayOfWeek) ? Number(dayOfWeek) % 7 : DAY_NAMES[dayOfWeek];
    return day === undefined ? null : `${WEEKDAYS_PLURAL[day]} ${time}`;
  }
  if (dayOfWeek === "*" && isNumber(dayOfMonth)) return `monthly on day ${Number(dayOfMonth)} at ${time}`;
  if (dayOfWeek === "*" && dayOfMonth === "L") return `monthly on the last day at ${time}`;
  return null;
}

/** A short description of when a task runs: "weekdays 09:00 (cron 0 9 * * 1-5)", "every 2h". */
export function describeSchedule(spec: ScheduleSpec, timeZone: string): string {
  switch (spec.kind) {
    case "cron": {
      const words = cronInWords(spec.expr);
      return words ? `${words} (cron ${spec.expr})` : `cron ${spec.expr}`;
    }
    case "interval":
      return `every ${formatDuration(spec.everyMs)}`;
    case "once":
      return `once at ${formatDateTimeInZone(spec.at, timeZone)}`;
  }
}
