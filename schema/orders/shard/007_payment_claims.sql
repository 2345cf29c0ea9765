-- Which order a provider transaction id belongs to, node-wide: on
-- shard_of(hash(provider_txn_id)), committed on its own before the order's
-- shard records the payment. orders_payments (on the order's shard) is unique
-- on its own shard only; without this row one transaction id sent for orders
-- on several shards would pay each of them. Only callbacks that passed the
-- order and amount checks claim an id, so a refused one (a typo in the order
-- id) does not tie it to the wrong order. Rows stay, like the payments.
CREATE TABLE orders_payment_claims (
  provider_txn_id TEXT    PRIMARY KEY,
  order_id        INTEGER NOT NULL,
  claimed_ms      INTEGER NOT NULL
) WITHOUT ROWID;
