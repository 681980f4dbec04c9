-- A send in flight: `send_started_at` is written as the call to the channel starts, so an instance
-- that dies before the channel's answer is stored leaves a row that says it may have gone. The next
-- attempt looks it up in the channel's own record before sending it again
-- (src/outbox/outbox-channel-send.ts). It is when the first attempt not yet settled began; NULL for
-- any row not in flight. The status is left as it is (`pending`): no index reads this column, so
-- the mark is one row written.
ALTER TABLE outbox ADD COLUMN send_started_at INTEGER;
