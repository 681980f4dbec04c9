-- Fewer rows written a message (docs/notes/message-cost.md). Each index entry a write touches is
-- a row billed, and these two tables are written on every run.
--
-- live_events: numbered by its rowid without AUTOINCREMENT (whose counter row was one more write
-- per event), and without the per-conversation index (a page's catch-up reads the events after
-- the number it names, by seq, and filters them by conversation). Numbers still only grow: the
-- prune keeps the newest event, so the next rowid is always past every number a page has seen.
CREATE TABLE live_events_next (
  seq INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  -- A LiveBody (kind and text), read back with its zod schema.
  body TEXT NOT NULL,
  -- What it came from (`<vm run>:<seq>:<part>`): a stream read again after an eviction adds nothing twice. Null: the page's own.
  source TEXT UNIQUE
);
INSERT INTO live_events_next (seq, conversation_id, run_id, at, body, source) SELECT seq, conversation_id, run_id, at, body, source FROM live_events;
DROP TABLE live_events;
ALTER TABLE live_events_next RENAME TO live_events;

-- run_tool_calls: keyed by run, then VM run, so the page's read by run needs no index of its own
-- (one row a run instead of two). A VM run belongs to one run: the key is as unique as before.
CREATE TABLE run_tool_calls_next (
  run_id TEXT NOT NULL,
  vm_run_id TEXT NOT NULL,
  calls TEXT NOT NULL,
  more INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (run_id, vm_run_id)
) WITHOUT ROWID;
INSERT INTO run_tool_calls_next (run_id, vm_run_id, calls, more, created_at) SELECT run_id, vm_run_id, calls, more, created_at FROM run_tool_calls;
DROP TABLE run_tool_calls;
ALTER TABLE run_tool_calls_next RENAME TO run_tool_calls;

-- The outbox's due time is read from its own rows now (src/outbox/outbox-repo.ts), not kept here.
DELETE FROM due_times WHERE unit = 'outbox';

-- settings: keyed by its key alone (WITHOUT ROWID), so a key's first write is one row, not the row
-- and its key's index: a phone's first message wrote four rows here.
CREATE TABLE settings_next (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
INSERT INTO settings_next (key, value) SELECT key, value FROM settings;
DROP TABLE settings;
ALTER TABLE settings_next RENAME TO settings;
