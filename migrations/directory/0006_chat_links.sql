-- Links and refusals name a chat by its channel and its address there, not by one app's user id:
-- a link joins a chat of any channel to a home, and a stranger told once is remembered per chat.
-- The rows kept so far are Telegram users' (a refusal of a phone number is WhatsApp's).
ALTER TABLE links RENAME TO links_0005;
-- One linked chat per home and one home per chat: the Worker routes that chat's messages to
-- `home` instead of the chat's own user's object, which keeps its rows, unused.
CREATE TABLE links (
  channel TEXT NOT NULL,
  chat TEXT NOT NULL,
  home TEXT NOT NULL UNIQUE,
  linked_at INTEGER NOT NULL,
  PRIMARY KEY (channel, chat)
) WITHOUT ROWID;
INSERT INTO links (channel, chat, home, linked_at) SELECT 'telegram', telegram_user, home, linked_at FROM links_0005;
DROP TABLE links_0005;

-- Chats that wrote without being allowed, and were told so once: a stranger gets one short
-- refusal, never more, so nobody can make the bot talk by writing to it.
CREATE TABLE refused_chats (
  channel TEXT NOT NULL,
  chat TEXT NOT NULL,
  refused_at INTEGER NOT NULL,
  PRIMARY KEY (channel, chat)
) WITHOUT ROWID;
INSERT INTO refused_chats (channel, chat, refused_at)
  SELECT CASE WHEN user_id LIKE '+%' THEN 'whatsapp' ELSE 'telegram' END, user_id, refused_at FROM telegram_refusals;
DROP TABLE telegram_refusals;
