// POST /api/v1/orders/{id}/cancel: the buyer cancels an unpaid order. The
// move PENDING_PAYMENT -> CANCELLED is one conditional UPDATE, so of a cancel
// and a payment racing exactly one wins; the participants are then released.
#pragma once

#include "settlement.h"

namespace orders {

class OrderCancel {
 public:
  OrderCancel(bazaar::sdk::Host host, const Settlement& settlement)
      : host_(host), settlement_(settlement) {}

  Result<bazaar::sdk::Reply> cancel(const bazaar::sdk::Request& req);

 private:
  bazaar::sdk::Host host_;
  const Settlement& settlement_;
};

}  // namespace orders
