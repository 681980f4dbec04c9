import { describe, expect, it } from "vitest";
import {
  decideOnSendFailure,
  isTransientDeliveryError,
  maxRetryGapMs,
  OPEN_WINDOW_MAX_RETRY_GAP_MS,
  parseRetryAfter,
  type SendFailure,
  type SendFailureDecision,
} from "../../src/channels/whatsapp/send-policy";
import { OUTBOX_MAX_RETRY_MS, outboxRetryAt } from "../../src/channels/send-retry";

const now = 1_700_000_000_000;
const middle = () => 0.5; // no jitter
const http503: SendFailure = { retryable: true, errorCode: "20500" };

describe("decideOnSendFailure", () => {
  it.each<[string, SendFailure, number, SendFailureDecision]>([
    ["a first 503 retries after about a second", http503, 1, { action: "retry", at: now + 1_000 }],
    ["the third failure waits 4 s", http503, 3, { action: "retry", at: now + 4_000 }],
    ["a transient failure is never final, even the fortieth", http503, 40, { action: "retry", at: now + OUTBOX_MAX_RETRY_MS }],
    ["the tenth failure is capped at five minutes (the ninth waits 256 s)", { retryable: true, errorCode: "network" }, 10, { action: "retry", at: now + OUTBOX_MAX_RETRY_MS }],
    ["a 429 honours Retry-After when it is longer", { retryable: true, errorCode: "20429", retryAfterMs: 30_000 }, 1, { action: "retry", at: now + 30_000 }],
    ["a Retry-After shorter than the backoff does not shorten it", { retryable: true, errorCode: "20429", retryAfterMs: 10 }, 4, { action: "retry", at: now + 8_000 }],
    ["an absurd Retry-After is capped at an hour", { retryable: true, errorCode: "20429", retryAfterMs: 9e9 }, 1, { action: "retry", at: now + 3_600_000 }],
    ["a permanent error is final, and the user can be told", { retryable: false, errorCode: "21617" }, 1, { action: "fail", tellUser: true }],
    ["a blocked user is not told (it would fail too)", { retryable: false, errorCode: "21610" }, 1, { action: "fail", tellUser: false }],
    ["not a WhatsApp number: not told", { retryable: false, errorCode: "63003" }, 2, { action: "fail", tellUser: false }],
  ])("%s", (_name, failure, attempts, expected) => {
    expect(decideOnSendFailure(failure, attempts, now, { random: middle })).toEqual(expected);
  });
});

describe("decideOnSendFailure while the 24-hour window is open", () => {
  const open = { maxGapMs: maxRetryGapMs(true), random: middle };
  it.each<[string, SendFailure, number, SendFailureDecision]>([
    ["the first retries stay as they were (1 s)", http503, 1, { action: "retry", at: now + 1_000 }],
    ["the third failure still waits 4 s", http503, 3, { action: "retry", at: now + 4_000 }],
    // The base stops at 5 s / 1.2, so the jitter still spreads phones below the cap.
    ["the fourth failure waits about 4.2 s, not 8 s", http503, 4, { action: "retry", at: now + 4_167 }],
    ["the fortieth failure too", http503, 40, { action: "retry", at: now + 4_167 }],
    ["a Retry-After longer than the cap is still honoured", { retryable: true, errorCode: "20429", retryAfterMs: 30_000 }, 6, { action: "retry", at: now + 30_000 }],
    ["an absurd Retry-After is still capped at an hour", { retryable: true, errorCode: "20429", retryAfterMs: 9e9 }, 6, { action: "retry", at: now + 3_600_000 }],
    ["a short Retry-After does not shorten the backoff", { retryable: true, errorCode: "20429", retryAfterMs: 2_000 }, 9, { action: "retry", at: now + 4_167 }],
    ["a permanent error is final as before", { retryable: false, errorCode: "21617" }, 9, { action: "fail", tellUser: true }],
  ])("%s", (_name, failure, attempts, expected) => {
    expect(decideOnSendFailure(failure, attempts, now, open)).toEqual(expected);
  });

  it("outside the window keeps the five-minute cap", () => {
    expect(maxRetryGapMs(false)).toBeUndefined();
    expect(decideOnSendFailure(http503, 12, now, { maxGapMs: maxRetryGapMs(false), random: middle })).toEqual({ action: "retry", at: now + OUTBOX_MAX_RETRY_MS });
  });
});

describe("outboxRetryAt jitter", () => {
  it.each([
    [0, now + 1_600],
    [0.999999, now + 2_400],
  ])("random %d spreads the 2 s step to %d", (r, expected) => {
    expect(outboxRetryAt(2, now, undefined, { random: () => r })).toBe(expected);
  });

  it.each([
    ["no cap: the jitter may pass five minutes by a fifth", 20, undefined, 0.999999, now + 360_000],
    ["a 5 s cap: never more than 5 s, jitter included", 20, OPEN_WINDOW_MAX_RETRY_GAP_MS, 0.999999, now + 5_000],
    ["a 5 s cap: still spread below it", 20, OPEN_WINDOW_MAX_RETRY_GAP_MS, 0, now + 3_333],
    ["a cap above the backoff changes nothing", 2, OPEN_WINDOW_MAX_RETRY_GAP_MS, 0.999999, now + 2_400],
  ] as const)("%s", (_name, attempts, maxGapMs, r, expected) => {
    expect(outboxRetryAt(attempts, now, undefined, { maxGapMs, random: () => r })).toBe(expected);
  });

  it("holds the 5 s cap at every attempt and every draw of the jitter", () => {
    for (let attempts = 1; attempts <= 40; attempts++) {
      for (const r of [0, 0.25, 0.5, 0.75, 0.999999]) {
        const gap = outboxRetryAt(attempts, now, undefined, { maxGapMs: OPEN_WINDOW_MAX_RETRY_GAP_MS, random: () => r }) - now;
        expect(gap).toBeGreaterThan(0);
        expect(gap).toBeLessThanOrEqual(OPEN_WINDOW_MAX_RETRY_GAP_MS);
      }
    }
  });

  it("refuses a cap shorter than the first retry", () => {
    expect(() => outboxRetryAt(1, now, undefined, { maxGapMs: 500, random: middle })).toThrow(RangeError);
  });
});

describe("isTransientDeliveryError", () => {
  it.each([
    ["30001", true],
    ["63018", true],
    ["30008", true],
    ["63016", false],
    ["21610", false],
    [null, false],
  ] as const)("%s → %s", (code, expected) => {
    expect(isTransientDeliveryError(code)).toBe(expected);
  });
});

describe("parseRetryAfter", () => {
  it.each([
    [null, undefined],
    ["", undefined],
    ["7", 7_000],
    [" 0 ", 0],
    [new Date(now + 12_000).toUTCString(), 12_000],
    [new Date(now - 12_000).toUTCString(), 0],
    ["soon", undefined],
  ] as const)("%j → %j", (header, expected) => {
    expect(parseRetryAfter(header, now)).toBe(expected);
  });
});
