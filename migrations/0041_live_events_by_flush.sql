-- A run's live events written one row per flush (docs/notes/message-cost.md): a row holds the
-- events one step of the run's stream adds (its body a LiveBody, or a JSON array of them), keyed
-- by the number of its last event, so the page's numbering is as before (one number an event).
--
-- `source` is kept only where the run's stored seq does not already keep a stream's event from
-- being shown twice (a run's start, a progress line): its unique index is partial, so the other
-- rows write no index entry. Every row moves as it is.
CREATE TABLE live_events_next (
  -- The number of the row's last event; its events are numbered up to it, one each.
  seq INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  -- A LiveBody (kind and text), or a JSON array of them, read back with its zod schema.
  body TEXT NOT NULL,
  -- What it came from (`<vm run>:<seq>:<part>`, `<run>:start`): a stream read again after an eviction adds nothing twice. Null: kept from showing twice otherwise (the run's stored seq), or the page's own.
  source TEXT
);
INSERT INTO live_events_next (seq, conversation_id, run_id, at, body, source) SELECT seq, conversation_id, run_id, at, body, source FROM live_events;
DROP TABLE live_events;
ALTER TABLE live_events_next RENAME TO live_events;
CREATE UNIQUE INDEX live_events_source ON live_events (source) WHERE source IS NOT NULL;
