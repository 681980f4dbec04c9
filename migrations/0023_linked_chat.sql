-- The chat linked to a home's agent (/link) is kept as a chat address (JSON: channel and chat),
-- under a key that names no app. Every value so far is a Telegram user's chat id.
UPDATE settings SET key = 'linked_chat', value = json_object('channel', 'telegram', 'chat', value) WHERE key = 'telegram_door';
