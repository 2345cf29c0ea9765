-- Fulfilment holds (docs/API.md, "Holds"), on the order's shard: a named
-- reason an order may not ship yet (a group not complete, a risk review).
-- Placed by a participant's try or confirm, or orders.place_hold; lifted by
-- orders.release_hold. Shipping refuses an order with any open hold (409
-- ORDER_ON_HOLD). A released hold keeps its row (who held the order, when).
CREATE TABLE orders_holds (
  order_id    INTEGER NOT NULL,
  name        TEXT    NOT NULL,
  reason      TEXT    NOT NULL,
  placed_by   TEXT    NOT NULL,
  placed_ms   INTEGER NOT NULL,
  released_by TEXT,
  released_ms INTEGER,
  PRIMARY KEY (order_id, name)
) WITHOUT ROWID;

-- The flash-sale participant's Try: units of a sale held for an order, on the
-- sale's shard (which is its SKU's). HELD -> CONFIRMED (paid) or RELEASED
-- (cancelled, timed out, abandoned: the unit and the buyer's allowance go
-- back). Each move is a conditional UPDATE on `state` with the counters in
-- the same transaction, so it happens once. Orders created before this table
-- carry their flash unit on orders_reservations.flash_id instead.
CREATE TABLE orders_flash_holds (
  order_id   INTEGER NOT NULL,
  flash_id   INTEGER NOT NULL,
  user_id    INTEGER NOT NULL,
  qty        INTEGER NOT NULL CHECK (qty > 0),
  state      TEXT    NOT NULL CHECK (state IN ('HELD', 'CONFIRMED', 'RELEASED')),
  created_ms INTEGER NOT NULL,
  updated_ms INTEGER NOT NULL,
  PRIMARY KEY (order_id, flash_id)
) WITHOUT ROWID;

-- What each participant took off each line (only shares above 0), with the
-- order: a line says who discounted it by how much (orders_items.discount is
-- their sum).
CREATE TABLE orders_line_discounts (
  order_id    INTEGER NOT NULL,
  line        INTEGER NOT NULL,
  participant TEXT    NOT NULL,
  amount      INTEGER NOT NULL CHECK (amount > 0),
  PRIMARY KEY (order_id, line, participant)
) WITHOUT ROWID;
