-- A refund line may pay back 0 fen: the units go back (restock, REFUNDED once
-- every unit is back) although no money is left on the line, e.g. after
-- earlier refunds above their share, or for a unit a discount made free.
-- Before, amount > 0 left such units unrefundable and the order could never
-- become REFUNDED. SQLite cannot change a CHECK in place, so the table is
-- rebuilt. Safe during a rolling reload: the columns are unchanged, only a
-- constraint the old code never relied on is relaxed, and the old workers'
-- statements re-prepare against the new table.
CREATE TABLE orders_refunds_v2 (
  id         INTEGER PRIMARY KEY,
  order_id   INTEGER NOT NULL,
  amount     INTEGER NOT NULL CHECK (amount >= 0),
  lines      TEXT    NOT NULL,  -- JSON [{"line":1,"sku_id":"..","qty":1,"amount":100}]
  reason     TEXT    NOT NULL,
  actor      TEXT    NOT NULL,
  created_ms INTEGER NOT NULL
);
INSERT INTO orders_refunds_v2 (id, order_id, amount, lines, reason, actor, created_ms)
  SELECT id, order_id, amount, lines, reason, actor, created_ms FROM orders_refunds;
DROP TABLE orders_refunds;
ALTER TABLE orders_refunds_v2 RENAME TO orders_refunds;
CREATE INDEX orders_refunds_by_order ON orders_refunds (order_id);
