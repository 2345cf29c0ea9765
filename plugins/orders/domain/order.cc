#include "domain/order.h"

#include <bazaar/sdk/enum_names.hpp>

namespace orders {

namespace {

constexpr bazaar::sdk::EnumNames<OrderStatus, 6> kStatusNames{{
    {OrderStatus::kPendingPayment, "PENDING_PAYMENT"},
    {OrderStatus::kPaid, "PAID"},
    {OrderStatus::kShipped, "SHIPPED"},
    {OrderStatus::kDelivered, "DELIVERED"},
    {OrderStatus::kCancelled, "CANCELLED"},
    {OrderStatus::kRefunded, "REFUNDED"},
}};

constexpr bazaar::sdk::EnumNames<ParticipantState, 3> kParticipantStateNames{{
    {ParticipantState::kTried, "TRIED"},
    {ParticipantState::kConfirmed, "CONFIRMED"},
    {ParticipantState::kCancelled, "CANCELLED"},
}};

}  // namespace

std::string_view to_string(OrderStatus status) { return bazaar::sdk::name_of(kStatusNames, status); }
std::optional<OrderStatus> parse_status(std::string_view text) {
  return bazaar::sdk::value_of(kStatusNames, text);
}

bool is_paid_state(OrderStatus s) {
  return s == OrderStatus::kPaid || s == OrderStatus::kShipped || s == OrderStatus::kDelivered;
}

bool can_move(OrderStatus from, OrderStatus to) {
  switch (to) {
    case OrderStatus::kPaid:
    case OrderStatus::kCancelled:
      return from == OrderStatus::kPendingPayment;
    case OrderStatus::kShipped:
      return from == OrderStatus::kPaid;
    case OrderStatus::kDelivered:
      return from == OrderStatus::kShipped;
    case OrderStatus::kRefunded:
      return is_paid_state(from);
    case OrderStatus::kPendingPayment:
      return false;  // only ever the first status
  }
  return false;
}

Settle settle_on_entering(OrderStatus to) {
  switch (to) {
    case OrderStatus::kPaid: return Settle::kConfirm;
    case OrderStatus::kCancelled: return Settle::kCancel;
    case OrderStatus::kRefunded: return Settle::kRefund;
    default: return Settle::kNothing;
  }
}

std::string_view to_string(ParticipantState state) { return bazaar::sdk::name_of(kParticipantStateNames, state); }
std::optional<ParticipantState> parse_participant_state(std::string_view text) {
  return bazaar::sdk::value_of(kParticipantStateNames, text);
}

bool valid_hold_name(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace orders
