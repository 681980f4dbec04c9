-- Telegram users who wrote to the bot without being allowed, and were told so once: a stranger
-- gets one short refusal, never more, so nobody can make the bot talk by writing to it.
CREATE TABLE telegram_refusals (
  user_id TEXT PRIMARY KEY,
  refused_at INTEGER NOT NULL
) WITHOUT ROWID;
