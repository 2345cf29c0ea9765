// The seller's routes of a paid order (docs/API.md, "Fulfilment and
// refunds"): ship, deliver and refunds. They parse the bodies; the moves are
// lifecycle/fulfilment.h and lifecycle/refunds.h.
#pragma once

#include "lifecycle/fulfilment.h"
#include "lifecycle/refunds.h"

namespace orders {

class FulfilmentRoutes {
 public:
  FulfilmentRoutes(const Fulfilment& fulfilment, const Refunds& refunds)
      : fulfilment_(fulfilment), refunds_(refunds) {}

  // POST /api/v1/merchant/orders/{id}/ship, body optional
  // {"carrier":"…","tracking":"…"} (each at most 100 bytes): 400
  // UNKNOWN_FIELD, BAD_CARRIER, BAD_TRACKING; then Fulfilment::ship.
  Result<bazaar::sdk::Reply> ship(const bazaar::sdk::Request& req) const;
  // POST /api/v1/merchant/orders/{id}/deliver, no body (or {}).
  Result<bazaar::sdk::Reply> deliver(const bazaar::sdk::Request& req) const;
  // POST /api/v1/merchant/orders/{id}/refunds: 201 {"refund_id","order_id","amount","order"}.
  Result<bazaar::sdk::Reply> refund(const bazaar::sdk::Request& req) const;

 private:
  const Fulfilment& fulfilment_;
  const Refunds& refunds_;
};

}  // namespace orders
