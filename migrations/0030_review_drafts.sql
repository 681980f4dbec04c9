-- A draft review made on the private page: comments on lines of a conversation's changes, kept
-- until "Send review" sends them to the agent as one message. One draft per conversation at a
-- time: its comments share `draft_id`, which names the message it is sent as (`review-<draft_id>`),
-- so a second tap on "Send review" finds the draft already sent.
CREATE TABLE review_comments (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  conversation_id INTEGER NOT NULL,
  draft_id TEXT NOT NULL,
  vm_run_id TEXT NOT NULL,
  file TEXT NOT NULL,
  side TEXT NOT NULL,
  line INTEGER,
  line_text TEXT NOT NULL,
  body TEXT NOT NULL,
  change_label TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX review_comments_conversation ON review_comments (conversation_id, id);
