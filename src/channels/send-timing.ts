// When the outbox may send to a chat, as the chat's channel allows: within its reply window (for a
// channel that has one), and no sooner than its pace.
import type { ChannelLimits } from "./channel";
import { isWindowOpen } from "./whatsapp/window";

/** The earliest a message may go to a chat last written to at `lastSentAt` (null: never), `minGapMs` apart (the channel's pace). */
export function chatPaceAt(lastSentAt: number | null, now: number, minGapMs: number): number {
  return lastSentAt === null ? now : Math.max(now, lastSentAt + minGapMs);
}

/** Whether a free-form message may go at `now`: always on a channel without a window, else within it of the user's last message there. */
export function isReplyWindowOpen(limits: Pick<ChannelLimits, "replyWindowMs">, lastInboundAt: number | null, now: number): boolean {
  return limits.replyWindowMs === null || isWindowOpen(lastInboundAt, now, limits.replyWindowMs);
}
