// The "at" time of a once task as people type it ("2026-12-01 09:00", "tomorrow 9:00",
// "today 5pm", "17:00"), read in the user's time zone against `now`.
import { formatInZone } from "./schedule-format";
import { quoteInput } from "../shared/quote-input";
import { addDays, instantOf, wallClockIn, type WallClock } from "./schedule-zone";

/** A time of day as typed (hour, minutes, am/pm: three groups), up to a space or the end; read with readTime. */
export const TIME_OF_DAY = String.raw`(\d{1,2})(?::(\d{2}))?\s*(am|pm)?(?=\s|$)`;
// An optional date (ISO, or today/tomorrow), then a time of day.
const WHEN_PATTERN = new RegExp(String.raw`^(?:(\d{4})-(\d{2})-(\d{2})(?:T|\s+)|(today|tomorrow)\s+)?` + TIME_OF_DAY, "i");

export const WHEN_FORMS = "2026-12-01 09:00, tomorrow 9:00, today 17:00, 17:00 or 5pm";

/** Splits a leading time off `text` ("tomorrow 9:00 stand-up" → "tomorrow 9:00", "stand-up"). */
export function takeWhen(text: string): { when: string; rest: string } | null {
  const trimmed = text.trim();
  const match = WHEN_PATTERN.exec(trimmed);
  // A bare number is not a time (readTime says the same): "at 9 pushups" keeps "9" in the prompt's place.
  if (!match || (match[6] === undefined && match[7] === undefined)) return null;
  return { when: match[0].trim(), rest: trimmed.slice(match[0].length).trim() };
}

type WhenResult = { ok: true; at: number } | { ok: false; reason: string };

/**
 * [hour, minute] of a time as typed ("9" with "00", or "5" with "pm"); null when there is no such
 * time. A bare number is not a time, so "/schedule at 9 pushups" is refused rather than guessed.
 */
export function readTime(hourText: string, minuteText: string | undefined, meridiem: string | undefined): [number, number] | null {
  if (minuteText === undefined && meridiem === undefined) return null;
  const hour = Number(hourText);
  const minute = Number(minuteText ?? "0");
  if (minute > 59) return null;
  if (meridiem === undefined) return hour <= 23 ? [hour, minute] : null;
  if (hour < 1 || hour > 12) return null;
  return [(hour % 12) + (meridiem.toLowerCase() === "pm" ? 12 : 0), minute];
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/**
 * The instant `when` names in `timeZone`. Without a date the time is its next occurrence (today
 * or tomorrow); with "today" or a date it must still be ahead of `now`. Wall times skipped or
 * repeated by daylight saving follow instantOf, as cron times do (when the clock jumps; the first
 * of the two).
 */
export function resolveWhen(when: string, timeZone: string, now: number): WhenResult {
  const taken = takeWhen(when);
  const unknown = { ok: false as const, reason: `Unknown time "${quoteInput(when)}". Use forms like ${WHEN_FORMS}.` };
  if (!taken || taken.rest !== "") return unknown;
  const [, year, month, day, relativeDay, hourText = "", minuteText, meridiem] = WHEN_PATTERN.exec(taken.when) ?? [];
  const time = readTime(hourText, minuteText, meridiem);
  if (!time) return unknown;
  const today = wallClockIn(now, timeZone);
  let date: WallClock = { ...today, hour: time[0], minute: time[1] };
  if (year !== undefined) {
    if (!isRealDate(Number(year), Number(month), Number(day))) return { ok: false, reason: `There is no date ${year}-${month}-${day}.` };
    date = { ...date, year: Number(year), month: Number(month), day: Number(day) };
  } else if (relativeDay?.toLowerCase() === "tomorrow") {
    date = addDays(date, 1);
  }
  let at = instantOf(date, timeZone);
  if (at <= now && year === undefined && relativeDay === undefined) at = instantOf(addDays(date, 1), timeZone);
  if (at <= now) {
    return { ok: false, reason: `${quoteInput(when)} is in the past: it is now ${formatInZone(now, timeZone)} in ${timeZone}.` };
  }
  return { ok: true, at };
}
