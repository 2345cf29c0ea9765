// The seller's moves of a paid order: ship (PAID → SHIPPED) and deliver
// (SHIPPED → DELIVERED), through StatusMoves. Shipping waits for the order to
// be free: no open hold (409 ORDER_ON_HOLD: a group not complete, a risk
// review) and every participant confirmed (409 ORDER_SETTLING: what a
// confirmation may still hold back is not known yet).
#pragma once

#include "lifecycle/status_moves.h"

namespace orders {

class Fulfilment {
 public:
  Fulfilment(bazaar::sdk::Host host, const StatusMoves& moves) : host_(host), moves_(moves) {}

  // 404 ORDER_NOT_FOUND (also another merchant's order); 409 BAD_ORDER_STATUS
  // unless PAID; 409 ORDER_ON_HOLD, ORDER_SETTLING.
  Result<Order> ship(int64_t order_id, int64_t merchant_id, const std::string& carrier, const std::string& tracking,
                     const std::string& actor, const bz_request* req) const;
  // 404 ORDER_NOT_FOUND; 409 BAD_ORDER_STATUS unless SHIPPED.
  Result<Order> deliver(int64_t order_id, int64_t merchant_id, const std::string& actor,
                        const bz_request* req) const;

 private:
  // Loads the merchant's order in a write transaction, checks `from` and
  // `ready` (extra checks in the same transaction), and moves it.
  template <class Ready>
  Result<Order> move(int64_t order_id, int64_t merchant_id, OrderStatus from, Move move, Ready&& ready,
                     const bz_request* req) const;

  bazaar::sdk::Host host_;
  const StatusMoves& moves_;
};

}  // namespace orders
