-- A message's place in the open queue kept in a column of its own (docs/notes/message-cost.md):
-- `in_queue` is 1 while the message is queued or handed to a run, NULL once it is at its end. The
-- open queue's partial index reads it instead of `status`: SQLite rewrites a partial index's entry
-- whenever an UPDATE names a column its WHERE reads, so the hand (queued -> handed, naming `status`
-- alone) wrote the row and the index entry, 2 rows, and now writes the row alone. A move to an end
-- names `in_queue` (the entry leaves the index); a message stored is in the queue (the default).
ALTER TABLE messages ADD COLUMN in_queue INTEGER DEFAULT 1;
UPDATE messages SET in_queue = NULL WHERE status NOT IN ('queued', 'handed');
DROP INDEX messages_pending;
CREATE INDEX messages_in_queue ON messages (seq) WHERE in_queue = 1;
