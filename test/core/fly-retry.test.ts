import { describe, expect, it } from "vitest";
import { flyRetryDelayMs, leaseRetryAt, nextRegion, parseFlyRegions } from "../../src/machines/fly-retry";

const middle = () => 0.5;

describe("flyRetryDelayMs", () => {
  it.each([
    [1, undefined, 500],
    [2, undefined, 1000],
    [3, undefined, 2000],
    [7, undefined, 30_000],
    [30, undefined, 30_000],
    [1, 3000, 3000],
    [6, 3000, 16_000],
    [1, 60 * 60_000, 5 * 60_000],
    [1, 0, 500],
  ])("attempt %i, Retry-After %s → %i ms", (attempt, retryAfter, expected) => {
    expect(flyRetryDelayMs(attempt, retryAfter, middle)).toBe(expected);
  });

  it.each([
    [() => 0, 400],
    [() => 0.999999, 600],
  ])("jitter stays within ±20%%", (random, expected) => {
    expect(flyRetryDelayMs(1, undefined, random)).toBe(expected);
  });

  it("never lets jitter undercut Retry-After", () => {
    expect(flyRetryDelayMs(1, 2000, () => 0)).toBe(2000);
  });

  it.each([0, -1, 1.5])("refuses attempt %s", (attempt) => {
    expect(() => flyRetryDelayMs(attempt, undefined, middle)).toThrow(RangeError);
  });
});

describe("parseFlyRegions and nextRegion", () => {
  it.each([
    [undefined, ["iad"]],
    ["", ["iad"]],
    ["iad", ["iad"]],
    [" AMS, fra ,ams", ["ams", "fra"]],
  ])("parses %j", (text, expected) => {
    expect(parseFlyRegions(text)).toEqual(expected);
  });

  it.each(["ia", "iad,x1y", "iad,,fra1"])("refuses %j", (text) => {
    expect(() => parseFlyRegions(text)).toThrow(RangeError);
  });

  it.each([
    [["iad", "ord", "ams"], "iad", "ord"],
    [["iad", "ord", "ams"], "ord", "ams"],
    [["iad", "ord", "ams"], "ams", null],
    [["iad", "ord"], "syd", "iad"],
    [["iad"], "iad", null],
  ])("in %j after %s → %s", (regions, failed, expected) => {
    expect(nextRegion(regions, failed)).toBe(expected);
  });
});

describe("leaseRetryAt", () => {
  const now = 1_800_000_000_000;
  it.each([
    [now + 10_000, now + 10_250],
    [now - 5_000, now + 250],
  ])("lease until %i → retry at %i", (expiresAt, expected) => {
    expect(leaseRetryAt(expiresAt, now)).toBe(expected);
  });
});
