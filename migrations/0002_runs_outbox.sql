-- Agent runs (one row per batch of messages, across its dispatch attempts) and the durable
-- outbox of WhatsApp messages to the user. Media URLs of inbound messages, as a JSON array.
CREATE TABLE runs (
  id TEXT PRIMARY KEY,
  vm_run_id TEXT NOT NULL UNIQUE,
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
  updated_at INTEGER NOT NULL
);
CREATE INDEX runs_open ON runs (phase, created_at);

CREATE TABLE outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dedupe_key TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  content_sid TEXT,
  content_variables TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'undelivered')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  twilio_sid TEXT UNIQUE,
  error_code TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX outbox_due ON outbox (status, id);

ALTER TABLE messages ADD COLUMN media_json TEXT NOT NULL DEFAULT '[]';
