// Cancelling an unpaid order: by its buyer (POST /api/v1/orders/{id}/cancel)
// or by another plugin (orders.cancel). PENDING_PAYMENT → CANCELLED through
// StatusMoves, so of a cancel and a payment racing exactly one wins, and the
// participants are released once.
#pragma once

#include "lifecycle/status_moves.h"

#include <optional>

namespace orders {

struct CancelRequest {
  int64_t order_id = 0;
  std::optional<int64_t> owner;  // the buyer who must own it; nullopt for another plugin
  std::string actor;             // history: "user:42", "plugin:groupbuy"
  std::string reason;            // history reason
  std::string event_reason;      // order.cancelled.'s "reason": "buyer", "system"
};

class OrderCancel {
 public:
  OrderCancel(bazaar::sdk::Host host, const StatusMoves& moves) : host_(host), moves_(moves) {}

  // The cancelled order. Already cancelled: the order as it is (a retry is
  // harmless). 404 ORDER_NOT_FOUND (also another buyer's order); 409
  // ORDER_NOT_CANCELLABLE once paid.
  Result<Order> cancel(const CancelRequest& request, const bz_request* req) const;

 private:
  bazaar::sdk::Host host_;
  const StatusMoves& moves_;
};

}  // namespace orders
