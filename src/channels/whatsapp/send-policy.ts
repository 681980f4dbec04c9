// What the outbox does when Twilio refuses or fails a message: transient failures are retried
// until the reply is delivered (the 24-hour window, not a count, ends the attempts), permanent
// ones are final, and the user is told of a lost reply when a channel to them still works.
import { outboxRetryAt, type RetryOptions as BackoffOptions } from "../send-retry";
import { WINDOW_CLOSED_ERROR } from "./window";

/**
 * While WhatsApp's 24-hour window is open the user is waiting for this reply: after an outage
 * of Twilio it must go out within seconds of the end, not after a backoff grown to minutes.
 * One try every 5 s for the one message at the head of a user's outbox is no hammering (a
 * Retry-After still wins), and a reply lands at most 5 s after an outage ends, not 10.
 */
export const OPEN_WINDOW_MAX_RETRY_GAP_MS = 5_000;

/** `maybeTaken`: no answer came, so Twilio may hold the message all the same (see ChannelFailure). */
export type SendFailure = { retryable: boolean; errorCode: string; retryAfterMs?: number; maybeTaken?: boolean };

export type SendFailureDecision = { action: "retry"; at: number } | { action: "hold" } | { action: "fail"; tellUser: boolean };

type RetryOptions = BackoffOptions & {
  /** The message is an approved template (ContentSid of our own): the window does not apply to it. */
  template?: boolean;
};

/** The gap cap for a retry: OPEN_WINDOW_MAX_RETRY_GAP_MS while the window is open, else the plain backoff. */
export function maxRetryGapMs(windowOpen: boolean): number | undefined {
  return windowOpen ? OPEN_WINDOW_MAX_RETRY_GAP_MS : undefined;
}

/**
 * Twilio errors after which nothing can reach this user on WhatsApp: telling them would fail too.
 * 21211 invalid 'To', 21610 unsubscribed (STOP), 63003 not a WhatsApp number, 63024 invalid
 * recipient, 63016 outside the window (held instead, see whatsapp-window.ts).
 */
const CHANNEL_DEAD = new Set(["21211", "21610", "63003", "63024", "63016"]);

/**
 * Delivery failures (status callbacks) that Twilio documents as capacity, not content: 30001
 * queue overflow, 30008 unknown error, 63018 rate limit of the WhatsApp channel.
 */
const TRANSIENT_DELIVERY = new Set(["30001", "30008", "63018"]);

/**
 * After `attempts` sends of a message failed, the last with `failure`. A 63016 (outside the
 * 24-hour window) is held for the user's next message, whether Twilio says it in its answer to
 * the send or later in a status callback; for a template it is final, as no later message helps.
 */
export function decideOnSendFailure(failure: SendFailure, attempts: number, now: number, options: RetryOptions): SendFailureDecision {
  if (failure.errorCode === WINDOW_CLOSED_ERROR && !options.template) return { action: "hold" };
  if (!failure.retryable) return { action: "fail", tellUser: !CHANNEL_DEAD.has(failure.errorCode) };
  return { action: "retry", at: outboxRetryAt(attempts, now, failure.retryAfterMs, options) };
}

/** A status callback's failure that is worth sending the same message again. */
export function isTransientDeliveryError(errorCode: string | null): boolean {
  return errorCode !== null && TRANSIENT_DELIVERY.has(errorCode);
}

/** Retry-After as Twilio sends it (seconds, or an HTTP date); undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
