-- /handoff's codes, each for one conversation (or, /handoff new, for one to be made): stored under the code's HMAC (never the code), with
-- the link epoch it was made under (/web revoke ends it), when it stops working and when its data
-- was downloaded (once only). A conversation whose newest used code has no `back_at` is on the laptop.
CREATE TABLE handoffs (
  digest TEXT PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  -- 'out': the conversation to the laptop (its data downloaded); 'back': the laptop's work sent back;
  -- 'new': a laptop's repository and session into a new conversation `new_name` (conversation_id 0 until then).
  direction TEXT NOT NULL CHECK (direction IN ('out', 'back', 'new')),
  new_name TEXT,
  epoch INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  -- A message came for the conversation while it was on the laptop: the user was asked whether to go on here.
  asked_at INTEGER,
  -- The conversation went on here since (the user said so, or it came back).
  back_at INTEGER
) WITHOUT ROWID;
CREATE INDEX handoffs_by_conversation ON handoffs (conversation_id, used_at);
