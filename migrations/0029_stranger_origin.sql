-- Work that someone else's text started stays marked. A task made by a run that an event or a
-- trigger started keeps that origin (the event's label and, for GitHub, its repository, lower
-- case); it runs as that text's run would (quoted, every action asked) until the user trusts it
-- (`/schedule trust <n>`: origin_trusted_at) or the repository (`/github trust`). NULL origin:
-- the user's own task.
ALTER TABLE schedules ADD COLUMN origin_label TEXT;
ALTER TABLE schedules ADD COLUMN origin_repo TEXT;
ALTER TABLE schedules ADD COLUMN origin_trusted_at INTEGER;
-- A run of an event works in a fork of the conversation's session (`--fork-session`): its session
-- never becomes the conversation's.
ALTER TABLE runs ADD COLUMN fork_session INTEGER NOT NULL DEFAULT 0;
-- What runs in forked sessions did, one line each, for the conversation's next run of the user's
-- own (its first message is prefixed with them); removed once that run answered.
CREATE TABLE meanwhile_notes (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX meanwhile_notes_conversation ON meanwhile_notes (conversation_id, id);
