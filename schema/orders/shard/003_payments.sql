-- Payment callbacks, once per provider transaction id, on the order's shard
-- (written in the same transaction as the order's move to PAID).
-- APPLIED: this payment paid the order. REFUND_REQUIRED: money arrived that
-- must go back (order already paid by another transaction, or cancelled).
CREATE TABLE orders_payments (
  provider_txn_id TEXT    PRIMARY KEY,
  order_id        INTEGER NOT NULL,
  amount          INTEGER NOT NULL,
  outcome         TEXT    NOT NULL CHECK (outcome IN ('APPLIED', 'REFUND_REQUIRED')),
  reason          TEXT    NOT NULL,
  received_ms     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX orders_payments_by_order ON orders_payments (order_id);

-- Callback nonces seen, on shard_of(hash(nonce)); kept past the 5-minute
-- timestamp window, then purged.
CREATE TABLE orders_payment_nonces (
  nonce   TEXT    PRIMARY KEY,
  seen_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX orders_payment_nonces_by_time ON orders_payment_nonces (seen_ms);

-- Refunds of a paid order (all or some lines), on the order's shard.
CREATE TABLE orders_refunds (
  id         INTEGER PRIMARY KEY,
  order_id   INTEGER NOT NULL,
  amount     INTEGER NOT NULL CHECK (amount > 0),
  lines      TEXT    NOT NULL,  -- JSON [{"line":1,"sku_id":"..","qty":1,"amount":100}]
  reason     TEXT    NOT NULL,
  actor      TEXT    NOT NULL,
  created_ms INTEGER NOT NULL
);
CREATE INDEX orders_refunds_by_order ON orders_refunds (order_id);
