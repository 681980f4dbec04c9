-- Text from GitHub is data: a message an event stored names the event for the run's replies
-- (`acme/api#12 issue`) and the repository whose `/github trust` lets its run keep the
-- conversation's approval mode (null: a trigger, whose run always asks). A waiting run keeps both.
ALTER TABLE messages ADD COLUMN event_label TEXT;
ALTER TABLE messages ADD COLUMN event_repo TEXT;
-- A run's events, read when it starts, asks, tells progress and replies: only event messages are in it.
CREATE INDEX messages_event_run ON messages (run_id) WHERE event_label IS NOT NULL;
ALTER TABLE waiting_event_runs ADD COLUMN label TEXT;
ALTER TABLE waiting_event_runs ADD COLUMN repo TEXT;
-- The repositories whose events run in the conversation's approval mode (`/github trust`), lower case.
CREATE TABLE github_trust (
  repo TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
-- GitHub signs the body only: a signed body replayed under a new X-GitHub-Delivery is the same
-- delivery. Its SHA-256 (hex) is kept with it, for as long as the delivery is (30 days).
ALTER TABLE github_deliveries ADD COLUMN body_hash TEXT;
CREATE INDEX github_deliveries_body ON github_deliveries (body_hash) WHERE body_hash IS NOT NULL;
