-- HTTP triggers this user made with /trigger add: what each one asks, in which conversation. The
-- token's hash and the id → object mapping live in the directory (migrations/directory/0002), which
-- the Worker asks first; a firing stores its run as a message `trigger-<id>-…` (its rate is counted
-- from those rows).
CREATE TABLE triggers (
  -- 32 hex digits, random: the last part of the trigger's URL.
  id TEXT PRIMARY KEY,
  -- 1-32 of [a-z0-9-], unique per user: what /trigger remove takes and /status shows.
  name TEXT NOT NULL UNIQUE,
  -- The conversation it runs in (by id, so a rename keeps it; a deleted one refuses firings).
  conversation_id INTEGER NOT NULL,
  prompt TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_fired_at INTEGER,
  fire_count INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
