// SQL of idempotency keys on the buyer's shard: orders_idempotency (per user
// and key: the request's hash and state, kept at least 24 h) and
// orders_idempotency_answers (the stored answer, by order id).
//
// The key's record is written by the order's own transaction, DONE with the
// answer beside it: one durable commit per order, not a claim commit and then
// the order's. Rows of the earlier claim-first creation may still be
// IN_FLIGHT claims with a lease: one whose lease is live answers 409, one
// whose lease ran out is replaced (its payment_timeout timer releases what
// it reserved).
#pragma once

#include "domain/attempt.h"
#include "domain/values.h"

#include "sdk_names.h"

namespace orders {

class IdempotencyStore {
 public:
  static constexpr int64_t kKeepMs = 25LL * 3600 * 1000;  // keys live at least 24 h

  // What the record of (user, key) says about a request with this body.
  static Result<KeyVerdict> read(bazaar::sdk::Txn& txn, const Attempt& attempt);
  // First in the order transaction: makes the key this attempt's (kProceed)
  // or says why it is not (the order must then not commit). Purges a few
  // expired keys on the way (bounded work, no sweeper).
  static Result<KeyVerdict> record(bazaar::sdk::Txn& txn, const Attempt& attempt, int http_status);
  // Drops the IN_FLIGHT claim an earlier (claim-first) version left for
  // `order_id`, if it is still there: that attempt never committed.
  static Status drop_stale_claim(bazaar::sdk::Txn& txn, int64_t user_id, std::string_view key, int64_t order_id);
  // In the same transaction, once the answer is known.
  static Status store_answer(bazaar::sdk::Txn& txn, int64_t order_id, int http_status, std::string_view response);
};

}  // namespace orders
