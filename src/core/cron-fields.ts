// One field of a cron expression read into its set of values: lists, ranges, "*/n" and "a-b/n"
// steps, and the day forms "#n" (n-th weekday of the month), "nL" (its last one) and "nW" (the
// weekday nearest day n), with croner 11's checks and refusals, in croner's order.
import { refuse } from "./cron-syntax-error";

type FieldName = "minute" | "hour" | "day" | "month" | "dayOfWeek";
/** Sets by croner's names for them, which its refusals quote ("Invalid value for minute: 61"). */
export type FieldSets = Record<FieldName | "nearestWeekdays", number[]>;

/** A weekday's bits in a pattern: its 1st … 5th in the month, its last; EVERY is all of them. */
export const WEEKDAY_NTH = [1, 2, 4, 8, 16] as const;
export const WEEKDAY_LAST = 32;
export const WEEKDAY_EVERY = 63;

/** `offset` turns what is written into an index (days and months count from 1, sets from 0). */
type FieldRules = { offset: number; emptyAllowed: boolean };
/** What a value stands for: 1 (in the set), a weekday's bits, or "#n"/"L" text still to read. */
type Mark = number | string;

export function emptySets(): FieldSets {
  const none = (size: number) => new Array<number>(size).fill(0);
  return { minute: none(60), hour: none(24), day: none(31), month: none(12), dayOfWeek: none(7), nearestWeekdays: none(31) };
}

export function readField(sets: FieldSets, name: FieldName, text: string, rules: FieldRules): void {
  readPart(sets, name, text, rules, name === "dayOfWeek" ? WEEKDAY_EVERY : 1);
}

function readPart(sets: FieldSets, name: FieldName, text: string, rules: FieldRules, mark: number): void {
  // Empty only where "L" or "LW" was the whole day-of-month.
  if (text === "" && !rules.emptyAllowed) refuse(`configuration entry ${name} (${text}) is empty, check for trailing spaces.`);
  if (text === "*") {
    sets[name].fill(mark);
    return;
  }
  const items = text.split(",");
  if (items.length > 1) for (const item of items) readPart(sets, name, item, rules, mark);
  else if (text.includes("-") && text.includes("/")) readSteppedRange(sets, name, text, rules.offset, mark);
  else if (text.includes("-")) readRange(sets, name, text, rules.offset, mark);
  else if (text.includes("/")) readStep(sets, name, text, mark);
  else if (text !== "") readNumber(sets, name, text, rules.offset, mark);
}

function readNumber(sets: FieldSets, name: FieldName, text: string, offset: number, mark: number): void {
  const [body, nth] = splitNth(text, name);
  const nearest = text.toUpperCase().includes("W");
  if (name !== "day" && nearest) refuse("Nearest weekday modifier (W) only allowed in day-of-month.");
  const set = nearest ? "nearestWeekdays" : name;
  const value = toNumber(nearest ? body.replace(/W$/i, "") : body) + offset;
  if (Number.isNaN(value)) refuse(`${set} is not a number: '${text}'`);
  setValue(sets, set, value, nth || mark);
}

function readRange(sets: FieldSets, name: FieldName, text: string, offset: number, mark: number): void {
  if (text.toUpperCase().includes("W")) refuse("Syntax error, W is not allowed in a range.");
  const [body, nth] = splitNth(text, name);
  const ends = body.split("-");
  if (ends.length !== 2) refuse(`Syntax error, illegal range: '${text}'`);
  const from = toNumber(ends[0] ?? "") + offset;
  const to = toNumber(ends[1] ?? "") + offset;
  if (Number.isNaN(from)) refuse("Syntax error, illegal lower range (NaN)");
  if (Number.isNaN(to)) refuse("Syntax error, illegal upper range (NaN)");
  checkRange(sets, name, text, from, to, undefined);
  for (let value = from; value <= to; value++) setValue(sets, name, value, nth || mark);
}

function readSteppedRange(sets: FieldSets, name: FieldName, text: string, offset: number, mark: number): void {
  if (text.toUpperCase().includes("W")) refuse("Syntax error, W is not allowed in ranges with stepping.");
  const [body, nth] = splitNth(text, name);
  const match = /^(\d+)-(\d+)\/(\d+)$/.exec(body);
  if (!match) refuse(`Syntax error, illegal range with stepping: '${text}'`);
  const [from, to, step] = [Number.parseInt(match[1] ?? "", 10) + offset, Number.parseInt(match[2] ?? "", 10) + offset, Number.parseInt(match[3] ?? "", 10)];
  checkRange(sets, name, text, from, to, step);
  for (let value = from; value <= to; value += step) setValue(sets, name, value, nth || mark);
}

/** Only "*" may be stepped: "*\/15" is every 15 from the field's first value. */
function readStep(sets: FieldSets, name: FieldName, text: string, mark: number): void {
  if (text.toUpperCase().includes("W")) refuse("Syntax error, W is not allowed in parts with stepping.");
  const [body, nth] = splitNth(text, name);
  const parts = body.split("/");
  if (parts.length !== 2) refuse(`Syntax error, illegal stepping: '${text}'`);
  const [start, stepText = ""] = parts;
  const fix = "is not allowed. Use wildcard (*/step) or range (min-max/step) instead.";
  if (start === "") refuse(`Syntax error, stepping with missing prefix ('${text}') ${fix}`);
  if (start !== "*") refuse(`Syntax error, stepping with numeric prefix ('${text}') ${fix}`);
  const step = toNumber(stepText);
  if (Number.isNaN(step)) refuse("Syntax error, illegal stepping: (NaN)");
  const size = sets[name].length;
  checkRange(sets, name, text, 0, size - 1, step);
  for (let value = 0; value < size; value += step) setValue(sets, name, value, nth || mark);
}

function checkRange(sets: FieldSets, name: FieldName, text: string, from: number, to: number, step: number | undefined): void {
  if (from > to) refuse(`From value is larger than to value: '${text}'`);
  if (step === 0) refuse("Syntax error, illegal stepping: 0");
  if (step !== undefined && step > sets[name].length) {
    refuse(`Syntax error, steps cannot be greater than maximum value of part (${sets[name].length})`);
  }
}

/** "MON#2" → ["MON", "2"], "5L" → ["5", "L"]: only day-of-week has either. */
function splitNth(text: string, name: FieldName): [string, string | undefined] {
  if (text.includes("#")) {
    if (name !== "dayOfWeek") refuse("nth (#) only allowed in day-of-week field");
    const parts = text.split("#");
    if (parts.length !== 2 || parts[1] === "") refuse(`Syntax error, illegal nth weekday: '${text}'`);
    return [parts[0] ?? "", parts[1]];
  }
  if (text.toUpperCase().endsWith("L")) {
    if (name !== "dayOfWeek") refuse("L modifier only allowed in day-of-week field (use L alone for day-of-month)");
    return [text.slice(0, -1), "L"];
  }
  return [text, undefined];
}

function setValue(sets: FieldSets, set: keyof FieldSets, value: number, mark: Mark): void {
  if (set === "dayOfWeek") {
    const weekday = value === 7 ? 0 : value;
    if (weekday < 0 || weekday > 6) refuse(`Invalid value for dayOfWeek: ${weekday}`);
    sets.dayOfWeek[weekday] = weekdayBits(sets.dayOfWeek[weekday] ?? 0, mark);
    return;
  }
  if (value < 0 || value >= sets[set].length) refuse(`Invalid value for ${set}: ${value}`);
  sets[set][value] = 1;
}

/** A plain weekday means every one; "#n" and "L" add their bit unless every one is already meant. */
function weekdayBits(current: number, mark: Mark): number {
  if (typeof mark === "string" && mark.toUpperCase() === "L") return current | WEEKDAY_LAST;
  if (mark === WEEKDAY_EVERY) return WEEKDAY_EVERY;
  // "#2" arrives as text; croner compares it as a number.
  const nth = Number(mark);
  if (nth < 6 && nth > 0) return current | (WEEKDAY_NTH[nth - 1] ?? 0);
  refuse(`nth weekday out of range, should be 1-5 or L. Value: ${mark}, Type: ${typeof mark}`);
}

/** Digits only: "07" is 7, "7a", "" and "-1" are not numbers. */
function toNumber(text: string): number {
  return /^\d+$/.test(text) ? Number.parseInt(text, 10) : Number.NaN;
}
