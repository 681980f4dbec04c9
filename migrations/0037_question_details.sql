-- One record of each question: what an answer acts on moves onto the question's own row
-- (`detail`, JSON its capability writes and parses), and the capabilities' copies go. Until now
-- /undo's and /ship's questions were also rows of `undo_question` and `ship_question`, "which
-- file?" the setting `review_question`, and the hand-off's "keep which side?" a setting
-- `handoff_conflict:<conversation id>`; two records of one question disagreed when only one was
-- closed (a /ship answered closed `ship_question` and left its `questions` row open, so the next
-- message was told it had not answered it). Written only by src/questions/questions-repo.ts.
ALTER TABLE questions ADD COLUMN detail TEXT;

-- An open question whose capability's copy is there carries it over; one whose copy is gone was
-- answered already (the bug above), and closes.
UPDATE questions SET detail = (SELECT json_object('vmRunId', vm_run_id) FROM undo_question WHERE id = 1)
  WHERE kind = 'undo' AND ref = 'current' AND closed_at IS NULL;
UPDATE questions SET detail = (SELECT json_object('title', title, 'preview', json(preview)) FROM ship_question WHERE id = 1)
  WHERE kind = 'ship' AND ref = 'current' AND closed_at IS NULL;
UPDATE questions SET detail = (SELECT value FROM settings WHERE key = 'review_question')
  WHERE kind = 'review_file' AND closed_at IS NULL
    AND ref = (SELECT CAST(json_extract(value, '$.id') AS TEXT) FROM settings WHERE key = 'review_question');
UPDATE questions SET detail = (SELECT value FROM settings WHERE key = 'handoff_conflict:' || questions.ref)
  WHERE kind = 'handoff_conflict' AND closed_at IS NULL;
UPDATE questions SET closed_at = asked_at
  WHERE closed_at IS NULL AND detail IS NULL AND kind IN ('undo', 'ship', 'review_file', 'handoff_conflict');

DROP TABLE undo_question;
DROP TABLE ship_question;
DELETE FROM settings WHERE key = 'review_question' OR key LIKE 'handoff\_conflict:%' ESCAPE '\';
