-- The host's own tables, in every database: each shard and meta.db.
--
-- bazaar_outbox: events written in the same transaction as the change that
-- caused them. `seq` is the rowid: max + 1, assigned inside the write
-- transaction (writers are serialised per file) and rolled back with it, so
-- committed events of one database carry 1, 2, 3 ... without gaps; the relay
-- publishes them in that order and consumers detect gaps by it. No other
-- index: every business commit that publishes pays for each one. (A future
-- purge must keep the newest row, or max + 1 would reuse a seq.)
CREATE TABLE bazaar_outbox (
  seq         INTEGER PRIMARY KEY,
  id          INTEGER NOT NULL,
  plugin      TEXT NOT NULL,
  topic       TEXT NOT NULL,
  payload     TEXT NOT NULL,
  created_ms  INTEGER NOT NULL
);

-- bazaar_outbox_relay: how far the relay has published this database's
-- outbox (one row, one small UPDATE per relay round).
CREATE TABLE bazaar_outbox_relay (
  id             INTEGER PRIMARY KEY CHECK (id = 1),
  published_seq  INTEGER NOT NULL
);
INSERT INTO bazaar_outbox_relay (id, published_seq) VALUES (1, 0);

-- bazaar_inbox: one row per (consumer, event) applied, committed with the
-- consumer's effect: a redelivered event finds its row and is skipped.
CREATE TABLE bazaar_inbox (
  consumer    TEXT NOT NULL,
  event_id    INTEGER NOT NULL,
  applied_ms  INTEGER NOT NULL,
  PRIMARY KEY (consumer, event_id)
) WITHOUT ROWID;

-- bazaar_timers: durable timers, written in the transaction that decides them.
CREATE TABLE bazaar_timers (
  plugin      TEXT NOT NULL,
  kind        TEXT NOT NULL,
  key         TEXT NOT NULL,
  due_ms      INTEGER NOT NULL,
  payload     TEXT NOT NULL,
  attempt     INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT,
  PRIMARY KEY (plugin, kind, key)
);
CREATE INDEX bazaar_timers_due ON bazaar_timers (due_ms);
