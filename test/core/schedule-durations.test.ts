import { describe, expect, it } from "vitest";
import { formatDuration, parseDuration } from "../../src/shared/durations";

describe("parseDuration", () => {
  it.each([
    ["30m", 30 * 60_000],
    ["2h", 2 * 3_600_000],
    ["1d", 86_400_000],
    ["1h30m", 90 * 60_000],
    ["1d2h3m4s", 86_400_000 + 2 * 3_600_000 + 3 * 60_000 + 4_000],
    ["90s", 90_000],
    ["2H", 2 * 3_600_000],
    [" 45m ", 45 * 60_000],
    ["0m", 0],
    ["", null],
    ["m", null],
    ["30", null],
    ["30 m", null],
    ["30m2h", null],
    ["1.5h", null],
    ["-5m", null],
    ["2w", null],
    ["9999999d", null],
  ])("%j → %j", (text, expected) => {
    expect(parseDuration(text)).toBe(expected);
  });
});

describe("formatDuration", () => {
  it.each([
    [90 * 60_000, "1h30m"],
    [2 * 3_600_000, "2h"],
    [86_400_000 + 60_000, "1d1m"],
    [45_000, "45s"],
    [0, "0s"],
  ])("%i → %s", (ms, expected) => {
    expect(formatDuration(ms)).toBe(expected);
    expect(parseDuration(expected)).toBe(ms);
  });
});
