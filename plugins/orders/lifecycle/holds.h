// Fulfilment holds placed and lifted by other plugins (orders.place_hold,
// orders.release_hold); participants place theirs through their try or
// confirm answers. An open hold keeps a paid order from shipping.
#pragma once

#include "domain/order.h"
#include "domain/values.h"
#include "store/hold_store.h"

#include "sdk_names.h"

namespace orders {

class Holds {
 public:
  explicit Holds(bazaar::sdk::Host host) : host_(host) {}

  // Opens `hold` on an order not yet shipped (PENDING_PAYMENT or PAID); placing
  // an open hold again changes nothing. 404 ORDER_NOT_FOUND, 409 BAD_ORDER_STATUS.
  Result<Order> place(int64_t order_id, const Hold& hold, const bz_request* req) const;
  // Lifts it: order.hold_released. the first time; releasing a released hold
  // again is harmless (kAlreadyReleased). 404 ORDER_NOT_FOUND, HOLD_NOT_FOUND.
  Result<HoldRelease> release(int64_t order_id, std::string_view name, std::string_view released_by,
                              const bz_request* req) const;

 private:
  bazaar::sdk::Host host_;
};

}  // namespace orders
