-- The stored answer of a completed order creation, apart from its claim.
-- A claim row (orders_idempotency) is keyed by (user, key): it lands on a
-- random leaf, and with the ~700-byte answer inline each completion grew it
-- in place and split that leaf and its neighbours. The claim now stays a
-- small fixed-size row updated in place, and the answer is appended here by
-- order id (time-ordered: always the right-most leaf). Rows written before
-- this migration keep their answer in orders_idempotency.response, which a
-- replay still reads when no row exists here. Purged with their claim.
CREATE TABLE orders_idempotency_answers (
  order_id    INTEGER PRIMARY KEY,
  http_status INTEGER NOT NULL,
  body        TEXT    NOT NULL
);
