-- What each run changed in its conversation's workspace (the VM's `change` on its terminal event):
-- the files with their line counts, and where its unified diff is kept in R2 (`diff_key`, set
-- once the write is done; the diff itself is never in SQLite). `undone`: taken back by /undo (and
-- put back by /redo). Rows live as long as their conversation: /diff and /undo read them, and
-- deleting the conversation deletes them with their R2 objects.
CREATE TABLE run_changes (
  vm_run_id TEXT PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  -- How the user knows the run: the start of the message it answered.
  label TEXT NOT NULL,
  files TEXT NOT NULL,
  insertions INTEGER NOT NULL,
  deletions INTEGER NOT NULL,
  truncated INTEGER NOT NULL DEFAULT 0,
  diff_key TEXT,
  undone INTEGER NOT NULL DEFAULT 0,
  -- Undone, and the agent not told yet: its next run's first message carries a note.
  untold INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX run_changes_by_conversation ON run_changes (conversation_id, created_at);

-- The one open /undo question of the phone: answered by the next message only (yes or no), and
-- void once a run starts after it (core/run-change.ts undoQuestionOpen).
CREATE TABLE undo_question (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  conversation_id INTEGER NOT NULL,
  vm_run_id TEXT NOT NULL,
  asked_at INTEGER NOT NULL
);
