// Who is told, in their own chat, what happened to another user's chat (it stopped taking the
// bot's messages): the first configured admin, and the notice as their object queues it, once.
import type { ChannelName } from "../channels/channel";
import { outboxKeys } from "./outbox-keys";
import type { ConfiguredUsers } from "../channels/user-names";

/** The admin to tell: a phone (their object is named by it) or a Telegram user (the directory knows their object). */
export type AdminToTell = { kind: "phone"; phone: string } | { kind: "telegram"; userId: string };

/** A notice for an admin's outbox: its key says it once; `to` null: the chat the admin last wrote from. */
export type AdminNotice = { key: string; body: string; to: { channel: ChannelName; chat: string } | null };

/** The first of ADMIN_SENDERS, else the first of ADMIN_TELEGRAM_USERS; null: no admin configured. */
export function adminToTell(configured: Pick<ConfiguredUsers, "adminSenders" | "adminTelegramUsers"> | null): AdminToTell | null {
  const [phone] = configured?.adminSenders ?? [];
  if (phone !== undefined) return { kind: "phone", phone };
  const [userId] = configured?.adminTelegramUsers ?? [];
  return userId !== undefined ? { kind: "telegram", userId } : null;
}

/**
 * The notice that `user`'s chat `chat` stopped at `stoppedAt`: one key per chat and stop (a later
 * stop of the same chat, after the user came back, is told again). A Telegram admin reads it in
 * their private chat with the bot; a phone admin where they last wrote.
 */
export function chatStoppedAdminNotice(admin: AdminToTell, stop: { user: string; channel: ChannelName; chat: string; stoppedAt: number; body: string }): AdminNotice {
  return {
    key: outboxKeys.adminChatStopped(stop.user, stop.channel, stop.chat, stop.stoppedAt),
    body: stop.body,
    to: admin.kind === "telegram" ? { channel: "telegram", chat: admin.userId } : null,
  };
}
