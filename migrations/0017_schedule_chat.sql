-- The chat a scheduled task was created in: its results go back there (unless /notify picks an
-- app). Null for tasks created before, and by the agent's own tools: the home's own door.
ALTER TABLE schedules ADD COLUMN channel TEXT CHECK (channel IN ('whatsapp', 'telegram'));
-- The chat's address on that app; null with 'whatsapp': the object's own phone.
ALTER TABLE schedules ADD COLUMN chat TEXT;
