-- How far each consumer has applied each origin database's events
-- (highest contiguous sequence). Lags behind the inbox at worst: a restarted
-- consumer replays from here and the inbox skips what was already applied.
CREATE TABLE bazaar_event_cursors (
  consumer      TEXT NOT NULL,
  origin_shard  INTEGER NOT NULL,
  applied_seq   INTEGER NOT NULL,
  PRIMARY KEY (consumer, origin_shard)
) WITHOUT ROWID;
