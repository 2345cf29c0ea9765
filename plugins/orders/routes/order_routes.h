// Routes of a buyer's order (docs/API.md): create, preview and cancel. They
// parse what the lifecycle does not (path, cancel body) and answer its result
// as JSON; reads are routes/order_queries.h.
#pragma once

#include "lifecycle/order_cancel.h"
#include "lifecycle/order_creation.h"
#include "lifecycle/order_preview.h"

namespace orders {

class OrderRoutes {
 public:
  OrderRoutes(OrderCreation& creation, const OrderPreview& preview, const OrderCancel& cancel)
      : creation_(creation), preview_(preview), cancel_(cancel) {}

  // POST /api/v1/orders
  Result<bazaar::sdk::Reply> create(const bazaar::sdk::Request& req) { return creation_.create(req); }
  // POST /api/v1/orders/preview
  Result<bazaar::sdk::Reply> preview(const bazaar::sdk::Request& req) const { return preview_.preview(req); }
  // POST /api/v1/orders/{id}/cancel, body optional {"reason":"…"} (at most 200 bytes).
  Result<bazaar::sdk::Reply> cancel(const bazaar::sdk::Request& req) const;

 private:
  OrderCreation& creation_;
  const OrderPreview& preview_;
  const OrderCancel& cancel_;
};

}  // namespace orders
