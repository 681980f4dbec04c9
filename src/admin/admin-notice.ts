// Who is told, in their own chat, what happened to another user's chat (it stopped taking the
// bot's messages): the first configured admin, and the notice as their object queues it, once.
import type { ChannelName, ChatAddress } from "../channels/channel";
import type { AdminToTell } from "../channels/admin-names";
import { outboxKeys } from "../outbox/outbox-keys";

export type { AdminToTell } from "../channels/admin-names";

/** A notice for an admin's outbox: its key says it once; `to` null: the chat the admin last wrote from. */
export type AdminNotice = { key: string; body: string; to: ChatAddress | null };

/**
 * The notice that `user`'s chat `chat` stopped at `stoppedAt`: one key per chat and stop (a later
 * stop of the same chat, after the user came back, is told again). An admin known by a chat reads
 * it in that chat; one known by name where they last wrote.
 */
export function chatStoppedAdminNotice(admin: AdminToTell, stop: { user: string; channel: ChannelName; chat: string; stoppedAt: number; body: string }): AdminNotice {
  return {
    key: outboxKeys.adminChatStopped(stop.user, stop.channel, stop.chat, stop.stoppedAt),
    body: stop.body,
    to: admin.kind === "chat" ? admin.chat : null,
  };
}
