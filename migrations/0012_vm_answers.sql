-- Answers owed to a VM run, one mechanism for both kinds the VM waits on: the relay's answers to
-- the agent's tool calls (`tool`, body: the tool-result request) and the user's decisions on its
-- approval requests (`approval`, body: the approval request). Stored in the transaction that
-- decides them; posted to the VM while the run's stream is read; `done` once the VM took it,
-- `late` once it said it no longer waits (or its run ended first).
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

INSERT INTO vm_answers (vm_run_id, kind, ask_id, body, delivery, created_at)
  SELECT vm_run_id, 'tool', call_id, json_object('callId', call_id, 'ok', json(CASE ok WHEN 1 THEN 'true' ELSE 'false' END), 'text', text),
    CASE answered WHEN 1 THEN 'done' ELSE 'due' END, created_at FROM tool_calls;
DROP TABLE tool_calls;

-- Decisions made before this migration keep their delivery state; their body is rebuilt as the
-- relay sends it (docs/protocol.md, approval).
INSERT INTO vm_answers (vm_run_id, kind, ask_id, body, delivery, created_at)
  SELECT vm_run_id, 'approval', request_id,
    json_object('requestId', request_id, 'decision', CASE status WHEN 'allowed' THEN 'allow' ELSE 'deny' END),
    delivery, coalesce(decided_at, created_at) FROM approvals WHERE delivery != 'none';
DROP INDEX approvals_undelivered;
ALTER TABLE approvals DROP COLUMN delivery;
