import { describe, expect, it } from "vitest";
import { formatAgo, formatUsd } from "../../src/shared/format-ago";

const now = 1_700_000_000_000;
describe("formatAgo", () => {
  it.each([
    [now, "just now"],
    [now + 5_000, "just now"],
    [now - 59_000, "just now"],
    [now - 5 * 60_000, "5 min ago"],
    [now - 59 * 60_000, "59 min ago"],
    [now - 3 * 3600_000, "3 h ago"],
    [now - 47 * 3600_000, "47 h ago"],
    [now - 5 * 86_400_000, "5 d ago"],
  ])("%i → %s", (at, expected) => {
    expect(formatAgo(at, now)).toBe(expected);
  });
});

describe("formatUsd", () => {
  it.each([
    [0, "$0.00"],
    [0.004, "$0.004"],
    [0.01, "$0.01"],
    [1.234, "$1.23"],
  ])("%d → %s", (usd, expected) => {
    expect(formatUsd(usd)).toBe(expected);
  });
});
