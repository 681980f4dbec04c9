-- /handoff's codes: each code's HMAC → the PhoneAgent (its Durable Object id) whose conversation it
-- hands off, read by the Worker's /h/<code> route. The object decides the rest (used, revoked).
-- Expired rows are deleted when a new code is stored.
CREATE TABLE handoff_codes (
  digest TEXT PRIMARY KEY,
  object TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
