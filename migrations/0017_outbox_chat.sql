-- The outbox speaks of a chat on a channel: each message goes to one chat of one app. Existing
-- rows are WhatsApp messages to this object's own phone (chat null).
ALTER TABLE outbox ADD COLUMN channel TEXT NOT NULL DEFAULT 'whatsapp' CHECK (channel IN ('whatsapp', 'telegram'));
ALTER TABLE outbox ADD COLUMN chat TEXT;
-- The channel's own id of the message once sent, where it is not Twilio's SID (Telegram's
-- message_id): what an edit of it (a progress update rewritten in place) needs.
ALTER TABLE outbox ADD COLUMN sent_ref TEXT;
-- Chats that refused the bot for good (a Telegram user blocked it): nothing more is sent there
-- until the user writes from that chat again. Told to an admin once, through /users.
CREATE TABLE stopped_chats (
  channel TEXT NOT NULL,
  chat TEXT NOT NULL,
  stopped_at INTEGER NOT NULL,
  detail TEXT,
  PRIMARY KEY (channel, chat)
);
