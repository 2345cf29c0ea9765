// An order as stored on its user's shard, and its JSON forms.
#pragma once

#include "util.h"

#include <optional>
#include <string>
#include <vector>

namespace orders {

// Statuses (orders_orders.status). See docs/API.md for the state machine.
inline constexpr std::string_view kPendingPayment = "PENDING_PAYMENT";
inline constexpr std::string_view kPaid = "PAID";
inline constexpr std::string_view kShipped = "SHIPPED";
inline constexpr std::string_view kDelivered = "DELIVERED";
inline constexpr std::string_view kCancelled = "CANCELLED";
inline constexpr std::string_view kRefunded = "REFUNDED";
bool is_status(std::string_view text);
// Paid at some point and not (fully) refunded: what refunds and shipping start from.
bool is_paid_state(std::string_view status);

struct OrderItem {
  int line = 0;
  int64_t sku_id = 0;
  std::string title;
  int64_t unit_price = 0;
  int64_t qty = 0;
  int64_t amount = 0;       // unit_price * qty
  int64_t discount = 0;     // this line's share of the order's discount
  int64_t paid_amount = 0;  // amount - discount
  int64_t refunded_qty = 0;
  int64_t refunded_amount = 0;
};

struct Order {
  int64_t id = 0;
  int64_t user_id = 0;
  int64_t merchant_id = 0;
  std::string status;
  int64_t total = 0;
  int64_t discount = 0;
  int64_t payable = 0;
  int64_t refunded = 0;
  std::string address;  // JSON text
  std::optional<int64_t> flash_id;
  int64_t payment_deadline_ms = 0;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::optional<int64_t> paid_ms;
  std::vector<OrderItem> items;

  // Spreads `discount` over the lines in proportion to their amounts (the
  // last line takes the rounding) and sets payable.
  void apply_discount(int64_t amount);
};

Json order_json(const Order& order);
Json order_summary_json(const Order& order, int64_t item_count);

}  // namespace orders
