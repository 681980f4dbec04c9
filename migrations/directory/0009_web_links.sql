-- Short /web and /dashboard links: each token's link, stored under the token's HMAC (never the
-- token), read by the Worker to open the page. Expired rows are deleted when a new link is stored.
CREATE TABLE web_links (
  digest TEXT PRIMARY KEY,
  -- The PhoneAgent's Durable Object id (64 hex): the only object the link opens.
  object TEXT NOT NULL,
  scope TEXT NOT NULL CHECK (scope IN ('c', 'a', 'd')),
  -- 0 unless the scope is one conversation.
  conversation_id INTEGER NOT NULL,
  -- The phone's link epoch when it was sent: /web revoke moves it on, and the object refuses older ones.
  epoch INTEGER NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX web_links_by_expiry ON web_links (expires_at);
