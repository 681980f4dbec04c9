-- When each page link was sent: only a link sent within the last hour may stop a run or answer an
-- approval from the page (core/web-live.ts). Links sent before this column have none: they watch only.
ALTER TABLE web_links ADD COLUMN issued_at INTEGER;
