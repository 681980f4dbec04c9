-- The GitHub repositories whose webhooks the relay takes (/github watch): which user's object
-- they go to, and the webhook's secret. One user per repository. The secret is stored as given
-- (checking an HMAC needs it); it is shown once, at /github watch, and never logged.
CREATE TABLE github_watches (
  -- owner/name in lower case (GitHub's names are case-insensitive).
  repo TEXT PRIMARY KEY,
  -- The name of the PhoneAgent object that watches it.
  home TEXT NOT NULL,
  secret TEXT NOT NULL,
  created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX github_watches_home ON github_watches (home);
