-- Where a message came from: the chat app and chat it was written in (a reply goes back there),
-- and, for a run started by an event rather than by the user writing (a GitHub event, an HTTP
-- trigger), what started it. Existing rows are the user's WhatsApp messages to this object's phone.
ALTER TABLE messages ADD COLUMN channel TEXT NOT NULL DEFAULT 'whatsapp' CHECK (channel IN ('whatsapp', 'telegram'));
-- The chat's address on that app; null: the object's own phone (WhatsApp).
ALTER TABLE messages ADD COLUMN chat TEXT;
-- Null: the user wrote it. Otherwise a short name of the event, as /status and the run log show it.
ALTER TABLE messages ADD COLUMN origin TEXT;
