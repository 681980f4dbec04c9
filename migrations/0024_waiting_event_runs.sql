-- An event's run (a GitHub event, a "Fix it") that waits for its conversation's clone: kept here,
-- not in memory, so an instance that dies during the clone loses nothing. Started (or refused and
-- the user told) once the conversation is no longer cloning: ready, or gone with a failed clone.
CREATE TABLE waiting_event_runs (
  event_id TEXT PRIMARY KEY,
  conversation TEXT NOT NULL,
  prompt TEXT NOT NULL,
  origin TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  public_origin TEXT NOT NULL,
  -- Where the user hears of it; null: the chat they last wrote from.
  channel TEXT,
  chat TEXT,
  created_at INTEGER NOT NULL
);
