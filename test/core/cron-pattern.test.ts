// parseCron: what each accepted form reads as, the refusals users see (word for word, the same as
// croner 11's, the oracle of test/core/cron-oracle.ts), and a property over cron-like text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { WEEKDAY_EVERY, WEEKDAY_LAST, WEEKDAY_NTH } from "../../src/core/cron-fields";
import { parseCron, type CronPattern } from "../../src/core/cron-pattern";
import { cronExpression, cronLikeText } from "./cron-arbitraries";
import { cronerRefusal, cronerTakesAsDate } from "./cron-oracle";

const on = (values: readonly boolean[], first = 0): number[] => values.flatMap((v, i) => (v ? [i + first] : []));
const span = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

function parsed(expr: string): CronPattern {
  const result = parseCron(expr);
  if (!result.ok) throw new Error(`refused ${expr}: ${result.reason}`);
  return result.pattern;
}

function refusal(expr: string): string | null {
  const result = parseCron(expr);
  return result.ok ? null : result.reason.replace(/\s+/g, " ");
}

describe("parseCron: accepted forms", () => {
  // [what, expr, what it reads as (only the parts that say something about the form)]
  const forms: Array<[string, string, (p: CronPattern) => unknown, unknown]> = [
    ["steps, ranges and weekday names", "*/15 9-17 * * MON-FRI", (p) => [on(p.minutes), on(p.hours), p.weekdays, p.anyDay, p.anyWeekday], [[0, 15, 30, 45], span(9, 17), [0, 63, 63, 63, 63, 63, 0], true, false]],
    ["a stepped range", "10-50/20 * * * *", (p) => on(p.minutes), [10, 30, 50]],
    ["a list of single values", "0 1,13 * * *", (p) => [on(p.hours), p.fixedTime], [[1, 13], true]],
    ["a step is not a fixed time", "0 */6 * * *", (p) => [on(p.hours), p.fixedTime], [[0, 6, 12, 18], false]],
    ["? for any day", "0 9 ? * ?", (p) => [p.anyDay, p.anyWeekday], [true, true]],
    ["days of the month", "0 9 1,15 * *", (p) => [on(p.days, 1), p.anyDay], [[1, 15], false]],
    ["*/2 days start on the 1st", "0 9 */10 * *", (p) => on(p.days, 1), [1, 11, 21, 31]],
    ["month names, any case", "0 9 1 jan,Jul-AUG *", (p) => on(p.months, 1), [1, 7, 8]],
    ["Sunday as 0 and as 7", "0 9 * * 0,7", (p) => p.weekdays, [63, 0, 0, 0, 0, 0, 0]],
    ["MON-SUN reaches Sunday", "0 9 * * MON-SUN", (p) => p.weekdays, [63, 63, 63, 63, 63, 63, 63]],
    ["L: the last day of the month", "0 9 L * *", (p) => [p.lastDay, on(p.days, 1), p.anyDay], [true, [], false]],
    ["L with other days", "0 9 1,L * *", (p) => [p.lastDay, on(p.days, 1)], [true, [1]]],
    ["LW: the last weekday", "0 9 LW * *", (p) => [p.lastWeekday, p.lastDay], [true, false]],
    ["15W: the weekday nearest the 15th", "0 9 15W * *", (p) => [p.nearestWeekdays, on(p.days, 1)], [[15], []]],
    ["#n: the second and fourth Monday", "0 9 * * MON#2,MON#4", (p) => p.weekdays[1], (WEEKDAY_NTH[1] ?? 0) | (WEEKDAY_NTH[3] ?? 0)],
    ["nL: the last Friday", "0 9 * * FRIL", (p) => p.weekdays[5], WEEKDAY_LAST],
    ["+: both day fields must match", "0 9 13 * +FRI", (p) => [p.bothDays, p.weekdays[5]], [true, WEEKDAY_EVERY]],
    ["@daily is a fixed time", "@daily", (p) => [on(p.minutes), on(p.hours), p.fixedTime], [[0], [0], true]],
    ["@hourly is not", "@hourly", (p) => [on(p.hours).length, p.fixedTime], [24, false]],
    ["@weekly is Sunday", " @WEEKLY ", (p) => p.weekdays, [63, 0, 0, 0, 0, 0, 0]],
  ];

  it.each(forms)("%s: %s", (_what, expr, read, expected) => {
    expect(read(parsed(expr))).toEqual(expected);
    expect(cronerRefusal(expr)).toBeNull();
  });
});

describe("parseCron: refusals, word for word as croner's", () => {
  const refusals: Array<[string, string]> = [
    ["61 * * * *", "Invalid value for minute: 61"],
    ["0 24 * * *", "Invalid value for hour: 24"],
    ["0 9 32 * *", "Invalid value for day: 31"],
    // croner counts days and months from 0 in what it says.
    ["0 9 0 * *", "Invalid value for day: -1"],
    ["0 9 * 13 *", "Invalid value for month: 12"],
    ["0 9 * * 8", "Invalid value for dayOfWeek: 8"],
    ["", "invalid configuration format (''), exactly five, six, or seven space separated parts are required."],
    ["0 9 * *", "invalid configuration format ('0 9 * *'), exactly five, six, or seven space separated parts are required."],
    ["0 0 9 * * *", "mode '5-part' requires exactly 5 parts, but pattern '0 0 9 * * *' has 6 parts."],
    ["0 9 * * 1-5;", "configuration entry 5 (1-5;) contains illegal characters."],
    ["0 9 * * 1-5 2026", "mode '5-part' requires exactly 5 parts, but pattern '0 9 * * 1-5 2026' has 6 parts."],
    ["@reboot", "@reboot is not supported in this environment. This is an event-based trigger that requires system startup detection."],
    ["@every", "invalid configuration format ('@every'), exactly five, six, or seven space separated parts are required."],
    ["5-1 * * * *", "From value is larger than to value: '5-1'"],
    ["1-2-3 * * * *", "Syntax error, illegal range: '1-2-3'"],
    ["*/0 * * * *", "Syntax error, illegal stepping: 0"],
    ["*/61 * * * *", "Syntax error, steps cannot be greater than maximum value of part (60)"],
    ["5/15 * * * *", "Syntax error, stepping with numeric prefix ('5/15') is not allowed. Use wildcard (*/step) or range (min-max/step) instead."],
    ["/15 * * * *", "Syntax error, stepping with missing prefix ('/15') is not allowed. Use wildcard (*/step) or range (min-max/step) instead."],
    ["1-2/3/4 * * * *", "Syntax error, illegal range with stepping: '1-2/3/4'"],
    ["1,,2 * * * *", "configuration entry minute () is empty, check for trailing spaces."],
    ["0 9 L,LW * *", "Syntax error, LW can not be in a list in day-of-month ('L,LW')."],
    ["0 9 1L * *", "Syntax error, L has to be a value of its own in day-of-month ('1L')."],
    ["0 9 1-5W * *", "Syntax error, W is not allowed in a range."],
    ["0 9 W * *", "nearestWeekdays is not a number: 'W'"],
    ["0 9 * * MONDAY", "Syntax error, a month or day name has to stand alone ('MONDAY')."],
    ["0 9 * * +", "Day-of-week field cannot be empty after '+' modifier."],
    ["0 9 * * MON#6", "nth weekday out of range, should be 1-5 or L. Value: 6, Type: string"],
    // Names are numbers by the time the nth is read.
    ["0 9 * * MON#", "Syntax error, illegal nth weekday: '1#'"],
  ];

  it.each(refusals)("%j", (expr, reason) => {
    expect(refusal(expr)).toBe(reason);
    expect(cronerRefusal(expr)).toBe(reason);
  });

  // croner read these as dates ("2026-12-01 09:00 * * *" ran once, "0 9:30 * * *" never): a
  // cron field has no ":", so they are refused as any other character that cannot be in one.
  it.each([
    ["0 9:30 * * *", "configuration entry 2 (9:30) contains illegal characters."],
    ["2026-12-01 09:00 * * *", "configuration entry 2 (09:00) contains illegal characters."],
    ["0 9 * * 1:2", "configuration entry 5 (1:2) contains illegal characters."],
  ])("%j is refused, not read as a date", (expr, reason) => {
    expect(refusal(expr)).toBe(reason);
  });

  it("cron-like text: refused for the same reason as croner, or accepted by both", () => {
    fc.assert(
      fc.property(fc.oneof(cronExpression, cronLikeText), (expr) => {
        if (cronerTakesAsDate(expr)) expect(refusal(expr)).not.toBeNull();
        else expect(refusal(expr)).toBe(cronerRefusal(expr));
      }),
      { numRuns: 3000 },
    );
  });
});
