import { describe, expect, it } from "vitest";
import { type Backoff, backoffDelayMs, DISPATCH_BACKOFF, DISPATCH_RETRY_DELAYS_MS, earliest, nextRetryAt } from "../../src/shared/backoff";
import { FLY_BACKOFF } from "../../src/machines/fly-retry";
import { OPEN_WINDOW_MAX_RETRY_GAP_MS } from "../../src/channels/whatsapp/send-policy";
import { OUTBOX_BACKOFF } from "../../src/channels/send-retry";
import { TASK_RETRY_DELAYS_MS } from "../../src/schedules/schedule-retry";

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

describe("backoffDelayMs: the one backoff behind every retry", () => {
  const list = (delaysMs: number[], jitterRatio = 0): Backoff => ({ steps: { kind: "list", delaysMs }, jitterRatio });
  const doubling = (firstMs: number, maxMs: number, more: Partial<Backoff> = {}): Backoff => ({ steps: { kind: "doubling", firstMs, maxMs }, jitterRatio: 0, ...more });

  // Each schedule in use, failure by failure, with the jitter at its middle (no spread).
  it.each([
    ["dispatch", DISPATCH_BACKOFF, [5_000, 10_000, 20_000, 40_000, 80_000, null]],
    ["tasks", list([...TASK_RETRY_DELAYS_MS]), [30_000, 60_000, 300_000, 900_000, 3_600_000, null]],
    ["Fly", FLY_BACKOFF, [500, 1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000]],
    ["outbox", OUTBOX_BACKOFF, [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 64_000, 128_000, 256_000, 300_000, 300_000]],
    ["outbox, window open", { ...OUTBOX_BACKOFF, maxGapMs: OPEN_WINDOW_MAX_RETRY_GAP_MS }, [1_000, 2_000, 4_000, 4_167, 4_167, 4_167]],
  ] as const)("%s", (_name, backoff, expected) => {
    expect(expected.map((_, i) => backoffDelayMs(i + 1, backoff, 0.5))).toEqual(expected);
  });

  it.each([
    ["lowest draw", 0, undefined, 400],
    ["highest draw", 0.999999, undefined, 600],
    ["a Retry-After above the band is a floor", 0, 5_000, 5_000],
    ["a Retry-After below the delay changes nothing", 0.5, 450, 500],
    ["a Retry-After past its cap is cut to the cap", 0.5, 10 * 60_000, 5 * 60_000],
    ["a Retry-After of 0 is no Retry-After", 0, 0, 400],
  ])("Fly's first retry, %s", (_name, jitter, retryAfterMs, expected) => {
    expect(backoffDelayMs(1, FLY_BACKOFF, jitter, retryAfterMs)).toBe(expected);
  });

  it("ignores a Retry-After when the backoff believes none", () => {
    expect(backoffDelayMs(1, DISPATCH_BACKOFF, 0.5, 60_000)).toBe(5_000);
  });

  it("keeps a gap cap for every failure and every draw", () => {
    const capped = { ...OUTBOX_BACKOFF, maxGapMs: 10_000 };
    for (let failures = 1; failures <= 40; failures++) {
      for (const jitter of [0, 0.3, 0.5, 0.999999]) {
        const wait = backoffDelayMs(failures, capped, jitter)!;
        expect(wait).toBeGreaterThan(0);
        expect(wait).toBeLessThanOrEqual(10_000);
      }
    }
  });

  it.each([
    ["no failure yet", 0, list([1]), 0.5],
    ["a fraction of a failure", 1.5, list([1]), 0.5],
    ["a draw above 1", 1, list([1]), 1.5],
    ["a draw that is NaN", 1, list([1]), Number.NaN],
    ["a negative jitter ratio", 1, list([1], -0.1), 0.5],
    ["a negative delay", 1, list([-1]), 0.5],
    ["a doubling from 0", 1, doubling(0, 10), 0.5],
    ["a doubling past its own cap", 1, doubling(20, 10), 0.5],
    ["a gap cap under the first delay", 1, doubling(1_000, 10_000, { maxGapMs: 500 }), 0.5],
    ["a Retry-After cap of 0", 1, doubling(1_000, 10_000, { maxRetryAfterMs: 0 }), 0.5],
  ] as [string, number, Backoff, number][])("refuses %s", (_name, failures, backoff, jitter) => {
    expect(() => backoffDelayMs(failures, backoff, jitter)).toThrow(RangeError);
  });
});
