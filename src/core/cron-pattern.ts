// Cron expressions as the relay accepts them (five fields: minute hour day-of-month month
// day-of-week, or a nickname such as @daily), read into the sets of values they match. Accepts
// exactly what croner 11 accepted in its "5-part" mode, and refuses the rest with croner's own
// words (users have been shown them), checked in croner's order so the first fault is named.
import { emptySets, readField } from "./cron-fields";
import { CronSyntaxError, refuse } from "./cron-syntax-error";

export type CronPattern = {
  /** Indexed by value: minutes 0-59, hours 0-23. */
  readonly minutes: readonly boolean[];
  readonly hours: readonly boolean[];
  /** Indexed by day - 1 and month - 1. */
  readonly days: readonly boolean[];
  readonly months: readonly boolean[];
  /** Indexed by weekday (0 = Sunday): 0 never, else WEEKDAY_EVERY or the bits of WEEKDAY_NTH / WEEKDAY_LAST. */
  readonly weekdays: readonly number[];
  /** "15W": the days whose nearest weekday (Mon-Fri, within the month) matches. */
  readonly nearestWeekdays: readonly number[];
  /** "L" and "LW" in day-of-month: the last day, the last weekday (Mon-Fri) of the month. */
  readonly lastDay: boolean;
  readonly lastWeekday: boolean;
  /** Day-of-month or day-of-week is "*" (or "?"). */
  readonly anyDay: boolean;
  readonly anyWeekday: boolean;
  /** "+" before day-of-week: a day must match both day fields (otherwise either, as Vixie cron). */
  readonly bothDays: boolean;
  /**
   * No "*" and no step in the minute and hour fields (croner's fixedTimeRule "no-wildcard"): a
   * fixed time runs once on a day whose clock passes it twice, and when the clock jumps over it.
   */
  readonly fixedTime: boolean;
};

export type CronParse = { ok: true; pattern: CronPattern } | { ok: false; reason: string };

const NICKNAMES: Readonly<Record<string, string>> = {
  "@yearly": "0 0 1 1 *",
  "@annually": "0 0 1 1 *",
  "@monthly": "0 0 1 * *",
  "@weekly": "0 0 * * SUN",
  "@daily": "0 0 * * *",
  "@midnight": "0 0 * * *",
  "@hourly": "0 * * * *",
};

// In croner's order: "-sun" (as in MON-SUN) before "sun", so a range can end on Sunday as 7.
const MONTH_NAMES = names(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1);
const DAY_NAMES = [[/-sun/gi, "-7"] as const, ...names(["sun", "mon", "tue", "wed", "thu", "fri", "sat"], 0)];

function names(list: string[], first: number): Array<readonly [RegExp, string]> {
  return list.map((name, i) => [new RegExp(name, "gi"), String(first + i)] as const);
}

// Characters a field may not have, by position in croner's seven-part layout (second … year),
// where a five-part expression's minute is entry 1: the number users see in the refusal.
const ILLEGAL = { plain: /[^/*0-9,\-]+/, dayOfMonth: /[^/*0-9,\-WwLl]+/, dayOfWeek: /[^/*0-9,\-#Ll]+/ };

/** Reads a cron expression, or says (in one line, as croner did) why it is not one. */
export function parseCron(expr: string): CronParse {
  try {
    return { ok: true, pattern: readPattern(expr) };
  } catch (error) {
    if (error instanceof CronSyntaxError) return { ok: false, reason: error.message };
    throw error;
  }
}

function readPattern(input: string): CronPattern {
  const expr = input.includes("@") ? expandNickname(input).trim() : input;
  const parts = expr.match(/\S+/g) ?? [""];
  if (parts.length < 5 || parts.length > 7) {
    refuse(`invalid configuration format ('${expr}'), exactly five, six, or seven space separated parts are required.`);
  }
  if (parts.length !== 5) refuse(`mode '5-part' requires exactly 5 parts, but pattern '${expr}' has ${parts.length} parts.`);
  // "?" is another way to write "*" (Quartz).
  let [minute = "", hour = "", dayOfMonth = "", month = "", dayOfWeek = ""] = expr.includes("?") ? parts.map((p) => p.replaceAll("?", "*")) : parts;

  const last = readLastDays(dayOfMonth);
  dayOfMonth = last.rest;
  const anyDay = dayOfMonth === "*";
  if (month.length >= 3) month = replaceNames(month, MONTH_NAMES);
  if (dayOfWeek.length >= 3) dayOfWeek = replaceNames(dayOfWeek, DAY_NAMES);
  const bothDays = dayOfWeek.startsWith("+");
  if (bothDays) {
    dayOfWeek = dayOfWeek.slice(1);
    if (dayOfWeek === "") refuse("Day-of-week field cannot be empty after '+' modifier.");
  }
  const anyWeekday = dayOfWeek === "*";

  const entries = ["0", minute, hour, dayOfMonth, month, dayOfWeek, "*"];
  entries.forEach((entry, i) => {
    const illegal = i === 3 ? ILLEGAL.dayOfMonth : i === 5 ? ILLEGAL.dayOfWeek : ILLEGAL.plain;
    if (illegal.test(entry)) refuse(`configuration entry ${i} (${entry}) contains illegal characters.`);
  });

  const sets = emptySets();
  readField(sets, "minute", minute, { offset: 0, emptyAllowed: false });
  readField(sets, "hour", hour, { offset: 0, emptyAllowed: false });
  readField(sets, "day", dayOfMonth, { offset: -1, emptyAllowed: last.lastDay || last.lastWeekday });
  readField(sets, "month", month, { offset: -1, emptyAllowed: false });
  readField(sets, "dayOfWeek", dayOfWeek, { offset: 0, emptyAllowed: false });

  const fixed = (field: string) => !field.includes("*") && !field.includes("/");
  const truthy = (values: number[]) => values.map((v) => v !== 0);
  return {
    minutes: truthy(sets.minute),
    hours: truthy(sets.hour),
    days: truthy(sets.day),
    months: truthy(sets.month),
    weekdays: sets.dayOfWeek,
    nearestWeekdays: sets.nearestWeekdays.flatMap((on, i) => (on ? [i + 1] : [])),
    lastDay: last.lastDay,
    lastWeekday: last.lastWeekday,
    anyDay,
    anyWeekday,
    bothDays,
    fixedTime: fixed(minute) && fixed(hour),
  };
}

/** "L" (alone or in a list) and "LW" (alone) in day-of-month, taken out of the field. */
function readLastDays(dayOfMonth: string): { rest: string; lastDay: boolean; lastWeekday: boolean } {
  if (dayOfMonth.toUpperCase() === "LW") return { rest: "", lastDay: false, lastWeekday: true };
  if (!dayOfMonth.toUpperCase().includes("L")) return { rest: dayOfMonth, lastDay: false, lastWeekday: false };
  const items = dayOfMonth.split(",");
  if (items.length > 1 && items.some((item) => item.toUpperCase() === "LW")) {
    refuse(`Syntax error, LW can not be in a list in day-of-month ('${dayOfMonth}').`);
  }
  if (items.some((item) => item === "" || (item.toUpperCase() !== "L" && /l/i.test(item)))) {
    refuse(`Syntax error, L has to be a value of its own in day-of-month ('${dayOfMonth}').`);
  }
  return { rest: items.filter((item) => item.toUpperCase() !== "L").join(","), lastDay: true, lastWeekday: false };
}

function expandNickname(expr: string): string {
  const nickname = expr.trim().toLowerCase();
  if (nickname === "@reboot") {
    refuse("@reboot is not supported in this environment. This is an event-based trigger that requires system startup detection.");
  }
  return NICKNAMES[nickname] ?? expr;
}

/** Month and day names to numbers; a name must stand alone ("MON-FRI", "1,JAN", "FRIL", not "MONDAY"). */
function replaceNames(field: string, table: ReadonlyArray<readonly [RegExp, string]>): string {
  let text = field;
  for (const [name, number] of table) {
    text = text.replace(name, (match: string, offset: number, whole: string) => {
      const start = offset + match.length - 3;
      if (/[a-z\d/#]/i.test(whole.charAt(start - 1)) || /[a-km-z\d]/i.test(whole.charAt(start + 3))) {
        refuse(`Syntax error, a month or day name has to stand alone ('${field}').`);
      }
      return number;
    });
  }
  return text;
}
