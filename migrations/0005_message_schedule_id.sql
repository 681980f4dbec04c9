-- A task's message names its schedule in a column of its own (it was read back from the id,
-- `task-<scheduleId>-<dueAt>`). Existing task messages are filled from that id once, here.
ALTER TABLE messages ADD COLUMN schedule_id INTEGER;
UPDATE messages
  SET schedule_id = CAST(substr(id, 6, instr(substr(id, 6), '-') - 1) AS INTEGER)
  WHERE kind != 'user' AND id LIKE 'task-%-%';
