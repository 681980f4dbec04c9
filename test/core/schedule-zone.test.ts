import { describe, expect, it } from "vitest";
import { addDays, canonicalTimeZone, instantOf, wallClockIn, type WallClock } from "../../src/core/schedule-zone";

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

describe("instantOf", () => {
  it.each([
    ["a plain time", wall(2026, 12, 1, 9, 0), "Europe/London", "2026-12-01T09:00:00Z"],
    ["a summer time", wall(2026, 7, 1, 9, 0), "Europe/London", "2026-07-01T08:00:00Z"],
    ["a half-hour zone", wall(2026, 6, 1, 9, 0), "Asia/Kolkata", "2026-06-01T03:30:00Z"],
    ["skipped 02:30 (spring forward) moves on by the gap", wall(2026, 3, 8, 2, 30), "America/Los_Angeles", "2026-03-08T03:30:00-07:00"],
    ["repeated 01:30 (fall back) is the first one", wall(2026, 11, 1, 1, 30), "America/Los_Angeles", "2026-11-01T01:30:00-07:00"],
    ["London's repeated 01:15", wall(2026, 10, 25, 1, 15), "Europe/London", "2026-10-25T01:15:00+01:00"],
    ["Lord Howe's 30-minute gap", wall(2026, 10, 4, 2, 10), "Australia/Lord_Howe", "2026-10-04T02:40:00+11:00"],
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
  });
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
