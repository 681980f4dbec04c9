-- A trigger's URL is now a door (src/core/door-keys.ts): it names this object and the trigger, and
-- its token is derived, so the Worker checks a firing before asking any object. Triggers made
-- before keep door = 0: their URL (/triggers/<id>) and token no longer open anything, and
-- /triggers says so, with what to do (remove it and add it again).
ALTER TABLE triggers ADD COLUMN door INTEGER NOT NULL DEFAULT 0;
