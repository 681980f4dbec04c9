-- Approvals from the phone (docs/relay.md, "Approvals").
-- A conversation's mode: off | edits | on. NULL follows APPROVALS_DEFAULT. Conversations of a user
-- who already used the relay keep today's behaviour ('off') until they change it, so an upgrade
-- changes nothing silently; a brand-new object (no message, no origin yet) starts with the default.
ALTER TABLE conversations ADD COLUMN approval_mode TEXT CHECK (approval_mode IN ('off', 'edits', 'on'));
UPDATE conversations SET approval_mode = 'off'
  WHERE EXISTS (SELECT 1 FROM messages) OR EXISTS (SELECT 1 FROM settings WHERE key = 'public_origin');

-- One row per question of the agent (an approval_request event), kept for /approvals log.
-- AUTOINCREMENT: a button's payload names its prompt by id, so an id is never used twice, even
-- after old rows are pruned (a stale tap must not answer a newer prompt).
CREATE TABLE approvals (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id TEXT NOT NULL,
  vm_run_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  conversation_id INTEGER NOT NULL,
  -- What the user is shown to answer with (`yes 2`) while more than one is open.
  number INTEGER NOT NULL,
  tool TEXT NOT NULL,
  description TEXT NOT NULL,
  -- What "always" remembers (Claude Code's format), or NULL when no rule can say it.
  rule TEXT,
  -- pending, then allowed | denied | expired (no answer in time) | stopped (/stop) | ended (the run ended first)
  status TEXT NOT NULL DEFAULT 'pending',
  -- yes | no | always, or NULL when nobody answered
  answer TEXT,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  decided_at INTEGER,
  -- The VM must hear the decision: due until it has (or the run is gone: late).
  delivery TEXT NOT NULL DEFAULT 'none' CHECK (delivery IN ('none', 'due', 'done', 'late')),
  UNIQUE (vm_run_id, request_id)
);
CREATE INDEX approvals_open ON approvals (expires_at) WHERE status = 'pending';
CREATE INDEX approvals_undelivered ON approvals (vm_run_id) WHERE delivery = 'due';

-- What "always" remembered per conversation (the VM keeps the rules themselves in the project's
-- .claude/settings.local.json): what /approvals shows and /approvals forget clears.
CREATE TABLE approval_rules (
  conversation_id INTEGER NOT NULL,
  rule TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, rule)
) WITHOUT ROWID;

-- A prompt's quick-reply buttons ([{title, id}] as JSON): sent through the Content API when there.
ALTER TABLE outbox ADD COLUMN buttons TEXT;
