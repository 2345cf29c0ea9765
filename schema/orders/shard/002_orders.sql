-- Orders live on the buyer's shard (shard_of(user_id)); the order id is
-- allocated on that shard, so id_shard(order_id) finds it without a look-up.
CREATE TABLE orders_orders (
  id                  INTEGER PRIMARY KEY,
  user_id             INTEGER NOT NULL,
  merchant_id         INTEGER NOT NULL,
  status              TEXT    NOT NULL CHECK (status IN ('PENDING_PAYMENT', 'PAID', 'SHIPPED',
                                                         'DELIVERED', 'CANCELLED', 'REFUNDED')),
  total               INTEGER NOT NULL CHECK (total > 0),
  discount            INTEGER NOT NULL DEFAULT 0 CHECK (discount >= 0),
  payable             INTEGER NOT NULL CHECK (payable >= 0),
  refunded            INTEGER NOT NULL DEFAULT 0 CHECK (refunded >= 0),
  address             TEXT    NOT NULL,            -- JSON object as given
  flash_id            INTEGER,
  payment_deadline_ms INTEGER NOT NULL,
  created_ms          INTEGER NOT NULL,
  updated_ms          INTEGER NOT NULL,
  paid_ms             INTEGER
);
CREATE INDEX orders_orders_by_user ON orders_orders (user_id, id);
CREATE INDEX orders_orders_by_user_status ON orders_orders (user_id, status, id);
CREATE INDEX orders_orders_by_merchant ON orders_orders (merchant_id, id);
CREATE INDEX orders_orders_by_merchant_status ON orders_orders (merchant_id, status, id);

-- Lines: the price is the catalog's (or the flash sale's) at creation.
-- paid_amount = amount - discount share; refunds never exceed it.
CREATE TABLE orders_items (
  order_id        INTEGER NOT NULL,
  line            INTEGER NOT NULL,
  sku_id          INTEGER NOT NULL,
  title           TEXT    NOT NULL,
  unit_price      INTEGER NOT NULL,
  qty             INTEGER NOT NULL CHECK (qty > 0),
  amount          INTEGER NOT NULL,
  discount        INTEGER NOT NULL DEFAULT 0,
  paid_amount     INTEGER NOT NULL,
  refunded_qty    INTEGER NOT NULL DEFAULT 0,
  refunded_amount INTEGER NOT NULL DEFAULT 0,
  CHECK (refunded_qty BETWEEN 0 AND qty),
  CHECK (refunded_amount BETWEEN 0 AND paid_amount),
  PRIMARY KEY (order_id, line)
) WITHOUT ROWID;

-- Every status change, in order, with who and why.
CREATE TABLE orders_history (
  order_id    INTEGER NOT NULL,
  seq         INTEGER NOT NULL,
  from_status TEXT,
  to_status   TEXT    NOT NULL,
  actor       TEXT    NOT NULL,   -- "user:42", "merchant:7", "provider", "system"
  reason      TEXT    NOT NULL,
  at_ms       INTEGER NOT NULL,
  PRIMARY KEY (order_id, seq)
) WITHOUT ROWID;

-- The saga's participants of one order, in the order they were tried:
-- TRIED -> CONFIRMED (on payment) or CANCELLED (cancel, time-out, refund).
CREATE TABLE orders_participants (
  order_id INTEGER NOT NULL,
  seq      INTEGER NOT NULL,
  name     TEXT    NOT NULL,      -- "stock" or the service prefix, e.g. "coupons"
  state    TEXT    NOT NULL CHECK (state IN ('TRIED', 'CONFIRMED', 'CANCELLED')),
  data     TEXT    NOT NULL DEFAULT '{}',
  PRIMARY KEY (order_id, seq)
) WITHOUT ROWID;

-- Idempotency keys, scoped to the user, kept at least 24 h. IN_FLIGHT while
-- a request works on it (lease_until_ms bounds a dead worker's claim); DONE
-- with the exact answer to replay.
CREATE TABLE orders_idempotency (
  user_id        INTEGER NOT NULL,
  key            TEXT    NOT NULL,
  request_hash   TEXT    NOT NULL,
  state          TEXT    NOT NULL CHECK (state IN ('IN_FLIGHT', 'DONE')),
  token          INTEGER NOT NULL,  -- the claiming attempt
  order_id       INTEGER NOT NULL,  -- allocated by the claiming attempt
  reserved_skus  TEXT    NOT NULL DEFAULT '',  -- comma-separated, for abandoning the attempt
  http_status    INTEGER,
  response       TEXT,
  created_ms     INTEGER NOT NULL,
  lease_until_ms INTEGER NOT NULL,
  expires_ms     INTEGER NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
CREATE INDEX orders_idempotency_by_expiry ON orders_idempotency (expires_ms);
