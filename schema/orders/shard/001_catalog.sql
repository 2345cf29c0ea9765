-- Catalog and stock. A SKU row lives on the shard its id names (id_shard(id)),
-- and its stock counters live in the same row, so a reservation is one
-- conditional UPDATE. Invariant, checked by tests after every scenario:
--   initial + added = available + reserved + sold      (all >= 0)
-- `added` is the sum of every merchant adjustment (add or set, may be
-- negative); `returned` counts units a refund put back into `available`
-- (they also left `sold`), for the merchant's information.
CREATE TABLE orders_skus (
  id                INTEGER PRIMARY KEY,
  merchant_id       INTEGER NOT NULL,
  title             TEXT    NOT NULL,
  price             INTEGER NOT NULL CHECK (price > 0),
  restock_on_refund INTEGER NOT NULL DEFAULT 1 CHECK (restock_on_refund IN (0, 1)),
  active            INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  initial           INTEGER NOT NULL CHECK (initial >= 0),
  added             INTEGER NOT NULL DEFAULT 0,
  available         INTEGER NOT NULL CHECK (available >= 0),
  reserved          INTEGER NOT NULL DEFAULT 0 CHECK (reserved >= 0),
  sold              INTEGER NOT NULL DEFAULT 0 CHECK (sold >= 0),
  returned          INTEGER NOT NULL DEFAULT 0 CHECK (returned >= 0),
  created_ms        INTEGER NOT NULL,
  updated_ms        INTEGER NOT NULL
);
CREATE INDEX orders_skus_by_merchant ON orders_skus (merchant_id, id);

-- One row per (order, SKU) reserved on this (the SKU's) shard: the Try of the
-- stock participant. RESERVED -> CONFIRMED (paid) or RELEASED (cancelled,
-- timed out, abandoned). Every move is a conditional UPDATE on `state`, and
-- the counters move in the same transaction, so each happens once.
CREATE TABLE orders_reservations (
  order_id   INTEGER NOT NULL,
  sku_id     INTEGER NOT NULL,
  user_id    INTEGER NOT NULL,
  qty        INTEGER NOT NULL CHECK (qty > 0),
  flash_id   INTEGER,
  state      TEXT    NOT NULL CHECK (state IN ('RESERVED', 'CONFIRMED', 'RELEASED')),
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (order_id, sku_id)
) WITHOUT ROWID;

-- Stock movements that must happen once per outside reference (a refund line
-- restocking units): the row and the counter update commit together.
CREATE TABLE orders_stock_moves (
  ref        TEXT    PRIMARY KEY,
  sku_id     INTEGER NOT NULL,
  qty        INTEGER NOT NULL,
  created_ms INTEGER NOT NULL
) WITHOUT ROWID;
