-- The chat a scheduled task was created in: its results go back there (unless /notify picks an
-- app). Null: the home's own door (a message with no source, tasks created before, the agent's tools).
ALTER TABLE schedules ADD COLUMN channel TEXT CHECK (channel IN ('whatsapp', 'telegram'));
-- The chat's address on that app; null with 'whatsapp': the object's own phone.
ALTER TABLE schedules ADD COLUMN chat TEXT;
