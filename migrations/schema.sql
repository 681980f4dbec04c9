-- Written by scripts/fresh-schema.ts: what migrations 1-46 leave. Do not edit.
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
, conversation_id INTEGER NOT NULL DEFAULT 1, channel TEXT CHECK (channel IN ('whatsapp', 'telegram')), chat TEXT, origin_label TEXT, origin_repo TEXT, origin_trusted_at INTEGER);
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
CREATE TABLE "runs" (
  id TEXT PRIMARY KEY,
  vm_run_id TEXT NOT NULL,
  phase TEXT NOT NULL CHECK (phase IN ('waiting', 'streaming', 'finished')),
  vm_attempt INTEGER NOT NULL DEFAULT 1,
  transport_failures INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  session_id TEXT,
  fresh_retry_used INTEGER NOT NULL DEFAULT 0,
  last_seq INTEGER NOT NULL DEFAULT 0,
  results INTEGER NOT NULL DEFAULT 0,
  cost_usd REAL NOT NULL DEFAULT 0,
  outcome TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  context TEXT NOT NULL DEFAULT 'chat' CHECK (context IN ('chat', 'fresh'))
, conversation_id INTEGER NOT NULL DEFAULT 1, seed_transcript INTEGER NOT NULL DEFAULT 0, fork_session INTEGER NOT NULL DEFAULT 0, live_seq_floor INTEGER, tool_calls TEXT) WITHOUT ROWID;
CREATE INDEX runs_open ON runs (created_at) WHERE outcome IS NULL;
CREATE TABLE "outbox" (
  id INTEGER PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  content_sid TEXT,
  content_variables TEXT,
  status TEXT NOT NULL CHECK (status IN ('pending', 'sending', 'sent', 'delivered', 'read', 'failed', 'undelivered')),
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  error_code TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  held INTEGER NOT NULL DEFAULT 0
, conversation_id INTEGER, buttons TEXT, media TEXT, channel TEXT NOT NULL DEFAULT 'whatsapp' CHECK (channel IN ('whatsapp', 'telegram')), chat TEXT, sent_ref TEXT, send_started_at INTEGER);
CREATE INDEX outbox_due ON outbox (id) WHERE status IN ('pending', 'sending') AND held = 0;
CREATE INDEX outbox_held ON outbox (id) WHERE held = 1;
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
, approval_mode TEXT CHECK (approval_mode IN ('off', 'edits', 'on')), model TEXT, effort TEXT, plan_mode INTEGER NOT NULL DEFAULT 0, plan_next INTEGER NOT NULL DEFAULT 0);
CREATE TABLE spend_days (
  day TEXT NOT NULL,
  conversation_id INTEGER NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  turns INTEGER NOT NULL DEFAULT 0,
  unknown_runs INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, conversation_id)
) WITHOUT ROWID;
CREATE TABLE approvals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  vm_run_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  conversation_id INTEGER NOT NULL,
  number INTEGER NOT NULL,
  tool TEXT NOT NULL,
  description TEXT NOT NULL,
  rule TEXT,
  status TEXT NOT NULL DEFAULT 'pending',
  answer TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  decided_at INTEGER, reminders INTEGER NOT NULL DEFAULT 0, reminded_at INTEGER,
  UNIQUE (vm_run_id, request_id)
);
CREATE INDEX approvals_open ON approvals (expires_at) WHERE status = 'pending';
CREATE TABLE approval_rules (
  conversation_id INTEGER NOT NULL,
  rule TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, rule)
) WITHOUT ROWID;
CREATE TABLE "messages" (
  seq INTEGER PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'handed', 'answered', 'dropped', 'failed')),
  run_id TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  updated_at INTEGER NOT NULL,
  media_json TEXT NOT NULL DEFAULT '[]',
  kind TEXT NOT NULL DEFAULT 'user' CHECK (kind IN ('user', 'task_chat', 'task_fresh')),
  schedule_id INTEGER,
  conversation_id INTEGER NOT NULL DEFAULT 1,
  slash INTEGER NOT NULL DEFAULT 0,
  cuts INTEGER NOT NULL DEFAULT 0,
  handed_how TEXT CHECK (handed_how IN ('batch', 'inject'))
, channel TEXT NOT NULL DEFAULT 'whatsapp' CHECK (channel IN ('whatsapp', 'telegram')), chat TEXT, origin TEXT, event_label TEXT, event_repo TEXT, in_queue INTEGER DEFAULT 1);
CREATE TABLE vm_answers (
  vm_run_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('tool', 'approval')),
  ask_id TEXT NOT NULL,
  body TEXT NOT NULL,
  delivery TEXT NOT NULL DEFAULT 'due' CHECK (delivery IN ('due', 'done', 'late')),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (vm_run_id, kind, ask_id)
) WITHOUT ROWID;
CREATE INDEX vm_answers_due ON vm_answers (vm_run_id) WHERE delivery = 'due';
CREATE TABLE machine (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  machine_name TEXT NOT NULL,
  volume_name TEXT NOT NULL,
  volume_id TEXT,
  machine_id TEXT,
  region TEXT,
  state TEXT NOT NULL DEFAULT 'none' CHECK (state IN ('none', 'started', 'suspended', 'stopped', 'unknown')),
  intent TEXT CHECK (intent IN ('volume', 'machine')),
  image TEXT,
  vm_token TEXT,
  instance_id TEXT,
  used_at INTEGER,
  started_at INTEGER,
  cold_start_ms INTEGER,
  retired_at INTEGER,
  retry_at INTEGER,
  failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  volume_lost_at INTEGER,
  updated_at INTEGER NOT NULL
);
CREATE TABLE run_changes (
  vm_run_id TEXT PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  label TEXT NOT NULL,
  files TEXT NOT NULL,
  insertions INTEGER NOT NULL,
  deletions INTEGER NOT NULL,
  truncated INTEGER NOT NULL DEFAULT 0,
  diff_key TEXT,
  undone INTEGER NOT NULL DEFAULT 0,
  untold INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
, diff_html_key TEXT) WITHOUT ROWID;
CREATE INDEX run_changes_by_conversation ON run_changes (conversation_id, created_at);
CREATE TABLE stopped_chats (
  channel TEXT NOT NULL,
  chat TEXT NOT NULL,
  stopped_at INTEGER NOT NULL,
  detail TEXT,
  PRIMARY KEY (channel, chat)
);
CREATE TABLE triggers (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  conversation_id INTEGER NOT NULL,
  prompt TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  last_fired_at INTEGER,
  fire_count INTEGER NOT NULL DEFAULT 0
, door INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID;
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
CREATE TABLE github_deliveries (
  delivery TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  repo TEXT NOT NULL,
  number INTEGER,
  ref TEXT,
  detail TEXT,
  received_at INTEGER NOT NULL
, body_hash TEXT) WITHOUT ROWID;
CREATE INDEX github_deliveries_ref ON github_deliveries (repo, event, ref);
CREATE TABLE github_autofix (
  conversation_id INTEGER PRIMARY KEY
);
CREATE TABLE waiting_event_runs (
  event_id TEXT PRIMARY KEY,
  conversation TEXT NOT NULL,
  prompt TEXT NOT NULL,
  origin TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  public_origin TEXT NOT NULL,
  channel TEXT,
  chat TEXT,
  created_at INTEGER NOT NULL
, label TEXT, repo TEXT);
CREATE INDEX messages_event_run ON messages (run_id) WHERE event_label IS NOT NULL;
CREATE TABLE github_trust (
  repo TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX github_deliveries_body ON github_deliveries (body_hash) WHERE body_hash IS NOT NULL;
CREATE TABLE due_times (
  unit TEXT PRIMARY KEY,
  due_at INTEGER
) WITHOUT ROWID;
CREATE TABLE meanwhile_notes (
  id INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  text TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX meanwhile_notes_conversation ON meanwhile_notes (conversation_id, id);
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
CREATE TABLE handoffs (
  digest TEXT PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  direction TEXT NOT NULL CHECK (direction IN ('out', 'back', 'new')),
  new_name TEXT,
  epoch INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER,
  back_at INTEGER
) WITHOUT ROWID;
CREATE INDEX handoffs_by_conversation ON handoffs (conversation_id, used_at);
CREATE TABLE archive (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  status TEXT NOT NULL DEFAULT 'live' CHECK (status IN ('live', 'archiving', 'checked', 'archived', 'restoring', 'restored')),
  folder TEXT,
  parts_json TEXT,
  bytes INTEGER,
  archived_at INTEGER,
  restored_at INTEGER,
  retry_at INTEGER,
  failures INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  updated_at INTEGER NOT NULL
);
CREATE TABLE questions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  conversation_id INTEGER,
  words TEXT NOT NULL,
  buttons TEXT NOT NULL,
  next_message_only INTEGER NOT NULL DEFAULT 0,
  until_run INTEGER NOT NULL DEFAULT 0,
  asked_at INTEGER NOT NULL,
  expires_at INTEGER,
  closed_at INTEGER, detail TEXT,
  UNIQUE (kind, ref)
);
CREATE INDEX questions_open ON questions (closed_at);
CREATE TABLE spend_models (
  day TEXT NOT NULL,
  model TEXT NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (day, model)
) WITHOUT ROWID;
CREATE TABLE "settings" (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE "live_events" (
  seq INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  run_id TEXT NOT NULL,
  at INTEGER NOT NULL,
  body TEXT NOT NULL,
  source TEXT
);
CREATE INDEX messages_in_queue ON messages (seq) WHERE in_queue = 1;
INSERT INTO conversations (id, name, workspace, created_at, last_active_at)
  VALUES (1, 'main', 'main', CAST(strftime('%s', 'now') AS INTEGER) * 1000, CAST(strftime('%s', 'now') AS INTEGER) * 1000);
