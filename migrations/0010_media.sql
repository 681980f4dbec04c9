-- Files the agent sends (its send_file tool): where the bytes come from (the VM's staged file),
-- then where they are (the R2 object) or why they could not be had. JSON, on the outbox row
-- that sends them, so a file keeps its place in order with the text replies.
ALTER TABLE outbox ADD COLUMN media TEXT;
