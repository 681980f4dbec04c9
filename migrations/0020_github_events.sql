-- GitHub's webhook deliveries to this user, each stored once by X-GitHub-Delivery (a redelivery
-- adds nothing), with what later events need of it: a check run's name and summary (read when
-- its suite completes), a review comment (read when its review is announced), a suite's result
-- (green after red). `detail` is JSON, parsed on read.
CREATE TABLE github_deliveries (
  delivery TEXT PRIMARY KEY,
  event TEXT NOT NULL,
  repo TEXT NOT NULL,
  -- The pull request or issue it is about, when any.
  number INTEGER,
  -- What groups it: a check run's head SHA, a review comment's review id; null otherwise.
  ref TEXT,
  detail TEXT,
  received_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX github_deliveries_ref ON github_deliveries (repo, event, ref);
-- The conversations whose pull requests' CI failures start a fix run by themselves (/autofix on).
CREATE TABLE github_autofix (
  conversation_id INTEGER PRIMARY KEY
);
