-- The outbox's sent_ref index goes (docs/notes/message-cost.md): every send that succeeded wrote
-- its entry, a row written a send. A status callback now finds its row by primary key (its URL
-- names the row's id, and the row's sent_ref is checked against the callback's MessageSid); a
-- quoted reply, rare, reads the outbox newest first and stops at the first match.
DROP INDEX outbox_by_sent_ref;
