// The directory's record of strangers' chats told once that the bot is not for them.
import type { ChatAddress } from "../channels/channel";
import type { Sql } from "../shared/sql";

export function createRefusedChatsRepo(sql: Sql) {
  return {
    /** Records `chat`; true only the first time (the caller sends the refusal then). */
    firstRefusal(chat: ChatAddress, now: number): boolean {
      return (
        sql<{ chat: string }>`INSERT INTO refused_chats (channel, chat, refused_at) VALUES (${chat.channel}, ${chat.chat}, ${now})
          ON CONFLICT (channel, chat) DO NOTHING RETURNING chat`.length === 1
      );
    },
  };
}
export type RefusedChatsRepo = ReturnType<typeof createRefusedChatsRepo>;
