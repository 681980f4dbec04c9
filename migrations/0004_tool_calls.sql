-- The relay's answers to the agent's tool calls. A call is applied once, with its answer, in the
-- transaction that records its event; an answer not yet delivered (the object died first) is
-- sent again when the run's stream is reopened.
CREATE TABLE tool_calls (
  call_id TEXT NOT NULL,
  vm_run_id TEXT NOT NULL,
  ok INTEGER NOT NULL,
  text TEXT NOT NULL,
  answered INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (vm_run_id, call_id)
) WITHOUT ROWID;
