// Chats that refused the bot for good (a Telegram user blocked it): nothing more is sent there
// until the user writes from that chat again; an admin reads them in /users.
import type { OutboxTarget } from "./outbox-repo";
import type { Sql } from "../shared/sql";

export type StoppedChat = { channel: string; chat: string; stoppedAt: number; detail: string | null };

export function createStoppedChatsRepo(sql: Sql) {
  return {
    /** Records the stop; false when the chat was already stopped (the admin was told then). */
    stop(to: OutboxTarget, at: number, detail: string | null): boolean {
      const chat = to.chat ?? "";
      return (
        sql`INSERT INTO stopped_chats (channel, chat, stopped_at, detail) VALUES (${to.channel}, ${chat}, ${at}, ${detail})
          ON CONFLICT (channel, chat) DO UPDATE SET stopped_at = excluded.stopped_at, detail = excluded.detail
          WHERE EXISTS (SELECT 1 FROM messages WHERE channel = excluded.channel AND chat = excluded.chat AND kind = 'user' AND received_at > stopped_chats.stopped_at)
          RETURNING stopped_at`.length === 1
      );
    },
    /** Stopped, and the user has not written from that chat since. */
    isStopped(to: OutboxTarget): boolean {
      const chat = to.chat ?? "";
      return (
        sql`SELECT 1 FROM stopped_chats s WHERE s.channel = ${to.channel} AND s.chat = ${chat}
          AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.channel = s.channel AND m.chat = s.chat AND m.kind = 'user' AND m.received_at > s.stopped_at)`.length > 0
      );
    },
    /** The chats stopped now (for /users), oldest first. */
    list(): StoppedChat[] {
      return sql<{ channel: string; chat: string; stopped_at: number; detail: string | null }>`SELECT s.channel, s.chat, s.stopped_at, s.detail FROM stopped_chats s
        WHERE NOT EXISTS (SELECT 1 FROM messages m WHERE m.channel = s.channel AND m.chat = s.chat AND m.kind = 'user' AND m.received_at > s.stopped_at)
        ORDER BY s.stopped_at`.map((r) => ({ channel: r.channel, chat: r.chat, stoppedAt: r.stopped_at, detail: r.detail }));
    },
  };
}
export type StoppedChatsRepo = ReturnType<typeof createStoppedChatsRepo>;
