-- The life of a message (src/core/message-lifecycle.ts) in its own words: queued, handed (to a
-- run, batched or injected), answered; or dropped (/stop, /deny), or failed (named to the user).
-- `cuts` counts the runs cut off after handing it to the CLI: one is carried into the next run,
-- a second fails it, so no message reaches the CLI a third time. `handed_how`: whether the run
-- started with it (batch) or it joined the live session (inject): /stop names them apart.
-- SQLite cannot change a CHECK in place: the table is rebuilt with the same rows.
CREATE TABLE messages_next (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'handed', 'answered', 'dropped', 'failed')),
  run_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  media_json TEXT NOT NULL DEFAULT '[]',
  kind TEXT NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'task_chat', 'task_fresh')),
  schedule_id INTEGER,
  conversation_id INTEGER NOT NULL DEFAULT 1,
  slash INTEGER NOT NULL DEFAULT 0,
  cuts INTEGER NOT NULL DEFAULT 0,
  handed_how TEXT CHECK (handed_how IN ('batch', 'inject'))
);
INSERT INTO messages_next (seq, id, body, received_at, status, run_id, attempts, updated_at, media_json, kind, schedule_id, conversation_id, slash, handed_how)
  SELECT seq, id, body, received_at,
    CASE status WHEN 'dispatched' THEN 'handed' WHEN 'done' THEN 'answered' ELSE status END,
    run_id, attempts, updated_at, media_json, kind, schedule_id, conversation_id, slash,
    CASE status WHEN 'dispatched' THEN 'batch' END FROM messages;
DROP TABLE messages;
ALTER TABLE messages_next RENAME TO messages;
-- The rows still in play: the queue, and what runs hold. Later changes to ended rows touch no index.
CREATE INDEX messages_pending ON messages (seq) WHERE status IN ('queued', 'handed');
