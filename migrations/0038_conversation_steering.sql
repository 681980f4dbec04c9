-- How the user steers a conversation's agent (src/conversations/steering.ts): its model and effort
-- (NULL: the CLI's default), passed at every start of its runs, tasks included; plan-first as its
-- default (/plan on), and plan_next: the next run plans first (/plan <prompt>, a plan's "Change it").
ALTER TABLE conversations ADD COLUMN model TEXT;
ALTER TABLE conversations ADD COLUMN effort TEXT;
ALTER TABLE conversations ADD COLUMN plan_mode INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN plan_next INTEGER NOT NULL DEFAULT 0;
