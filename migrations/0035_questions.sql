-- Every question the relay asks in a chat, as one kind of row (src/questions/): the capability that
-- asked it (kind, and its own key for it), the conversation it is about, the typed words and the
-- button payloads that answer it (JSON objects: each to the value its capability reads), and until
-- when. Written only by src/questions/questions-repo.ts. Closed rows stay a while, so that a late
-- tap on their buttons still names its question.
CREATE TABLE questions (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  ref TEXT NOT NULL,
  conversation_id INTEGER,
  words TEXT NOT NULL,
  buttons TEXT NOT NULL,
  -- Closed by the next message that does not answer it.
  next_message_only INTEGER NOT NULL DEFAULT 0,
  -- Void once a run of its conversation is live or started after it was asked.
  until_run INTEGER NOT NULL DEFAULT 0,
  asked_at INTEGER NOT NULL,
  -- Its words answer nothing after it; NULL: until it closes.
  expires_at INTEGER,
  closed_at INTEGER,
  UNIQUE (kind, ref)
);
CREATE INDEX questions_open ON questions (closed_at);

-- The questions open when this migration ran, from where each capability kept them, with the words
-- and buttons their builders give today (approvals/approvals.ts, changes/run-change.ts,
-- github/ship.ts, github/github-deliveries.ts, handoff/handoff.ts). An open "which file?" question
-- is not carried: it is answered by the next message only, which then goes to the agent as written.
INSERT INTO questions (kind, ref, conversation_id, words, buttons, asked_at)
  SELECT 'approval', CAST(id AS TEXT), conversation_id,
    json_object('yes', 'yes', 'no', 'no', 'always', 'always', 'yes all', 'yes all', 'no all', 'no all', 'always all', 'always all',
      'yes <n>', 'yes <n>', 'no <n>', 'no <n>', 'always <n>', 'always <n>'),
    json_object('approval:' || id || ':yes', 'yes', 'approval:' || id || ':no', 'no', 'approval:' || id || ':always', 'always'),
    created_at
  FROM approvals WHERE status = 'pending';
INSERT INTO questions (kind, ref, conversation_id, words, buttons, next_message_only, until_run, asked_at)
  SELECT 'undo', 'current', conversation_id, json_object('yes', 'yes', 'y', 'yes', 'no', 'no', 'n', 'no'),
    json_object('undo:yes', 'yes', 'undo:no', 'no'), 1, 1, asked_at
  FROM undo_question;
INSERT INTO questions (kind, ref, conversation_id, words, buttons, next_message_only, until_run, asked_at)
  SELECT 'ship', 'current', conversation_id, json_object('yes', 'yes', 'y', 'yes', 'ship', 'yes', 'no', 'no', 'n', 'no', 'cancel', 'no'),
    json_object('ship:yes', 'yes', 'ship:no', 'no'), 1, 1, asked_at
  FROM ship_question;
INSERT INTO questions (kind, ref, conversation_id, words, buttons, asked_at, expires_at)
  SELECT 'github_fix', delivery, NULL, json_object('fix it', 'fix'),
    json_object('gh-fix:' || delivery, 'fix', 'gh-later:' || delivery, 'later'), received_at, received_at + 86400000
  FROM github_deliveries WHERE json_extract(detail, '$.fix') IS NOT NULL;
INSERT OR IGNORE INTO questions (kind, ref, conversation_id, words, buttons, asked_at)
  SELECT 'handoff_away', CAST(conversation_id AS TEXT), conversation_id, json_object(),
    json_object('handoff:yes:' || conversation_id, 'yes', 'handoff:no:' || conversation_id, 'no'), asked_at
  FROM handoffs WHERE asked_at IS NOT NULL AND back_at IS NULL;
INSERT INTO questions (kind, ref, conversation_id, words, buttons, asked_at)
  SELECT 'handoff_conflict', substr(key, 18), CAST(substr(key, 18) AS INTEGER), json_object(),
    json_object('handoff:keep-laptop:' || substr(key, 18), 'laptop', 'handoff:keep-phone:' || substr(key, 18), 'phone'), 0
  FROM settings WHERE key LIKE 'handoff_conflict:%';
