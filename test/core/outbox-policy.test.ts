import { describe, expect, it } from "vitest";
import {
  decideOnSendFailure,
  isTransientDeliveryError,
  OUTBOX_MAX_RETRY_MS,
  outboxRetryAt,
  parseRetryAfter,
  type SendFailure,
  type SendFailureDecision,
} from "../../src/core/outbox-policy";

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
    expect(decideOnSendFailure(failure, attempts, now, middle)).toEqual(expected);
  });
});

describe("outboxRetryAt jitter", () => {
  it.each([
    [0, now + 1_600],
    [0.999999, now + 2_400],
  ])("random %d spreads the 2 s step to %d", (r, expected) => {
    expect(outboxRetryAt(2, now, undefined, () => r)).toBe(expected);
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
