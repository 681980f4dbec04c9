import { describe, expect, it } from "vitest";
import { dayIn, monthIn } from "../../src/usage/spend-days";

describe("dayIn / monthIn", () => {
  it.each([
    ["2026-11-22T12:00:00Z", "UTC", "2026-11-22"],
    ["2026-11-22T23:30:00Z", "Europe/London", "2026-11-22"],
    ["2026-11-22T23:30:00Z", "Asia/Kolkata", "2026-11-23"],
    ["2026-11-22T03:00:00Z", "America/Los_Angeles", "2026-11-21"],
    ["2026-12-31T23:59:00Z", "Pacific/Auckland", "2027-01-01"],
    ["2026-03-29T00:30:00Z", "Europe/London", "2026-03-29"],
  ])("%s in %s → %s", (iso, zone, day) => {
    expect(dayIn(Date.parse(iso), zone)).toBe(day);
    expect(monthIn(Date.parse(iso), zone)).toBe(day.slice(0, 7));
  });
});
