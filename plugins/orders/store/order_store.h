// SQL of the order tables on a buyer's shard: orders_orders, orders_items,
// orders_history, orders_line_discounts and orders_voided. Every status change
// goes through lifecycle/status_moves.h, which calls set_status() and
// add_history() here; nothing else writes orders_orders.status.
#pragma once

#include "domain/cart.h"
#include "domain/order.h"
#include "domain/values.h"

#include "sdk_names.h"

#include <optional>
#include <vector>

namespace orders {

struct OrderRow {
  Order order;
  int64_t item_count = 0;
};

// What a payment callback checks before it claims a transaction id.
struct OrderFacts {
  OrderStatus status = OrderStatus::kPendingPayment;
  Money payable;
};

class OrderStore {
 public:
  // The order, its items, the participants' shares per line and history row 1.
  static Status insert(Txn& txn, const Order& order, const std::vector<LineDiscount>& discounts,
                       std::string_view actor, std::string_view reason);
  // The order with its items and open holds.
  static Result<std::optional<Order>> load(Txn& txn, int64_t order_id);
  static Result<std::optional<OrderFacts>> facts(Txn& txn, int64_t order_id);

  // UPDATE … WHERE id = ? AND status = from; false when the order is not in
  // `from`. Sets paid_ms on PAID. Only StatusMoves calls it.
  static Result<bool> set_status(Txn& txn, int64_t order_id, OrderStatus from, OrderStatus to, int64_t now_ms);
  static Status add_history(Txn& txn, int64_t order_id, std::optional<OrderStatus> from, OrderStatus to,
                            std::string_view actor, std::string_view reason, int64_t now_ms);
  static Result<Json> history(Txn& txn, int64_t order_id);

  // A refund's share of one line: false when it would exceed what is left of
  // the line's units or money (checked in the statement).
  static Result<bool> refund_line(Txn& txn, int64_t order_id, int line, int64_t qty, Money amount);
  static Status add_refunded(Txn& txn, int64_t order_id, Money amount, int64_t now_ms);

  // Newest first, ids below before_id; nullopt status = any.
  static Result<std::vector<OrderRow>> list_by_user(Txn& txn, int64_t user_id, std::optional<OrderStatus> status,
                                                    int64_t before_id, int limit);
  static Result<std::vector<OrderRow>> list_by_merchant(Txn& txn, int64_t merchant_id,
                                                        std::optional<OrderStatus> status, int64_t before_id,
                                                        int limit);

  // An order id that must never be used: stock was held for it, the order did
  // not commit by its payment deadline, and what was held is being given back.
  // Checked by the order's own transaction, so exactly one of the two wins.
  static Status void_id(Txn& txn, int64_t order_id, int64_t now_ms);
  static Result<bool> is_voided(Txn& txn, int64_t order_id);

  // Cache keys of an order's detail and of its buyer's first list page, and
  // their deletion once `txn` commits. A new entry format takes a new key, so
  // workers of two versions never read each other's entries.
  static std::string detail_key(int64_t order_id);
  static std::string first_page_key(int64_t user_id);
  static void invalidate_after_commit(Txn& txn, int64_t order_id, int64_t user_id);
};

}  // namespace orders
