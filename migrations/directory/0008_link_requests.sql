-- A redeemed /link code no longer joins two chats at once: it opens a request, both chats are asked
-- (each told the other's app and account), and the link is made only once both said /link yes
-- before expires_at. One request per chat: a newer one replaces it. Made by decideLink, read by
-- answerLinkRequest (src/core/link-doors.ts).
CREATE TABLE link_requests (
  code TEXT PRIMARY KEY,
  issuer_channel TEXT NOT NULL,
  issuer_chat TEXT NOT NULL,
  issuer_home TEXT NOT NULL,
  issuer_ok INTEGER NOT NULL DEFAULT 0,
  redeemer_channel TEXT NOT NULL,
  redeemer_chat TEXT NOT NULL,
  redeemer_home TEXT NOT NULL,
  redeemer_ok INTEGER NOT NULL DEFAULT 0,
  -- The link both would make: this chat joins this home.
  link_channel TEXT NOT NULL,
  link_chat TEXT NOT NULL,
  link_home TEXT NOT NULL,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX link_requests_by_issuer ON link_requests (issuer_channel, issuer_chat);
CREATE INDEX link_requests_by_redeemer ON link_requests (redeemer_channel, redeemer_chat);
