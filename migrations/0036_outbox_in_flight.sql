-- A send in flight: written as the call to the channel starts (status 'sending', the column the
-- schema has had since 0002), so an instance that dies before the channel's answer is stored
-- leaves a row that says it may have gone. The next attempt looks it up in the channel's own
-- record before sending it again (src/outbox/outbox-channel-send.ts). `send_started_at`: when the
-- first attempt not yet settled began; NULL for any row not in flight.
ALTER TABLE outbox ADD COLUMN send_started_at INTEGER;
