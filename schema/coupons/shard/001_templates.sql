-- Coupon templates. A template lives on its merchant's home shard
-- (shard_of(merchant_id)), and its id is made on that shard, so id_shard(id)
-- names it too: a look-up by id, the merchant's list and the public coupon
-- centre are each one query on one shard. Claims will not write this row
-- (they take units from buckets spread over the shards, a later migration):
-- `claimed` stays 0 until then.
-- `version` grows with every change of the row; an edit names the version
-- it read, and its UPDATE is conditional on it.
CREATE TABLE coupons_templates (
  id                   INTEGER PRIMARY KEY,
  merchant_id          INTEGER NOT NULL,
  status               TEXT    NOT NULL CHECK (status IN ('DRAFT', 'ACTIVE', 'PAUSED', 'ENDED')),
  name                 TEXT    NOT NULL,
  kind                 TEXT    NOT NULL CHECK (kind IN ('amount_off', 'percent_off')),
  threshold            INTEGER NOT NULL CHECK (threshold >= 0),
  amount               INTEGER NOT NULL DEFAULT 0 CHECK (amount >= 0),   -- amount_off
  percent              INTEGER NOT NULL DEFAULT 0 CHECK (percent BETWEEN 0 AND 99),  -- percent_off
  cap                  INTEGER NOT NULL DEFAULT 0 CHECK (cap >= 0),      -- percent_off
  scope                TEXT    NOT NULL CHECK (scope IN ('all', 'skus', 'all_but')),
  scope_sku_ids        TEXT    NOT NULL DEFAULT '',  -- sorted decimal ids, one blank between
  valid_from_ms        INTEGER,                      -- a fixed validity ...
  valid_until_ms       INTEGER,
  valid_days           INTEGER,                      -- ... or days from the claim
  claim_from_ms        INTEGER NOT NULL,
  claim_until_ms       INTEGER NOT NULL,
  total                INTEGER NOT NULL CHECK (total > 0),
  per_user_limit       INTEGER NOT NULL CHECK (per_user_limit > 0),
  stacks_with_activity INTEGER NOT NULL CHECK (stacks_with_activity IN (0, 1)),
  refund_returns       INTEGER NOT NULL CHECK (refund_returns IN (0, 1)),
  claimed              INTEGER NOT NULL DEFAULT 0 CHECK (claimed >= 0 AND claimed <= total),
  version              INTEGER NOT NULL DEFAULT 1 CHECK (version >= 1),
  created_ms           INTEGER NOT NULL,
  updated_ms           INTEGER NOT NULL,
  CHECK ((valid_days IS NULL) = (valid_from_ms IS NOT NULL AND valid_until_ms IS NOT NULL)),
  CHECK (claim_until_ms > claim_from_ms)
);
-- The merchant's list (newest first) and the centre (active, claim not over).
CREATE INDEX coupons_templates_by_merchant ON coupons_templates (merchant_id, id);
CREATE INDEX coupons_templates_claimable ON coupons_templates (merchant_id, status, claim_until_ms);
