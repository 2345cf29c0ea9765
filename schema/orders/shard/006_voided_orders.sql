-- Order ids given up on (on the order's shard, id_shard(order_id)). Stock is
-- reserved before the order commits; if the order has not committed by its
-- payment deadline, the payment_timeout timer (which commits with the first
-- reservation) voids the id here and releases the stock. The order's own
-- transaction checks this table, and both take the shard's write lock, so
-- either the order exists (the timer then treats it as an order) or the id
-- is void (the order can never commit). Rows stay: a voided id must stay void.
CREATE TABLE orders_voided (
  order_id  INTEGER PRIMARY KEY,
  voided_ms INTEGER NOT NULL
);
