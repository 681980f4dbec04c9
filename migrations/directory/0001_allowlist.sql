-- The runtime allowlist, kept by the one UserDirectory object (its own database, its own
-- numbering: see docs/relay.md "The directory"). One row per number an admin has allowed or
-- denied; ALLOWED_SENDERS and ADMIN_SENDERS are configuration and are never stored here.
CREATE TABLE allowlist (
  phone TEXT PRIMARY KEY,
  -- 1 allowed (/allow), 0 denied (/deny after an /allow): the Worker lets through the 1s only.
  allowed INTEGER NOT NULL,
  -- The admin who last changed it, and when.
  changed_by TEXT NOT NULL,
  changed_at INTEGER NOT NULL
) WITHOUT ROWID;
