import { describe, expect, it } from "vitest";
import { DISPATCH_RETRY_DELAYS_MS, earliest, nextRetryAt } from "../../src/core/backoff";

const now = 1_700_000_000_000;

describe("nextRetryAt without jitter", () => {
  it.each([
    [0, DISPATCH_RETRY_DELAYS_MS, now],
    [1, DISPATCH_RETRY_DELAYS_MS, now + 5000],
    [2, DISPATCH_RETRY_DELAYS_MS, now + 10000],
    [3, DISPATCH_RETRY_DELAYS_MS, now + 20000],
    [4, DISPATCH_RETRY_DELAYS_MS, now + 40000],
    [5, DISPATCH_RETRY_DELAYS_MS, now + 80000],
    [6, DISPATCH_RETRY_DELAYS_MS, null],
    [40, DISPATCH_RETRY_DELAYS_MS, null],
    [1, [], null],
  ])("after %i attempts with %j → %j", (attempts, delays, expected) => {
    expect(nextRetryAt(attempts, now, delays)).toBe(expected);
  });
});

describe("nextRetryAt with jitter", () => {
  it.each([
    [0, now + 5000 * 0.8], // random 0 → lowest
    [0.5, now + 5000],
    [0.999999, now + 5000 * 1.2], // just under the top, rounded
  ])("random %d → %d", (r, expected) => {
    expect(nextRetryAt(1, now, DISPATCH_RETRY_DELAYS_MS, 0.2, () => r)).toBe(expected);
  });

  it("stays within the band for any random value and never retries before now", () => {
    for (let i = 0; i <= 100; i++) {
      const at = nextRetryAt(2, now, DISPATCH_RETRY_DELAYS_MS, 1, () => i / 101);
      expect(at).not.toBeNull();
      expect(at!).toBeGreaterThanOrEqual(now);
      expect(at!).toBeLessThanOrEqual(now + 20000);
    }
  });

  it("still returns null when attempts are exhausted", () => {
    expect(nextRetryAt(6, now, DISPATCH_RETRY_DELAYS_MS, 0.5, () => 0.3)).toBeNull();
  });
});

describe("nextRetryAt rejects programmer errors", () => {
  it.each([
    [-1, 0],
    [1.5, 0],
    [Number.NaN, 0],
    [1, -0.1],
    [1, 1.1],
    [1, Number.NaN],
  ])("attempts %d, jitter %d", (attempts, jitter) => {
    expect(() => nextRetryAt(attempts, now, DISPATCH_RETRY_DELAYS_MS, jitter)).toThrow(RangeError);
  });
});

describe("earliest", () => {
  it.each([
    [[], null],
    [[null, undefined], null],
    [[5], 5],
    [[null, 7, undefined, 3, 9], 3],
    [[0, 10], 0],
    [[-5, null], -5],
  ] as [(number | null | undefined)[], number | null][])("%j → %j", (times, expected) => {
    expect(earliest(...times)).toBe(expected);
  });

  it("refuses NaN rather than hiding it", () => {
    expect(() => earliest(1, Number.NaN)).toThrow(RangeError);
  });
});
