-- The private page's live part (src/core/web-live.ts): what of each run's stream a page shows as it
-- happens, numbered by `seq` (never reused: a page that reconnects asks from its last number).
-- Written only by objects/db/live-events-repo.ts; the oldest are pruned with the runs.
CREATE TABLE live_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  -- A LiveBody (kind and text), read back with its zod schema.
  body TEXT NOT NULL,
  -- What it came from (`<vm run>:<seq>:<part>`): a stream read again after an eviction adds nothing twice. Null: the page's own.
  source TEXT UNIQUE
);
CREATE INDEX live_events_conversation ON live_events (conversation_id, seq);
