// Whose agent an object is, from its name: an E.164 number (a WhatsApp user), or `tg-<id>` (a
// Telegram user without a phone). The allow-list names a Telegram user the same way.
import type { ChatAddress } from "./channel";

const TELEGRAM_NAME = /^tg-([1-9]\d{0,15})$/;

/** `tg-<id>`: a Telegram user's own object, and their entry in the runtime allow-list. */
export function telegramUserName(userId: string): string {
  return `tg-${userId}`;
}

/** The Telegram user id of a `tg-<id>` name; null for a phone. */
export function telegramUserOf(name: string): string | null {
  return TELEGRAM_NAME.exec(name)?.[1] ?? null;
}

/** The user a chat belongs to when no link joins it to another: a phone itself, a Telegram chat its `tg-<id>` name. */
export function userNameOf(door: ChatAddress): string {
  return door.channel === "telegram" ? telegramUserName(door.chat) : door.chat;
}

/** The operator's own users (configuration, never denied): a phone's lists or Telegram's. */
export type ConfiguredUsers = {
  allowedSenders: ReadonlySet<string>;
  adminSenders: ReadonlySet<string>;
  allowedTelegramUsers?: ReadonlySet<string>;
  adminTelegramUsers?: ReadonlySet<string>;
};

/** The admins' part of the configuration (the admin notices need no more). */
export type ConfiguredAdmins = Pick<ConfiguredUsers, "adminSenders" | "adminTelegramUsers">;

/** Whether `name` (a phone, or `tg-<id>`) is an admin by configuration. */
export function isConfiguredAdmin(config: ConfiguredAdmins | null, name: string): boolean {
  const telegram = telegramUserOf(name);
  return telegram === null ? (config?.adminSenders.has(name) ?? false) : (config?.adminTelegramUsers?.has(telegram) ?? false);
}

/** Whether `name` is allowed by configuration (admins included). */
export function isConfiguredUser(config: ConfiguredUsers | null, name: string): boolean {
  const telegram = telegramUserOf(name);
  if (telegram === null) return (config?.allowedSenders.has(name) ?? false) || (config?.adminSenders.has(name) ?? false);
  return isConfiguredAdmin(config, name) || (config?.allowedTelegramUsers?.has(telegram) ?? false);
}
