-- What the private page shows of each run beyond its row in `runs`.
-- run_tool_calls: the CLI's tool calls of one VM run, as its terminal event carried them (the
-- first 100, name and short input, the VM's secrets redacted; `more` counts the rest). One row per
-- VM run that ended with a terminal event, so a run cut off without one has none ("not recorded").
-- Pruned with the run: rows whose run is gone are deleted when finished runs are.
CREATE TABLE run_tool_calls (
  vm_run_id TEXT PRIMARY KEY,
  run_id TEXT NOT NULL,
  calls TEXT NOT NULL,
  more INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX run_tool_calls_by_run ON run_tool_calls (run_id);

-- The change's diff drawn as HTML by the VM (diff2html), kept in R2 next to the diff and for as
-- long: set once written, deleted with the diff when the change is pruned or its conversation deleted.
ALTER TABLE run_changes ADD COLUMN diff_html_key TEXT;
