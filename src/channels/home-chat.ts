// The chat an object reaches its user in when nothing says otherwise: a phone's object its own
// WhatsApp number, a Telegram-only user's object (named `tg-<user id>`) that user's private chat.
import { telegramUserOf } from "./user-names";
import type { ChannelName } from "./channel";

/** Chat null: the object's own phone on WhatsApp (as messages record it). */
export function homeChatOf(objectName: string): { channel: ChannelName; chat: string | null } {
  const telegram = telegramUserOf(objectName);
  return telegram !== null ? { channel: "telegram", chat: telegram } : { channel: "whatsapp", chat: null };
}
