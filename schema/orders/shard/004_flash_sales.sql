-- Flash sales (秒杀). An activity lives on its SKU's shard, so taking a unit,
-- counting the buyer and reserving the SKU's stock are one transaction.
CREATE TABLE orders_flash_sales (
  id             INTEGER PRIMARY KEY,
  merchant_id    INTEGER NOT NULL,
  sku_id         INTEGER NOT NULL,
  price          INTEGER NOT NULL CHECK (price > 0),
  quantity       INTEGER NOT NULL CHECK (quantity > 0),
  remaining      INTEGER NOT NULL CHECK (remaining >= 0),
  per_user_limit INTEGER NOT NULL CHECK (per_user_limit > 0),
  start_ms       INTEGER NOT NULL,
  end_ms         INTEGER NOT NULL,
  status         TEXT    NOT NULL CHECK (status IN ('ACTIVE', 'CANCELLED')),
  created_ms     INTEGER NOT NULL,
  CHECK (end_ms > start_ms)
);
CREATE INDEX orders_flash_sales_by_merchant ON orders_flash_sales (merchant_id, id);

-- Units each buyer holds in an activity: the per-user limit is the CHECK of
-- one upsert, never a read-then-check.
CREATE TABLE orders_flash_buyers (
  flash_id INTEGER NOT NULL,
  user_id  INTEGER NOT NULL,
  qty      INTEGER NOT NULL CHECK (qty >= 0),
  PRIMARY KEY (flash_id, user_id)
) WITHOUT ROWID;
