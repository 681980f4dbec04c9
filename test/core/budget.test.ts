import { describe, expect, it } from "vitest";
import { type BudgetCheck, checkBudget, nextMidnight, nextMonthStart } from "../../src/usage/budget";

const at = (iso: string) => Date.parse(iso);

describe("nextMidnight / nextMonthStart", () => {
  it.each([
    ["2026-11-22T12:00:00Z", "UTC", "2026-11-23T00:00:00Z", "2026-12-01T00:00:00Z"],
    ["2026-11-22T20:00:00Z", "Asia/Kolkata", "2026-11-23T18:30:00Z", "2026-11-30T18:30:00Z"],
    ["2026-11-22T07:00:00Z", "America/Los_Angeles", "2026-11-22T08:00:00Z", "2026-12-01T08:00:00Z"],
    ["2026-12-31T12:00:00Z", "UTC", "2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z"],
    // The night London springs forward: midnight is still midnight (the jump is at 01:00).
    ["2026-03-28T12:00:00Z", "Europe/London", "2026-03-29T00:00:00Z", "2026-03-31T23:00:00Z"],
  ])("%s in %s", (now, zone, midnight, month) => {
    expect(new Date(nextMidnight(at(now), zone)).toISOString()).toBe(new Date(at(midnight)).toISOString());
    expect(new Date(nextMonthStart(at(now), zone)).toISOString()).toBe(new Date(at(month)).toISOString());
  });
});

describe("checkBudget", () => {
  const now = at("2026-11-22T12:00:00Z");
  it.each<[string, { todayUsd: number; monthUsd: number }, { dailyUsd: number; monthlyUsd: number | null }, BudgetCheck]>([
    ["under both", { todayUsd: 1, monthUsd: 5 }, { dailyUsd: 20, monthlyUsd: 100 }, { ok: true }],
    ["the daily cap reached", { todayUsd: 20, monthUsd: 30 }, { dailyUsd: 20, monthlyUsd: null }, { ok: false, period: "daily", spentUsd: 20, limitUsd: 20, resetsAt: at("2026-11-23T00:00:00Z") }],
    ["the monthly cap reached wins", { todayUsd: 25, monthUsd: 100.5 }, { dailyUsd: 20, monthlyUsd: 100 }, { ok: false, period: "monthly", spentUsd: 100.5, limitUsd: 100, resetsAt: at("2026-12-01T00:00:00Z") }],
    ["no monthly cap set", { todayUsd: 1, monthUsd: 9_999 }, { dailyUsd: 20, monthlyUsd: null }, { ok: true }],
  ])("%s", (_name, spent, caps, expected) => {
    expect(checkBudget(spent, caps, now, "UTC")).toEqual(expected);
  });
});
