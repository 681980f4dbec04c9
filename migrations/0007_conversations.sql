-- Conversations: several named sessions per user, each with its own project directory
-- (`workspace`, the VM's id for it, stable across renames) and its own Claude Code session.
-- Its turns and cost are in spend_days (0008), written once per answer with the day's spend.
CREATE TABLE conversations (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE COLLATE NOCASE,
  workspace TEXT NOT NULL UNIQUE,
  session_id TEXT,
  repo_url TEXT,
  branch TEXT,
  status TEXT NOT NULL DEFAULT 'ready' CHECK (status IN ('ready', 'cloning')),
  deep_until INTEGER,
  created_at INTEGER NOT NULL,
  last_active_at INTEGER NOT NULL
);
-- Today's single session becomes 'main', in the workspace the VM has always used for it.
INSERT INTO conversations (id, name, workspace, session_id, created_at, last_active_at)
  VALUES (1, 'main', 'main', (SELECT value FROM settings WHERE key = 'session_id'),
    CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
DELETE FROM settings WHERE key = 'session_id';

-- Everything queued, run or scheduled so far was the one conversation's.
ALTER TABLE messages ADD COLUMN conversation_id INTEGER NOT NULL DEFAULT 1;
-- A Claude Code slash command for the agent: it starts a run of its own.
ALTER TABLE messages ADD COLUMN slash INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN conversation_id INTEGER NOT NULL DEFAULT 1;
-- The session was lost: the fresh one starts with the conversation's last exchanges.
ALTER TABLE runs ADD COLUMN seed_transcript INTEGER NOT NULL DEFAULT 0;
ALTER TABLE schedules ADD COLUMN conversation_id INTEGER NOT NULL DEFAULT 1;
-- Set on the agent's replies (not on the relay's own notices): the transcript reads them.
ALTER TABLE outbox ADD COLUMN conversation_id INTEGER;
