-- Each unit that can keep its next due time writes it here as it writes the rows that change it
-- (src/objects/db/due-times-repo.ts), so planning the alarm reads this one small table instead of
-- every unit's. A row only while the unit has something due. Filled from the rows already kept.
CREATE TABLE due_times (
  unit TEXT PRIMARY KEY,
  due_at INTEGER
) WITHOUT ROWID;
INSERT INTO due_times (unit, due_at)
  SELECT 'schedules', min(next_run_at) FROM schedules WHERE status = 'active' HAVING min(next_run_at) IS NOT NULL;
INSERT INTO due_times (unit, due_at)
  SELECT 'approvals', min(expires_at) FROM approvals WHERE status = 'pending' HAVING min(expires_at) IS NOT NULL;
-- A clone counts as dead 10 minutes after it started (CLONE_DEADLINE_MS).
INSERT INTO due_times (unit, due_at)
  SELECT 'conversations', min(created_at) + 600000 FROM conversations WHERE status = 'cloning' HAVING min(created_at) IS NOT NULL;
INSERT INTO due_times (unit, due_at)
  SELECT 'outbox', min(next_attempt_at) FROM (
    SELECT next_attempt_at FROM (SELECT next_attempt_at FROM outbox WHERE status IN ('pending', 'sending') AND held = 0 ORDER BY id LIMIT 1)
    UNION ALL SELECT next_attempt_at FROM outbox WHERE (status IN ('pending', 'sending') AND held = 0 OR held = 1) AND media IS NOT NULL
      AND json_extract(media, '$.stored') IS NOT 1 AND json_extract(media, '$.failed') IS NOT 1
  ) HAVING min(next_attempt_at) IS NOT NULL;
