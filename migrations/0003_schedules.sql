-- Scheduled tasks and their run log; task prompts travel through the same message queue.
CREATE TABLE schedules (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  spec_json TEXT NOT NULL,
  prompt TEXT NOT NULL,
  context TEXT NOT NULL CHECK (context IN ('fresh', 'chat')),
  status TEXT NOT NULL CHECK (status IN ('active', 'paused', 'completed')),
  next_run_at INTEGER,
  consecutive_failures INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX schedules_due ON schedules (status, next_run_at);

CREATE TABLE task_runs (
  id TEXT PRIMARY KEY,
  schedule_id INTEGER NOT NULL,
  due_at INTEGER NOT NULL,
  claimed_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
  cost_usd REAL NOT NULL DEFAULT 0,
  result_excerpt TEXT,
  error TEXT
);
CREATE INDEX task_runs_by_schedule ON task_runs (schedule_id, claimed_at);

-- 'user' messages come from WhatsApp; 'task' messages are claimed runs of a schedule.
ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'task_chat', 'task_fresh'));
-- A fresh-session run never reads or writes the user's conversation session.
ALTER TABLE runs ADD COLUMN context TEXT NOT NULL DEFAULT 'chat' CHECK (context IN ('chat', 'fresh'));
-- Free-form messages held until the user writes again (WhatsApp's 24-hour window).
ALTER TABLE outbox ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
