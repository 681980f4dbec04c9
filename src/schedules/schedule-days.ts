// "every weekday at 9am", as people text a schedule: days (day, weekday, weekend, day names, a
// list of them) and a time of day, written as the cron they mean ("0 9 * * 1-5"), so the task
// is a cron task like any other: the same checks, the same description in /schedules.
import { quoteInput } from "../shared/quote-input";
import { readTime, TIME_OF_DAY } from "./schedule-when";

const DAY_NAMES = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const GROUPS: Record<string, readonly number[]> = {
  day: [0, 1, 2, 3, 4, 5, 6],
  weekday: [1, 2, 3, 4, 5],
  weekend: [0, 6],
};

/** One day word: a group, a name, its first three letters (and "tues", "thurs"), each with a plural "s". */
function daysOf(word: string): readonly number[] | null {
  const w = word.toLowerCase().replace(/s$/, "");
  if (GROUPS[w]) return GROUPS[w];
  const index = DAY_NAMES.findIndex((name) => name.replace(/s$/, "") === w || name.slice(0, 3) === w || (w.length >= 3 && name.startsWith(w)));
  return index >= 0 ? [index] : null;
}

/** The cron day-of-week field for a set of days ("*", "1-5", "0,6", or a list). */
function dayField(days: ReadonlySet<number>): string {
  const sorted = [...days].sort((a, b) => a - b);
  if (sorted.length === 7) return "*";
  if (sorted.join(",") === "1,2,3,4,5") return "1-5";
  return sorted.join(",");
}

// The days, up to the word "at"; then a time of day.
const DAYS_AT = new RegExp(String.raw`^([a-z]+(?:\s*(?:,|\band\b)\s*[a-z]+)*)\s+at\s+` + TIME_OF_DAY, "i");
const USAGE_EXAMPLE = "e.g. /schedule every weekday at 9:00 <prompt>";

/**
 * What follows "every" when it names days: the cron and the rest of the text, or why not.
 * Null when it does not start with a day word (then it is an interval, "every 2h").
 */
export function takeDaysAt(text: string): { expr: string; rest: string } | { reason: string } | null {
  const trimmed = text.trim();
  const first = /^[a-z]+/i.exec(trimmed)?.[0] ?? "";
  if (!daysOf(first)) return null;
  const match = DAYS_AT.exec(trimmed);
  if (!match) return { reason: `At what time? ${USAGE_EXAMPLE} (also 9am, 17:30, 5pm).` };
  const [whole, dayText = "", hour = "", minute, meridiem] = match;
  const days = new Set<number>();
  for (const word of dayText.split(/\s*(?:,|\band\b)\s*/i).filter(Boolean)) {
    const found = daysOf(word);
    if (!found) return { reason: `Unknown day "${quoteInput(word)}": use day, weekday, weekend or day names (monday, tue…), ${USAGE_EXAMPLE}.` };
    found.forEach((d) => days.add(d));
  }
  const time = readTime(hour, minute, meridiem);
  if (!time) return { reason: `"${quoteInput(whole.slice(whole.search(/\bat\s/i) + 3).trim())}" is not a time of day: use forms like 9:00, 17:30, 9am or 5pm.` };
  return { expr: `${time[1]} ${time[0]} * * ${dayField(days)}`, rest: trimmed.slice(whole.length).trim() };
}
