-- A sent message's id on its channel is kept in one column for every channel: WhatsApp's SIDs
-- move into sent_ref (where Telegram's message ids already are), and the column named for the
-- provider goes. Delivery reports find their message by it, hence the index (not unique: an
-- edited progress update keeps the id of the message it rewrote).
UPDATE outbox SET sent_ref = twilio_sid WHERE twilio_sid IS NOT NULL;
DROP INDEX outbox_by_twilio_sid;
ALTER TABLE outbox DROP COLUMN twilio_sid;
CREATE INDEX outbox_by_sent_ref ON outbox (sent_ref) WHERE sent_ref IS NOT NULL;
