// The events the orders plugin publishes (docs/API.md, "Events"): topics and
// payloads in one place. Every payload starts from order_event(): order_id,
// user_id, merchant_id (as strings) and status; each topic adds its own
// fields. Published through the outbox of the transaction that made the
// change, so an event exists if and only if its change committed.
#pragma once

#include "domain/order.h"
#include "domain/values.h"

#include <optional>
#include <string_view>

namespace orders::events {

inline constexpr std::string_view kCreated = "order.created.";        // + total, payable
inline constexpr std::string_view kPaid = "order.paid.";              // + payable, transaction_id
inline constexpr std::string_view kCancelled = "order.cancelled.";    // + reason
inline constexpr std::string_view kShipped = "order.shipped.";        // + carrier, tracking when given
inline constexpr std::string_view kDelivered = "order.delivered.";
inline constexpr std::string_view kRefunded = "order.refunded.";      // + refund_id, amount (one per refund)
inline constexpr std::string_view kHoldReleased = "order.hold_released.";  // + hold
inline constexpr std::string_view kRefundRequired = "payment.refund_required.";  // + transaction_id, amount, reason

// The topic a status move into `to` publishes; nullopt for REFUNDED (the
// refund that completes the order publishes its own order.refunded.).
std::optional<std::string_view> topic_of_move(OrderStatus to);

Json order_event(const Order& order);

}  // namespace orders::events
