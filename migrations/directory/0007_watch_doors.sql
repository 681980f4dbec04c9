-- A watch's webhook now has a door of its own: its URL carries a sealed id (the watching object and
-- this watch_id) and its secret is derived from the relay's door key and that id (core/door-keys.ts),
-- so the Worker checks a delivery before asking any object, and no secret is kept. Watches made
-- before have no watch_id: their old URL and secret are refused at the door from now on, and
-- /github lists them as needing /github watch again. Their stored secret is dropped with them.
ALTER TABLE github_watches ADD COLUMN watch_id TEXT;
