// The outbox's backoff between attempts (a send a channel did not take, a file the VM did not hand
// over): capped exponential, with jitter, a Retry-After from the channel as a floor. Kept with the
// channels because it is WhatsApp's send retry policy (whatsapp/send-policy.ts); the outbox uses the
// same backoff for its own retries.
import { type Backoff, backoffDelayMs } from "../shared/backoff";

export const OUTBOX_MAX_RETRY_MS = 5 * 60_000;
/**
 * The first retry after about a second, doubling, never more than five minutes apart; spread by
 * ±20 %; a Retry-After longer than an hour is not believed (a misread header must not park a reply).
 */
export const OUTBOX_BACKOFF: Backoff = { steps: { kind: "doubling", firstMs: 1_000, maxMs: OUTBOX_MAX_RETRY_MS }, jitterRatio: 0.2, maxRetryAfterMs: 60 * 60_000 };

export type RetryOptions = {
  /**
   * The longest gap before the next attempt, jitter included; a Retry-After from the channel still
   * wins over it (up to its own cap of an hour). Unset: the backoff grows to five minutes, and
   * its jitter may add a fifth on top.
   */
  maxGapMs?: number;
  /** Draws the jitter, in [0, 1): Math.random in the shell, a fixed value in a test. */
  random: () => number;
};

/** When attempt `attempts + 1` is due; a Retry-After (`retryAfterMs`) is a floor. */
export function outboxRetryAt(attempts: number, now: number, retryAfterMs: number | undefined, options: RetryOptions): number {
  const { maxGapMs, random } = options;
  // A row not yet attempted (a file's first copy) waits as after one failure. Doubling never runs out.
  return now + backoffDelayMs(Math.max(1, attempts), { ...OUTBOX_BACKOFF, maxGapMs }, random(), retryAfterMs)!;
}
