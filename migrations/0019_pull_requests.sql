-- The pull requests /ship opened (or adopted) for a conversation: the relay's own record of which
-- pull requests are its, read by the GitHub webhook to tell CI and reviews back. At most one open
-- per conversation; a closed or merged one keeps its branch out of later /ships.
CREATE TABLE pull_requests (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  repo TEXT NOT NULL,
  number INTEGER NOT NULL,
  branch TEXT NOT NULL,
  url TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('open', 'closed', 'merged')),
  head_sha TEXT,
  shipped_at INTEGER NOT NULL,
  autofix_count INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX pull_requests_by_number ON pull_requests (repo, number);
CREATE INDEX pull_requests_by_conversation ON pull_requests (conversation_id, state);
-- The open /ship question (asked with buttons, like /undo's): what a yes ships.
CREATE TABLE ship_question (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  conversation_id INTEGER NOT NULL,
  title TEXT,
  asked_at INTEGER NOT NULL
);
