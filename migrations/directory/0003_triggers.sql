-- HTTP triggers, by their random id: the object that owns each (a phone's PhoneAgent, by name)
-- and the SHA-256 of its token (the token itself is shown once and never stored). The Worker
-- finds a firing's object here; the trigger's prompt and counts live in that object.
CREATE TABLE triggers (
  id TEXT PRIMARY KEY,
  home TEXT NOT NULL,
  name TEXT NOT NULL,
  token_sha256 TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
