-- Fewer rows written per message (each is a billed disk write). The three hot tables are
-- rebuilt with the same columns and data:
-- - no AUTOINCREMENT: it writes sqlite_sequence on every insert. A new row still gets the
--   highest id plus one, and rows that wait (queued, pending) are never pruned, so order holds.
-- - partial indexes over the rows still in play only: once a row is done, later changes to it
--   (delivered, read; done) touch no index.
-- - runs is keyed by its id alone (WITHOUT ROWID), with no separate unique index on vm_run_id.
CREATE TABLE messages_next (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'dispatched', 'done', 'failed')),
  run_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  media_json TEXT NOT NULL DEFAULT '[]',
  kind TEXT NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'task_chat', 'task_fresh')),
  schedule_id INTEGER
);
INSERT INTO messages_next (seq, id, body, received_at, status, run_id, attempts, updated_at, media_json, kind, schedule_id)
  SELECT seq, id, body, received_at, status, run_id, attempts, updated_at, media_json, kind, schedule_id FROM messages;
DROP TABLE messages;
ALTER TABLE messages_next RENAME TO messages;
CREATE INDEX messages_queued ON messages (seq) WHERE status = 'queued';

CREATE TABLE runs_next (
  id TEXT PRIMARY KEY,
  vm_run_id TEXT NOT NULL,
  phase TEXT NOT NULL CHECK (phase IN ('waiting', 'streaming', 'finished')),
  vm_attempt INTEGER NOT NULL DEFAULT 1,
  transport_failures INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  session_id TEXT,
  fresh_retry_used INTEGER NOT NULL DEFAULT 0,
  last_seq INTEGER NOT NULL DEFAULT 0,
  results INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  outcome TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  context TEXT NOT NULL DEFAULT 'chat' CHECK (context IN ('chat', 'fresh'))
) WITHOUT ROWID;
INSERT INTO runs_next SELECT id, vm_run_id, phase, vm_attempt, transport_failures, next_attempt_at, session_id,
  fresh_retry_used, last_seq, results, cost_usd, outcome, created_at, updated_at, context FROM runs;
DROP TABLE runs;
ALTER TABLE runs_next RENAME TO runs;
-- A run is open until it has an outcome (set with phase 'finished', and only then).
CREATE INDEX runs_open ON runs (created_at) WHERE outcome IS NULL;

CREATE TABLE outbox_next (
  id INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  content_sid TEXT,
  content_variables TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'undelivered')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  twilio_sid TEXT,
  error_code TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  held INTEGER NOT NULL DEFAULT 0
);
INSERT INTO outbox_next SELECT id, dedupe_key, body, content_sid, content_variables, status, attempts, next_attempt_at,
  twilio_sid, error_code, created_at, updated_at, held FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_next RENAME TO outbox;
CREATE INDEX outbox_due ON outbox (id) WHERE status IN ('pending', 'sending') AND held = 0;
CREATE INDEX outbox_held ON outbox (id) WHERE held = 1;
CREATE UNIQUE INDEX outbox_by_twilio_sid ON outbox (twilio_sid) WHERE twilio_sid IS NOT NULL;

-- Now read from where they live: the phone is the object's name, the last inbound message is in
-- messages, the alarm's time is the platform's own; last_activity_at was never read.
DELETE FROM settings WHERE key IN ('phone', 'last_inbound_at', 'last_inbound_sid', 'alarm_at', 'last_activity_at');
