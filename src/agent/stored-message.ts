// Storing an arriving message once per its channel's id, for the inbox and the answers to the
// relay's questions alike: a redelivery changes nothing, and the user wrote, so a channel's reply
// window is open again.
import { CHANNELS } from "../channels";
import type { ChannelName } from "../channels/channel";
import type { InboundMessage } from "../messages/inbound-message";
import type { Media, MessagesRepo } from "../messages/messages-repo";
import type { OutboxWriter } from "../outbox/outbox-addressing";
import type { SettingsRepo } from "../config/settings-repo";

export type StoreDeps = {
  messages: Pick<MessagesRepo, "insert">;
  settings: Pick<SettingsRepo, "set">;
  outboxRepo: Pick<OutboxWriter, "releaseHeld" | "anyHeld">;
  /** PUBLIC_URL, when configured: the origin every link and callback uses, so none is stored (publicOriginOf). */
  configuredOrigin?: string | null;
};

/** The channel it was written on: without a source, the object's own phone on WhatsApp. */
export function channelOf(message: InboundMessage): ChannelName {
  return message.source?.channel ?? "whatsapp";
}

/** Stores the message once per MessageSid (false: a redelivery, nothing changed). */
export function storeOnce(d: StoreDeps, message: InboundMessage, m: { body: string; media: Media[]; conversationId: number; slash: boolean }, now: number): boolean {
  if (!d.messages.insert({ id: message.messageId, ...m, receivedAt: message.receivedAt, source: message.source, origin: message.origin ?? null, now })) return false;
  // The webhook's origin, for links made when no request is at hand (an alarm's run); with PUBLIC_URL
  // configured it is that, never read from here: a row a phone would write for nothing.
  if (message.publicOrigin !== d.configuredOrigin) d.settings.set("public_origin", message.publicOrigin);
  // Whatever was held for a reply window can go now (mostly nothing: a remembered read says so);
  // only a message on a channel with such a window opens it.
  if (CHANNELS[channelOf(message)].limits.replyWindowMs !== null && d.outboxRepo.anyHeld()) d.outboxRepo.releaseHeld(now);
  return true;
}
