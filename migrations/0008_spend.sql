-- What the agent cost, per calendar day in the user's time zone and per conversation: /cost reads
-- it, and so do the spend caps and /sessions. One row per day and conversation, one write per
-- answered turn.
CREATE TABLE spend_days (
  day TEXT NOT NULL,
  conversation_id INTEGER NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  -- Answered turns: a conversation's turns and cost are the sums of its days.
  turns INTEGER NOT NULL DEFAULT 0,
  -- Runs that ended without the CLI reporting any cost (a crash, a stop): unknown, not zero.
  unknown_runs INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, conversation_id)
) WITHOUT ROWID;
-- What runs cost before this table, on their UTC day (the zone is not known to SQL here).
INSERT INTO spend_days (day, conversation_id, cost_usd, turns)
  SELECT strftime('%Y-%m-%d', created_at / 1000, 'unixepoch'), conversation_id, sum(cost_usd), sum(results)
  FROM runs WHERE results > 0 GROUP BY 1, 2;
