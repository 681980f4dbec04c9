import { describe, expect, it } from "vitest";
import type { ScheduleSpec } from "../../src/schedules/schedule-math";
import { nextAttemptAfterFailure, shouldNotifyFailure, taskRetryAt, TASK_RETRY_DELAYS_MS } from "../../src/schedules/schedule-retry";

const now = Date.parse("2026-05-01T10:00:00Z");
const MIN = 60_000;

describe("taskRetryAt", () => {
  it.each([
    [1, now + 30_000],
    [2, now + MIN],
    [3, now + 5 * MIN],
    [4, now + 15 * MIN],
    [5, now + 60 * MIN],
    [6, null],
  ])("after failure %i → %j", (failures, expected) => {
    expect(taskRetryAt(failures, now)).toBe(expected);
  });

  it("uses the documented delays", () => {
    expect(TASK_RETRY_DELAYS_MS).toEqual([30_000, 60_000, 300_000, 900_000, 3_600_000]);
  });
});

describe("nextAttemptAfterFailure", () => {
  const hourly: ScheduleSpec = { kind: "interval", everyMs: 60 * MIN, anchorAt: now - 60 * MIN };
  const everyTenMinutes: ScheduleSpec = { kind: "interval", everyMs: 10 * MIN, anchorAt: now };
  const dailyNine: ScheduleSpec = { kind: "cron", expr: "0 9 * * *" };
  const once: ScheduleSpec = { kind: "once", at: now };
  it.each<[string, ScheduleSpec, number, number | null]>([
    ["hourly, 1st failure: retry in 30 s", hourly, 1, now + 30_000],
    ["hourly, 5th failure: the regular run in 60 min ties the retry", hourly, 5, now + 60 * MIN],
    ["hourly, 6th failure: the regular run", hourly, 6, now + 60 * MIN],
    ["every 10 min, 4th failure: the regular run beats the 15 min retry", everyTenMinutes, 4, now + 10 * MIN],
    ["daily cron, 3rd failure: retry in 5 min", dailyNine, 3, now + 5 * MIN],
    ["daily cron, 6th failure: tomorrow 09:00", dailyNine, 6, Date.parse("2026-05-02T09:00:00Z")],
    ["once, 2nd failure: retry in 1 min", once, 2, now + MIN],
    ["once, 6th failure: given up", once, 6, null],
  ])("%s", (_what, spec, failures, expected) => {
    expect(nextAttemptAfterFailure(spec, "UTC", failures, now)).toBe(expected);
  });
});

describe("shouldNotifyFailure", () => {
  it.each([[1, true], [2, false], [5, false], [6, false]])("failure %i → %s", (failures, expected) => {
    expect(shouldNotifyFailure(failures)).toBe(expected);
  });
});
