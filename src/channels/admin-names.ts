// How admins name a user and how the configuration lists them, channel by channel: the ids /allow
// takes, the env variable a configured user is in, the admin a notice goes to, a linked chat.
import type { ChatAddress } from "./channel";
import { isTelegramUserId, TELEGRAM_USER_ID_EXAMPLE } from "./telegram/user-ids";
import { type ConfiguredAdmins, type ConfiguredUsers, telegramUserName, telegramUserOf } from "./user-names";
import { isE164 } from "../shared/phone";

/** A user's id on a channel whose users have no phone, as /allow, /deny and /budget take it. */
export type TypedUserId = { example: string; what: string; helpWord: string };

/** Beside E.164 numbers, the ids an admin may type (the usage texts and /help list them). */
export const TYPED_USER_IDS: readonly TypedUserId[] = [{ example: TELEGRAM_USER_ID_EXAMPLE, what: "a Telegram user id", helpWord: "telegram-id" }];

/** A user as an admin types them: an E.164 number, a Telegram user id (digits, no +) or the `tg-<id>` /users shows; null for anything else. */
export function typedUserName(text: string): string | null {
  if (isE164(text)) return text;
  const id = text.startsWith("tg-") ? text.slice("tg-".length) : text;
  return isTelegramUserId(id) ? telegramUserName(id) : null;
}

/** The env variable a configured user is in: /allow, /deny and the directory cannot change it. */
export type ConfiguredIn = "ADMIN_SENDERS" | "ALLOWED_SENDERS" | "ADMIN_TELEGRAM_USERS" | "ALLOWED_TELEGRAM_USERS";

/** Where the configuration lists `name` (an admin list first); null when it does not. */
export function configuredIn(configured: ConfiguredUsers, name: string): ConfiguredIn | null {
  const telegram = telegramUserOf(name);
  if (telegram !== null) return configured.adminTelegramUsers?.has(telegram) ? "ADMIN_TELEGRAM_USERS" : configured.allowedTelegramUsers?.has(telegram) ? "ALLOWED_TELEGRAM_USERS" : null;
  return configured.adminSenders.has(name) ? "ADMIN_SENDERS" : configured.allowedSenders.has(name) ? "ALLOWED_SENDERS" : null;
}

/** The two env variables that could list `name` (its admins' first), as a reply names them. */
export function configuredListsFor(name: string): readonly [ConfiguredIn, ConfiguredIn] {
  return telegramUserOf(name) === null ? ["ALLOWED_SENDERS", "ADMIN_SENDERS"] : ["ALLOWED_TELEGRAM_USERS", "ADMIN_TELEGRAM_USERS"];
}

/** Every configured user by name, admins of each list before its users: the phones', then Telegram's. */
export function configuredUserNames(configured: ConfiguredUsers): { name: string; admin: boolean }[] {
  return [
    ...[...configured.adminSenders].map((name) => ({ name, admin: true })),
    ...[...configured.allowedSenders].map((name) => ({ name, admin: false })),
    ...[...(configured.adminTelegramUsers ?? [])].map((id) => ({ name: telegramUserName(id), admin: true })),
    ...[...(configured.allowedTelegramUsers ?? [])].map((id) => ({ name: telegramUserName(id), admin: false })),
  ];
}

/**
 * The admin a notice goes to: a user by name (a phone names its own object, which sends where
 * they last wrote), or a chat (its object is the one the directory names, and it is sent there).
 */
export type AdminToTell = { kind: "user"; user: string } | { kind: "chat"; chat: ChatAddress };

/** The first of ADMIN_SENDERS, else the first of ADMIN_TELEGRAM_USERS; null: no admin configured. */
export function adminToTell(configured: ConfiguredAdmins | null): AdminToTell | null {
  const [phone] = configured?.adminSenders ?? [];
  if (phone !== undefined) return { kind: "user", user: phone };
  const [userId] = configured?.adminTelegramUsers ?? [];
  return userId !== undefined ? { kind: "chat", chat: { channel: "telegram", chat: userId } } : null;
}
