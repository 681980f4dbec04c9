-- What the agent cost per day (in the user's zone) and model (the CLI's model id), beside
-- spend_days' per conversation: /cost and the page show spend by model (src/usage/spend-repo.ts).
CREATE TABLE spend_models (
  day TEXT NOT NULL,
  model TEXT NOT NULL,
  cost_usd REAL NOT NULL DEFAULT 0,
  PRIMARY KEY (day, model)
) WITHOUT ROWID;
