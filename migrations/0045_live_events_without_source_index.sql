-- A run's start and its progress lines stored without an index entry (docs/notes/message-cost.md):
-- the partial unique index on live_events.source wrote one more row for each (2 rows where every
-- other event of a run writes 1). What it kept out, a source stored twice when a run is attached
-- again or its stream read again after an eviction, is now looked up among the events numbered
-- past the run's `live_seq_floor`: the newest event's number when the run's row was inserted (in
-- that INSERT, the same row written). Every event of the run is numbered past it (numbers only
-- grow: the prune keeps the newest), so the lookup is as exact as the index, and reads the rowid's
-- b-tree from there. A run open across this migration has none (NULL): its lookups read every kept
-- event. `source` keeps its values.
ALTER TABLE runs ADD COLUMN live_seq_floor INTEGER;
DROP INDEX live_events_source;
