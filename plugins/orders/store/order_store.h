// Rows of orders_orders / orders_items / orders_history on a user's shard.
// Every status change goes through transition(): one conditional UPDATE
// (WHERE status = from) plus its history row, in the caller's transaction.
#pragma once

#include "order_model.h"

#include <optional>
#include <vector>

namespace orders {

using bazaar::sdk::Txn;

struct OrderRow {
  Order order;
  int64_t item_count = 0;
};

class OrderStore {
 public:
  // The order, its items and history row 1 (null -> order.status).
  static Status insert(Txn& txn, const Order& order, std::string_view actor, std::string_view reason);
  static Result<std::optional<Order>> load(Txn& txn, int64_t order_id);

  // Moves order_id from `from` to `to` if it is still in `from`; false when
  // it is not (someone else moved it first). Sets paid_ms on PAID.
  static Result<bool> transition(Txn& txn, int64_t order_id, std::string_view from,
                                 std::string_view to, std::string_view actor,
                                 std::string_view reason, int64_t now_ms);
  static Status add_history(Txn& txn, int64_t order_id, std::optional<std::string_view> from,
                            std::string_view to, std::string_view actor, std::string_view reason,
                            int64_t now_ms);
  static Result<Json> history(Txn& txn, int64_t order_id);

  // Newest first, ids below page.before_id; status empty = any.
  static Result<std::vector<OrderRow>> list_by_user(Txn& txn, int64_t user_id, std::string_view status,
                                                    int64_t before_id, int limit);
  static Result<std::vector<OrderRow>> list_by_merchant(Txn& txn, int64_t merchant_id,
                                                        std::string_view status, int64_t before_id,
                                                        int limit);

  // Cache keys of an order's detail and of its buyer's first list page, and
  // their deletion once `txn` commits.
  static std::string detail_key(int64_t order_id);
  // An order id that must never be used: stock was held for it, the order did
  // not commit by its payment deadline, and the stock is being given back.
  // Checked by the order's own transaction, so exactly one of the two wins.
  static Status void_id(Txn& txn, int64_t order_id, int64_t now_ms);
  static Result<bool> is_voided(Txn& txn, int64_t order_id);

  static std::string first_page_key(int64_t user_id);
  static void invalidate_after_commit(Txn& txn, int64_t order_id, int64_t user_id);
};

}  // namespace orders
