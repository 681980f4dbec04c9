import { describe, expect, it } from "vitest";
import { describeSchedule, formatDateTimeInZone, formatInZone } from "../../src/schedules/schedule-format";
import type { ScheduleSpec } from "../../src/schedules/schedule-math";

const at = (iso: string): number => Date.parse(iso);

describe("formatInZone", () => {
  it.each([
    ["2026-12-01T09:00:00Z", "Europe/London", "Tue 1 Dec 09:00"],
    ["2026-12-01T09:00:00Z", "Asia/Kolkata", "Tue 1 Dec 14:30"],
    ["2026-12-01T05:00:00Z", "America/Los_Angeles", "Mon 30 Nov 21:00"],
    ["2026-05-13T23:00:00Z", "Europe/London", "Thu 14 May 00:00"],
    ["2028-02-29T17:00:00Z", "America/Los_Angeles", "Tue 29 Feb 09:00"],
  ])("%s in %s → %s", (instant, zone, expected) => {
    expect(formatInZone(at(instant), zone)).toBe(expected);
  });

  it("formatDateTimeInZone spells the year", () => {
    expect(formatDateTimeInZone(at("2026-12-01T09:00:00Z"), "Asia/Kolkata")).toBe("2026-12-01 14:30");
  });
});

describe("describeSchedule", () => {
  it.each<[ScheduleSpec, string]>([
    [{ kind: "cron", expr: "0 9 * * 1-5" }, "weekdays 09:00 (cron 0 9 * * 1-5)"],
    [{ kind: "cron", expr: "30 7 * * *" }, "daily 07:30 (cron 30 7 * * *)"],
    [{ kind: "cron", expr: "0 10 * * sat,sun" }, "weekends 10:00 (cron 0 10 * * sat,sun)"],
    [{ kind: "cron", expr: "0 18 * * 5" }, "Fridays 18:00 (cron 0 18 * * 5)"],
    [{ kind: "cron", expr: "0 18 * * 7" }, "Sundays 18:00 (cron 0 18 * * 7)"],
    [{ kind: "cron", expr: "0 8 * * MON" }, "Mondays 08:00 (cron 0 8 * * MON)"],
    [{ kind: "cron", expr: "0 9 31 * *" }, "monthly on day 31 at 09:00 (cron 0 9 31 * *)"],
    [{ kind: "cron", expr: "0 9 L * *" }, "monthly on the last day at 09:00 (cron 0 9 L * *)"],
    [{ kind: "cron", expr: "15 * * * *" }, "hourly at :15 (cron 15 * * * *)"],
    [{ kind: "cron", expr: "*/20 * * * *" }, "every 20 min (cron */20 * * * *)"],
    [{ kind: "cron", expr: "0 9 29 2 *" }, "cron 0 9 29 2 *"],
    [{ kind: "cron", expr: "0 9,17 * * 1-5" }, "cron 0 9,17 * * 1-5"],
    [{ kind: "interval", everyMs: 2 * 3_600_000, anchorAt: 0 }, "every 2h"],
    [{ kind: "interval", everyMs: 90 * 60_000, anchorAt: 0 }, "every 1h30m"],
    [{ kind: "once", at: at("2026-12-01T09:00:00Z") }, "once at 2026-12-01 09:00"],
  ])("%j → %s", (spec, expected) => {
    expect(describeSchedule(spec, "Europe/London")).toBe(expected);
  });
});
