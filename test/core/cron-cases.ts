// Named cron cases with the answer written out as the wall clock the user sees: run against our
// wrapper around croner (src/schedules/cron.ts) in Node (test/core/cron-next.test.ts) and in workerd
// (test/worker). The daylight-saving rows are the rule of docs/schedules.md.

// [what, zone, expr, after, expected], times written with the zone's offset on that day.
// New York 2026: EST → EDT at 02:00 on 8 March, back at 02:00 on 1 November. London: GMT → BST
// at 01:00 on 29 March, back at 02:00 on 25 October. Lord Howe: +11:00 → +10:30 at 02:00 on
// 5 April (01:30-02:00 twice), +10:30 → +11:00 at 02:00 on 4 October (02:00-02:30 skipped).
// Santiago changes at midnight: 00:00-01:00 skipped on 6 September, 23:00-24:00 twice on 4 April.
export const CRON_CASES: Array<[string, string, string, string, string | null]> = [
  ["every minute", "UTC", "* * * * *", "2026-05-13T10:00:30Z", "2026-05-13T10:01:00Z"],
  ["strictly after: a run time itself moves on", "UTC", "* * * * *", "2026-05-13T10:01:00Z", "2026-05-13T10:02:00Z"],
  ["a list", "UTC", "5,35 * * * *", "2026-05-13T10:06:00Z", "2026-05-13T10:35:00Z"],
  ["a range of hours", "UTC", "0 9-11 * * *", "2026-05-13T11:00:00Z", "2026-05-14T09:00:00Z"],
  ["a step", "UTC", "*/20 * * * *", "2026-05-13T10:41:00Z", "2026-05-13T11:00:00Z"],
  ["a stepped range", "UTC", "10-50/20 * * * *", "2026-05-13T10:31:00Z", "2026-05-13T10:50:00Z"],
  ["? is *", "UTC", "0 12 ? * *", "2026-05-13T12:00:00Z", "2026-05-14T12:00:00Z"],
  ["month names in a list, any case", "UTC", "0 0 1 JAN,jul *", "2026-02-01T00:00:00Z", "2026-07-01T00:00:00Z"],
  ["weekdays by name: Friday to Monday", "UTC", "0 9 * * MON-FRI", "2026-05-15T09:00:00Z", "2026-05-18T09:00:00Z"],
  ["Sunday written 7", "UTC", "0 9 * * 7", "2026-05-15T09:00:00Z", "2026-05-17T09:00:00Z"],
  ["both day fields: either one is enough", "UTC", "0 9 13 * FRI", "2026-05-13T09:00:00Z", "2026-05-15T09:00:00Z"],
  ["+ asks for both: the next Friday the 13th", "UTC", "0 9 13 * +FRI", "2026-05-13T09:00:00Z", "2026-11-13T09:00:00Z"],
  ["L: the last day of the month", "UTC", "0 9 L * *", "2026-04-30T09:00:00Z", "2026-05-31T09:00:00Z"],
  ["L in a leap February", "UTC", "0 9 L 2 *", "2028-01-01T00:00:00Z", "2028-02-29T09:00:00Z"],
  ["LW: the last weekday (31 May 2026 is a Sunday)", "UTC", "0 9 LW * *", "2026-05-01T00:00:00Z", "2026-05-29T09:00:00Z"],
  ["15W: Saturday the 15th runs on Friday the 14th", "UTC", "0 9 15W * *", "2026-08-01T00:00:00Z", "2026-08-14T09:00:00Z"],
  ["1W: Saturday the 1st runs on Monday the 3rd", "UTC", "0 9 1W * *", "2026-07-15T00:00:00Z", "2026-08-03T09:00:00Z"],
  ["#2: the second Tuesday", "UTC", "0 9 * * TUE#2", "2026-05-01T00:00:00Z", "2026-05-12T09:00:00Z"],
  ["5L: the last Friday", "UTC", "0 17 * * 5L", "2026-05-01T00:00:00Z", "2026-05-29T17:00:00Z"],
  ["@weekly is Sunday midnight", "UTC", "@weekly", "2026-05-15T09:00:00Z", "2026-05-17T00:00:00Z"],
  ["@hourly", "UTC", "@hourly", "2026-05-13T10:30:00Z", "2026-05-13T11:00:00Z"],
  ["month ends: the 31st from the end of January is in March", "UTC", "0 9 31 * *", "2026-01-31T09:00:00Z", "2026-03-31T09:00:00Z"],
  ["29 February skips 2100, not a leap year", "UTC", "0 0 29 2 *", "2097-03-01T00:00:00Z", "2104-02-29T00:00:00Z"],
  ["31 April never comes", "UTC", "0 0 31 4 *", "2026-01-01T00:00:00Z", null],
  ["Kathmandu, +05:45: 09:00", "Asia/Kathmandu", "0 9 * * *", "2026-06-01T00:00:00Z", "2026-06-01T09:00:00+05:45"],
  ["Kolkata: every 45 minutes restarts each hour", "Asia/Kolkata", "*/45 * * * *", "2026-06-01T09:46:00+05:30", "2026-06-01T10:00:00+05:30"],
  ["New York spring forward: a skipped fixed time runs at 03:00", "America/New_York", "30 2 * * *", "2026-03-07T12:00:00-05:00", "2026-03-08T03:00:00-04:00"],
  ["New York spring forward: a list's skipped 02:30 runs at 03:00…", "America/New_York", "30 1-3 * * *", "2026-03-08T01:30:00-05:00", "2026-03-08T03:00:00-04:00"],
  ["… and its 03:30 still runs", "America/New_York", "30 1-3 * * *", "2026-03-08T03:00:00-04:00", "2026-03-08T03:30:00-04:00"],
  ["New York spring forward: */30 goes on at 03:00", "America/New_York", "*/30 * * * *", "2026-03-08T01:45:00-05:00", "2026-03-08T03:00:00-04:00"],
  ["New York spring forward: a step in the skipped hour only waits a day", "America/New_York", "*/15 2 * * *", "2026-03-08T00:00:00-05:00", "2026-03-09T02:00:00-04:00"],
  ["New York fall back: a fixed 01:30 runs at the first pass", "America/New_York", "30 1 * * *", "2026-10-31T12:00:00-04:00", "2026-11-01T01:30:00-04:00"],
  ["New York fall back: and not at the second", "America/New_York", "30 1 * * *", "2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"],
  ["New York fall back: */30 runs in the second pass too", "America/New_York", "*/30 * * * *", "2026-11-01T01:30:00-04:00", "2026-11-01T01:00:00-05:00"],
  ["New York fall back: minute 15 of every hour, both passes", "America/New_York", "15 * * * *", "2026-11-01T01:15:00-04:00", "2026-11-01T01:15:00-05:00"],
  ["New York fall back: from inside the second pass", "America/New_York", "*/30 * * * *", "2026-11-01T01:10:00-05:00", "2026-11-01T01:30:00-05:00"],
  ["London spring forward: 01:30 runs at 02:00 BST", "Europe/London", "30 1 * * *", "2026-03-28T12:00:00Z", "2026-03-29T02:00:00+01:00"],
  ["London fall back: every 20 minutes of 01:xx, second pass", "Europe/London", "*/20 1 * * *", "2026-10-25T01:50:00+01:00", "2026-10-25T01:00:00Z"],
  ["Lord Howe fall back (30 min): a fixed 01:45 at the first pass", "Australia/Lord_Howe", "45 1 * * *", "2026-04-04T12:00:00+11:00", "2026-04-05T01:45:00+11:00"],
  ["Lord Howe fall back: then the next day", "Australia/Lord_Howe", "45 1 * * *", "2026-04-05T01:45:00+11:00", "2026-04-06T01:45:00+10:30"],
  ["Lord Howe fall back: every 15 minutes, into the repeated half hour", "Australia/Lord_Howe", "*/15 * * * *", "2026-04-05T01:45:00+11:00", "2026-04-05T01:30:00+10:30"],
  ["Lord Howe spring forward: a skipped 02:15 runs at 02:30", "Australia/Lord_Howe", "15 2 * * *", "2026-10-03T12:00:00+10:30", "2026-10-04T02:30:00+11:00"],
  ["Lord Howe spring forward: every 10 minutes of 02:xx from 02:30", "Australia/Lord_Howe", "*/10 2 * * *", "2026-10-04T01:55:00+10:30", "2026-10-04T02:30:00+11:00"],
  ["Santiago: a skipped 00:30 runs when the clock reaches 01:00", "America/Santiago", "30 0 * * *", "2026-09-05T12:00:00-04:00", "2026-09-06T01:00:00-03:00"],
  ["Santiago: a repeated 23:30 runs once", "America/Santiago", "30 23 * * *", "2026-04-04T23:30:00-03:00", "2026-04-05T23:30:00-04:00"],
  ["Apia skipped 30 December 2011: that day's 09:00 does not run", "Pacific/Apia", "0 9 * * *", "2011-12-29T12:00:00-10:00", "2011-12-31T09:00:00+14:00"],
];

