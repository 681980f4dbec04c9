-- Whether the user was asked "go on here?" while a conversation is on the laptop is read from the
-- question itself (questions/, kind 'handoff_away', asked at or after the conversation went away):
-- one record of each question. A conversation away now whose user was asked before the question was
-- a row keeps that as a closed question, so the next message does not ask again.
INSERT INTO questions (kind, ref, conversation_id, words, buttons, asked_at, closed_at)
  SELECT 'handoff_away', CAST(h.conversation_id AS TEXT), h.conversation_id, '{}', '{}', max(h.asked_at), max(h.asked_at)
    FROM handoffs AS h
    WHERE h.direction = 'out' AND h.used_at IS NOT NULL AND h.back_at IS NULL AND h.asked_at IS NOT NULL
    GROUP BY h.conversation_id
  ON CONFLICT (kind, ref) DO NOTHING;
ALTER TABLE handoffs DROP COLUMN asked_at;
