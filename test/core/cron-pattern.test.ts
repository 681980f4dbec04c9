// Which cron expressions the relay accepts (each form with its next run from one instant, written
// out), the refusals users see word for word (croner's, through src/schedules/cron.ts), the ":" texts
// refused before croner reads them as dates, and properties over cron-like text.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cronSyntaxError, nextCronRun } from "../../src/schedules/cron";
import { cronExpression, cronLikeText } from "./cron-arbitraries";
import { iso } from "./cron-oracle";

// Wednesday 13 May 2026, half a minute past 10:00 UTC.
const AFTER = Date.parse("2026-05-13T10:00:30Z");

describe("accepted forms: the next run from Wednesday 13 May 2026 10:00:30 UTC", () => {
  it.each([
    ["steps, ranges and weekday names", "*/15 9-17 * * MON-FRI", "2026-05-13T10:15:00Z"],
    ["a stepped range", "10-50/20 * * * *", "2026-05-13T10:10:00Z"],
    ["a list of single values", "0 1,13 * * *", "2026-05-13T13:00:00Z"],
    ["a step of hours", "0 */6 * * *", "2026-05-13T12:00:00Z"],
    ["? for any day", "0 9 ? * ?", "2026-05-14T09:00:00Z"],
    ["days of the month", "0 9 1,15 * *", "2026-05-15T09:00:00Z"],
    ["*/10 days start on the 1st: 1, 11, 21, 31", "0 9 */10 * *", "2026-05-21T09:00:00Z"],
    ["month names, any case", "0 9 1 jan,Jul-AUG *", "2026-07-01T09:00:00Z"],
    ["Sunday as 0 and as 7", "0 9 * * 0,7", "2026-05-17T09:00:00Z"],
    ["MON-SUN reaches Sunday: every day", "0 9 * * MON-SUN", "2026-05-14T09:00:00Z"],
    ["L: the last day of the month", "0 9 L * *", "2026-05-31T09:00:00Z"],
    ["L with other days", "0 9 1,L * *", "2026-05-31T09:00:00Z"],
    ["LW: the last weekday (31 May is a Sunday)", "0 9 LW * *", "2026-05-29T09:00:00Z"],
    ["16W: Saturday the 16th runs on Friday the 15th", "0 9 16W * *", "2026-05-15T09:00:00Z"],
    ["#n: the second and fourth Monday (the 11th is past)", "0 9 * * MON#2,MON#4", "2026-05-25T09:00:00Z"],
    ["nL: the last Friday", "0 9 * * FRIL", "2026-05-29T09:00:00Z"],
    ["+: both day fields, the next Friday the 13th", "0 9 13 * +FRI", "2026-11-13T09:00:00Z"],
    ["@daily", "@daily", "2026-05-14T00:00:00Z"],
    ["@hourly", "@hourly", "2026-05-13T11:00:00Z"],
    ["@weekly is Sunday, spaces and case aside", " @WEEKLY ", "2026-05-17T00:00:00Z"],
  ])("%s: %s", (_what, expr, expected) => {
    expect(cronSyntaxError(expr)).toBeNull();
    expect(iso(nextCronRun(expr, "UTC", AFTER))).toBe(iso(Date.parse(expected)));
  });
});

describe("refusals, word for word as croner's", () => {
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
    expect(cronSyntaxError(expr)).toBe(reason);
    expect(nextCronRun(expr, "UTC", AFTER)).toBeNull();
  });

  // croner reads these as dates ("2026-12-01 09:00 * * *" would run once, "0 9:30 * * *" never):
  // a cron field has no ":", so they are refused before croner sees them, as any other character
  // that cannot be in one.
  it.each([
    ["0 9:30 * * *", "configuration entry 2 (9:30) contains illegal characters."],
    ["2026-12-01 09:00 * * *", "configuration entry 2 (09:00) contains illegal characters."],
    ["0 9 * * 1:2", "configuration entry 5 (1:2) contains illegal characters."],
  ])("%j is refused, not read as a date", (expr, reason) => {
    expect(cronSyntaxError(expr)).toBe(reason);
    expect(nextCronRun(expr, "UTC", AFTER)).toBeNull();
  });

  it("cron-like text: a one-line refusal or a next run, never a throw; any text with a \":\" refused", () => {
    fc.assert(
      fc.property(fc.oneof(cronExpression, cronLikeText), (expr) => {
        const reason = cronSyntaxError(expr);
        if (expr.includes(":")) expect(reason).toMatch(/^configuration entry \d+ \(\S*:\S*\) contains illegal characters\.$/);
        if (reason !== null) {
          expect(reason).not.toMatch(/\n|^CronPattern/);
          expect(nextCronRun(expr, "UTC", AFTER)).toBeNull();
        } else {
          expect(nextCronRun(expr, "UTC", AFTER) ?? Infinity).toBeGreaterThan(AFTER);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
