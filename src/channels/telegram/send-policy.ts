// What the outbox does when the Bot API refuses a message: wait out a 429's `retry_after`, keep
// Telegram's pace of about one message a second per chat, stop writing to a chat that blocked the
// bot, and give up on anything else after a bounded number of tries (never forever).
import { nextRetryAt } from "../../shared/backoff";
import type { ChannelFailure, FailureDecision } from "../channel";

/** Telegram's FAQ: "avoid sending more than one message per second" in one chat. */
export const CHAT_MIN_GAP_MS = 1_000;

/**
 * Gaps after each failed attempt: about 22 minutes in all, then the message is given up and the
 * user told. Short at first, as most failures are a burst past the pace or a blip.
 */
export const TELEGRAM_RETRY_DELAYS_MS = [1_000, 2_000, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000, 300_000, 300_000, 300_000] as const;
const JITTER_RATIO = 0.2;
/** A retry_after longer than this is not believed (a misread answer must not park the chat). */
const MAX_RETRY_AFTER_MS = 60 * 60_000;

/**
 * After `attempts` failed sends of one message (the last with `failure`): a chat that blocked the
 * bot is stopped; a final error gives the message up (the user told, unless the bot itself is
 * misconfigured: a wrong token reaches nobody); a transient one is tried again after the backoff,
 * never before Telegram's `retry_after`.
 */
export function decideOnTelegramFailure(failure: ChannelFailure, attempts: number, now: number, random: () => number): FailureDecision {
  if (failure.chatGone) return { action: "stop_chat" };
  if (!failure.retryable) return { action: "fail", tellUser: !BOT_MISCONFIGURED.has(failure.errorCode) };
  const backoffAt = nextRetryAt(Math.max(1, attempts), now, TELEGRAM_RETRY_DELAYS_MS, JITTER_RATIO, random);
  if (backoffAt === null) return { action: "fail", tellUser: true };
  const floor = failure.retryAfterMs !== undefined ? now + Math.min(failure.retryAfterMs, MAX_RETRY_AFTER_MS) : now;
  return { action: "retry", at: Math.max(backoffAt, floor) };
}

/** 401: the token is wrong; 404: the method or bot does not exist. Telling the user would fail the same way. */
const BOT_MISCONFIGURED = new Set(["telegram:401", "telegram:404"]);
