// Where a message to the user goes: a reply to the chat of the messages it answers, anything else
// to the chat the user last wrote from, or, when they never wrote, the object's own chat.
import type { ChannelName } from "../channels/channel";

export type Target = { channel: ChannelName; chat: string | null };

/** Anything that is not a reply: the chat the user last wrote from, else the object's home chat. */
export function noticeTarget(lastInbound: Target | null, home: Target): Target {
  return lastInbound ?? home;
}

/**
 * A run's reply: the chat of the last message it answers that the user wrote, or that names its
 * chat. A scheduled task or a run started by an event carries the default source unless it named
 * a chat: it answers where notices go (null).
 */
export function replyTarget(answered: readonly { source: Target; origin: string | null; kind: string }[]): Target | null {
  for (let i = answered.length - 1; i >= 0; i--) {
    const m = answered[i]!;
    if ((m.kind === "user" && m.origin === null) || m.source.chat !== null) return m.source;
  }
  return null;
}
