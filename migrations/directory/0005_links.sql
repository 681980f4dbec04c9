-- "One agent, two doors": /link codes waiting to be sent from the other app, and the links they
-- made. A phone's PhoneAgent stays the agent's home; a Telegram user's chat joins it.
CREATE TABLE link_codes (
  -- Six symbols of link-code.ts's alphabet, stored without the dash.
  code TEXT PRIMARY KEY,
  -- The object the chat that asked landed in (a phone, or tg-<user id>).
  home TEXT NOT NULL,
  channel TEXT NOT NULL CHECK (channel IN ('whatsapp', 'telegram')),
  chat TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX link_codes_by_chat ON link_codes (channel, chat);

-- One Telegram user per home and one home per Telegram user: the Worker routes that user's
-- updates to `home` instead of their own tg-<user id> object, which keeps its rows, unused.
CREATE TABLE links (
  telegram_user TEXT PRIMARY KEY,
  home TEXT NOT NULL UNIQUE,
  linked_at INTEGER NOT NULL
) WITHOUT ROWID;
