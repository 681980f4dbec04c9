-- Reminders of an unanswered approval prompt (core/approval-reminders.ts): how many it had and
-- when the last went, so they widen and survive an eviction. Written only by the approvals unit.
ALTER TABLE approvals ADD COLUMN reminders INTEGER NOT NULL DEFAULT 0;
ALTER TABLE approvals ADD COLUMN reminded_at INTEGER;
