// The directory's record of Telegram strangers told once that the bot is not for them.
import type { Sql } from "./sql";

export function createTelegramRefusalsRepo(sql: Sql) {
  return {
    /** Records `userId`; true only the first time (the caller sends the refusal then). */
    firstRefusal(userId: string, now: number): boolean {
      return sql<{ user_id: string }>`INSERT INTO telegram_refusals (user_id, refused_at) VALUES (${userId}, ${now}) ON CONFLICT (user_id) DO NOTHING RETURNING user_id`.length === 1;
    },
  };
}
export type TelegramRefusalsRepo = ReturnType<typeof createTelegramRefusalsRepo>;
