// SQL of orders_refunds (on the order's shard): one row per refund of a paid
// order, with its lines as JSON.
#pragma once

#include "domain/refund.h"

#include "sdk_names.h"

#include <optional>

namespace orders {

class RefundStore {
 public:
  static Status insert(bazaar::sdk::Txn& txn, int64_t refund_id, int64_t order_id, const RefundPlan& plan,
                       std::string_view reason, std::string_view actor, int64_t now_ms);
  // The order's latest refund id (the one that completed a refunded order).
  static Result<std::optional<int64_t>> latest(bazaar::sdk::Txn& txn, int64_t order_id);
};

}  // namespace orders
