-- The user's archive in R2 (ARCHIVE_AFTER_DAYS): one row, written only by the archive unit
-- (src/objects/units/archive.ts). Its status moves live → archiving → checked → archived →
-- restoring → restored → live (core/archive-plan.ts).
CREATE TABLE archive (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  status TEXT NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'archiving', 'checked', 'archived', 'restoring', 'restored')),
  -- The archive's folder in R2 (under the hash of the user's name) and when it began.
  folder TEXT,
  -- The parts as the VM declared them and the manifest lists them: [{name, bytes, sha256}].
  parts_json TEXT,
  bytes INTEGER,
  archived_at INTEGER,
  restored_at INTEGER,
  -- A chore that failed, or was begun and cut off (the retry is written before each attempt): tried again then.
  retry_at INTEGER,
  failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  updated_at INTEGER NOT NULL
);
