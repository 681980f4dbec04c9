import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { addDays, canonicalTimeZone, instantOf, wallClockIn, wallTimeIn, type WallClock } from "../../src/schedules/schedule-zone";

const wall = (year: number, month: number, day: number, hour: number, minute: number): WallClock => ({ year, month, day, hour, minute });

describe("canonicalTimeZone", () => {
  it.each([
    ["Europe/London", "Europe/London"],
    ["europe/london", "Europe/London"],
    ["  Asia/Kolkata ", "Asia/Kolkata"],
    ["UTC", "UTC"],
    ["utc", "UTC"],
    ["america/port_of_spain", "America/Port_of_Spain"],
    ["Europe/Kyiv", "Europe/Kyiv"],
    ["US/Pacific", "US/Pacific"],
    ["+05:30", null],
    ["Europe/London; rm", null],
    ["Mars/Olympus_Mons", null],
    ["", null],
    ["   ", null],
    ["Europe/", null],
  ])("%j → %j", (input, expected) => {
    expect(canonicalTimeZone(input)).toBe(expected);
  });
});

describe("wallClockIn", () => {
  it.each([
    ["UTC midnight is hour 0, not 24", "2026-01-01T00:00:00Z", "UTC", wall(2026, 1, 1, 0, 0)],
    ["Kolkata is +05:30", "2026-06-01T03:30:00Z", "Asia/Kolkata", wall(2026, 6, 1, 9, 0)],
    ["LA in winter is -08:00, date rolls back", "2026-01-01T07:59:00Z", "America/Los_Angeles", wall(2025, 12, 31, 23, 59)],
    ["Chatham is +13:45 in its summer", "2026-01-01T00:00:00Z", "Pacific/Chatham", wall(2026, 1, 1, 13, 45)],
  ])("%s", (_what, instant, zone, expected) => {
    expect(wallClockIn(Date.parse(instant), zone)).toEqual(expected);
  });
});

describe("wallTimeIn", () => {
  it.each([
    ["to the second", "2026-07-04T13:00:07.999Z", "America/New_York", { year: 2026, month: 7, day: 4, hour: 9, minute: 0, second: 7 }],
    ["midnight is hour 0", "2026-01-01T00:00:00Z", "UTC", { year: 2026, month: 1, day: 1, hour: 0, minute: 0, second: 0 }],
    ["a year before 1000", "0999-06-01T12:34:56Z", "UTC", { year: 999, month: 6, day: 1, hour: 12, minute: 34, second: 56 }],
  ])("%s", (_what, instant, zone, expected) => {
    expect(wallTimeIn(Date.parse(instant), zone)).toEqual(expected);
  });

  it("reads what formatToParts reads, for any instant of 1900-2200 in any of these zones", () => {
    const zones = ["UTC", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham", "Australia/Lord_Howe", "Pacific/Apia", "Asia/Kathmandu"];
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }), fc.constantFrom(...zones), (at, zone) => {
        const format = new Intl.DateTimeFormat("en-US", { timeZone: zone, year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric", hourCycle: "h23" });
        const parts = Object.fromEntries(format.formatToParts(at).map((p) => [p.type, Number(p.value)]));
        expect(wallTimeIn(at, zone)).toEqual({ year: parts.year, month: parts.month, day: parts.day, hour: (parts.hour ?? NaN) % 24, minute: parts.minute, second: parts.second });
      }),
      { numRuns: 500 },
    );
  });
});

describe("instantOf", () => {
  it.each([
    ["a plain time", wall(2026, 12, 1, 9, 0), "Europe/London", "2026-12-01T09:00:00Z"],
    ["a summer time", wall(2026, 7, 1, 9, 0), "Europe/London", "2026-07-01T08:00:00Z"],
    ["a half-hour zone", wall(2026, 6, 1, 9, 0), "Asia/Kolkata", "2026-06-01T03:30:00Z"],
    ["skipped 02:30 (spring forward) is when the clock jumps", wall(2026, 3, 8, 2, 30), "America/Los_Angeles", "2026-03-08T03:00:00-07:00"],
    ["skipped 02:00, the first minute of the gap, too", wall(2026, 3, 8, 2, 0), "America/Los_Angeles", "2026-03-08T03:00:00-07:00"],
    ["skipped midnight (Santiago)", wall(2026, 9, 6, 0, 0), "America/Santiago", "2026-09-06T01:00:00-03:00"],
    ["repeated 01:30 (fall back) is the first one", wall(2026, 11, 1, 1, 30), "America/Los_Angeles", "2026-11-01T01:30:00-07:00"],
    ["London's repeated 01:15", wall(2026, 10, 25, 1, 15), "Europe/London", "2026-10-25T01:15:00+01:00"],
    ["Chatham (+13:45): 02:00, an hour before its repeated 02:45-03:45", wall(2000, 3, 19, 2, 0), "Pacific/Chatham", "2000-03-19T02:00:00+13:45"],
    ["Chatham: repeated 03:00 is the first one", wall(2000, 3, 19, 3, 0), "Pacific/Chatham", "2000-03-19T03:00:00+13:45"],
    ["a skipped date (Apia, 30 December 2011): when the clock jumps, 00:00 on the 31st", wall(2011, 12, 30, 9, 0), "Pacific/Apia", "2011-12-31T00:00:00+14:00"],
    ["Lord Howe's 30-minute gap", wall(2026, 10, 4, 2, 10), "Australia/Lord_Howe", "2026-10-04T02:30:00+11:00"],
  ])("%s", (_what, input, zone, expected) => {
    expect(new Date(instantOf(input, zone)).toISOString()).toBe(new Date(Date.parse(expected)).toISOString());
  });

  it("round-trips every quarter hour of a DST year in LA, except the skipped hour", () => {
    const zone = "America/Los_Angeles";
    for (let t = Date.parse("2026-01-01T00:00:00Z"); t < Date.parse("2027-01-01T00:00:00Z"); t += 15 * 60_000) {
      const local = wallClockIn(t, zone);
      const back = instantOf(local, zone);
      // A repeated wall time maps to its first instant: t itself or exactly an hour before.
      expect([t, t - 3_600_000]).toContain(back);
    }
    // 35,040 conversions through Intl: over a second on a quiet machine, past vitest's 5 s beside a loaded suite.
  }, 30_000);
});

describe("addDays", () => {
  it.each([
    [wall(2026, 1, 31, 9, 0), 1, wall(2026, 2, 1, 9, 0)],
    [wall(2028, 2, 28, 9, 0), 1, wall(2028, 2, 29, 9, 0)],
    [wall(2026, 12, 31, 23, 59), 1, wall(2027, 1, 1, 23, 59)],
  ])("%j + %i day", (input, days, expected) => {
    expect(addDays(input, days)).toEqual(expected);
  });
});
