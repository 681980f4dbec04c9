-- A run's tool calls kept in its own row (docs/notes/message-cost.md, issue 84): run_tool_calls
-- wrote one row for each VM run that ended, where the run's row is written in that same step anyway
-- (runs/run-effects.ts). `tool_calls` holds a JSON list, one entry per VM run that ended with a
-- terminal event, in order: {"vmRunId", "calls", "more"}; NULL: none ended yet (the page shows the
-- calls as not recorded). The rows kept are moved as they are, in the order the page read them
-- (created_at, vm_run_id); a row's `calls` that is not JSON is moved as text, which the page's read
-- refuses (runs/run-tool-calls.ts): it shows as not recorded, never as data it is not.
ALTER TABLE runs ADD COLUMN tool_calls TEXT;
UPDATE runs SET tool_calls = (
  SELECT json_group_array(json_object('vmRunId', kept.vm_run_id, 'calls', CASE WHEN json_valid(kept.calls) THEN json(kept.calls) ELSE kept.calls END, 'more', kept.more))
  FROM (SELECT vm_run_id, calls, more FROM run_tool_calls WHERE run_id = runs.id ORDER BY created_at, vm_run_id) AS kept)
WHERE id IN (SELECT run_id FROM run_tool_calls);
DROP TABLE run_tool_calls;
