// SQL of payment callbacks: orders_payment_nonces (on the shard of the
// nonce's hash), orders_payment_claims (which order a provider transaction id
// belongs to, node-wide: on the shard of the id's hash) and orders_payments
// (once per transaction id, on the order's shard, written with the order's
// move to PAID).
#pragma once

#include "domain/money.h"
#include "domain/values.h"

#include "sdk_names.h"

#include <optional>

namespace orders {

class PaymentStore {
 public:
  // FNV-1a 64: places a nonce or a transaction id's claim on a shard. Must
  // never change once claims exist (a new hash would look on another shard).
  static uint64_t placement_hash(std::string_view key);

  // Records the nonce (taking over one older than keep_after_ms that the
  // bounded purge has not reached yet); false when it was used. Purges up to
  // `purge` expired nonces first.
  static Result<bool> spend_nonce(Txn& txn, std::string_view nonce, int64_t now_ms, int64_t keep_after_ms,
                                  int64_t purge);
  // Ties the transaction id to `order_id` if nobody has; returns the order it
  // belongs to (this one, or the one an earlier callback claimed it for).
  static Result<int64_t> claim(Txn& txn, std::string_view transaction_id, int64_t order_id, int64_t now_ms);
  // The payment's record (APPLIED) if the id has none on this shard; nullopt
  // when it is new, else the order it was recorded for.
  static Result<std::optional<int64_t>> record(Txn& txn, std::string_view transaction_id, int64_t order_id,
                                               Money amount, int64_t now_ms);
  // Money that arrived for an order that cannot take it (cancelled, already paid).
  static Status mark_refund_required(Txn& txn, std::string_view transaction_id, std::string_view reason);
};

}  // namespace orders
