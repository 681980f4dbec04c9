// The chat an object reaches its user in when nothing says otherwise: a phone's object its own
// WhatsApp number, a Telegram-only user's object (named `tg-<user id>`) that user's private chat.
import type { ChannelName } from "./channel";

/** The name of a Telegram-only user's object: the prefix, then the numeric user id. */
const TELEGRAM_OBJECT = /^tg-(\d{1,20})$/;

/** Chat null: the object's own phone on WhatsApp (as messages record it). */
export function homeChatOf(objectName: string): { channel: ChannelName; chat: string | null } {
  const telegram = TELEGRAM_OBJECT.exec(objectName);
  return telegram ? { channel: "telegram", chat: telegram[1]! } : { channel: "whatsapp", chat: null };
}
