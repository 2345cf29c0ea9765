#include "events/order_events.h"

namespace orders::events {

std::optional<std::string_view> topic_of_move(OrderStatus to) {
  switch (to) {
    case OrderStatus::kPaid: return kPaid;
    case OrderStatus::kCancelled: return kCancelled;
    case OrderStatus::kShipped: return kShipped;
    case OrderStatus::kDelivered: return kDelivered;
    case OrderStatus::kRefunded:
    case OrderStatus::kPendingPayment: return std::nullopt;
  }
  return std::nullopt;
}

Json order_event(const Order& order) {
  return {{"order_id", id_text(order.id)},
          {"user_id", id_text(order.user_id)},
          {"merchant_id", id_text(order.merchant_id)},
          {"status", to_string(order.status)}};
}

}  // namespace orders::events
