-- The pull requests the relay opened (/ship), one row per pull request: which conversation's
-- work it is, where it lives, and what GitHub last said of it. GitHub's events about any other
-- pull request are stored as seen and ignored.
CREATE TABLE pull_requests (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  -- owner/name, as GitHub spells it (matched case-insensitively).
  repo TEXT NOT NULL,
  number INTEGER NOT NULL,
  branch TEXT NOT NULL,
  url TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed', 'merged')),
  head_sha TEXT,
  -- Fix runs /autofix started for it (at most 3).
  autofix_count INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX pull_requests_repo_number ON pull_requests (repo COLLATE NOCASE, number);
CREATE INDEX pull_requests_conversation ON pull_requests (conversation_id);
