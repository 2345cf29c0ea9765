// An order as the domain sees it: its status and the moves between them (the
// state machine of docs/API.md), its lines and money, and its holds. Pure:
// no storage, no SDK calls; unit-tested in order_test.cc.
#pragma once

#include "domain/money.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orders {

enum class OrderStatus { kPendingPayment, kPaid, kShipped, kDelivered, kCancelled, kRefunded };

// "PENDING_PAYMENT", "PAID", … as stored and as the API shows them.
std::string_view to_string(OrderStatus status);
std::optional<OrderStatus> parse_status(std::string_view text);
// Paid and not (fully) refunded: what shipping and refunds start from.
bool is_paid_state(OrderStatus status);

// The state machine. Moves that exist:
//   PENDING_PAYMENT → PAID (payment), CANCELLED (buyer, system, time-out)
//   PAID → SHIPPED → DELIVERED
//   PAID | SHIPPED | DELIVERED → REFUNDED (every line refunded in full)
bool can_move(OrderStatus from, OrderStatus to);

// What entering a status asks of the order's participants (settlement).
enum class Settle {
  kNothing,
  kConfirm,  // PAID: confirm what was tried
  kCancel,   // CANCELLED: give back what was tried
  kRefund,   // REFUNDED: confirm what was still only tried, then cancel with reason "refund"
};
Settle settle_on_entering(OrderStatus to);

// The state of one participant of an order (orders_participants.state).
enum class ParticipantState { kTried, kConfirmed, kCancelled };
std::string_view to_string(ParticipantState state);
std::optional<ParticipantState> parse_participant_state(std::string_view text);

// What holds an order back from shipping until released (group not yet
// complete, risk review): see docs/API.md, "Holds".
struct Hold {
  std::string name;    // [a-z0-9_]{1,64}, unique per order
  std::string reason;  // shown to the merchant
  std::string placed_by;
  int64_t placed_ms = 0;
};

// A hold's name: [a-z0-9_]{1,64}.
bool valid_hold_name(std::string_view name);

// One line of an order.
struct OrderItem {
  int line = 0;  // 1-based
  int64_t sku_id = 0;
  std::string title;
  Money unit_price;  // the catalog's, or an activity's (flash sale, group price)
  int64_t qty = 0;
  Money amount;       // unit_price × qty
  Money discount;     // every participant's share on this line
  Money paid_amount;  // amount − discount: what the line was charged; refunds never exceed it
  int64_t refunded_qty = 0;
  Money refunded_amount;
};

struct Order {
  int64_t id = 0;
  int64_t user_id = 0;
  int64_t merchant_id = 0;
  OrderStatus status = OrderStatus::kPendingPayment;
  Money total;     // Σ amount
  Money discount;  // Σ discount
  Money payable;   // total − discount, never below 0
  Money refunded;
  std::string address;  // JSON text
  std::optional<int64_t> flash_id;
  int64_t payment_deadline_ms = 0;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  std::optional<int64_t> paid_ms;
  std::vector<OrderItem> items;
  std::vector<Hold> holds;  // open holds only
};

}  // namespace orders
