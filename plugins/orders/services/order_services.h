// The services the orders plugin offers other plugins (docs/API.md, "Orders
// services"), called by name through the host (never by linking): a failed
// group refunds its members, group-buy and risk review hold orders back from
// shipping and release them. Each is idempotent: calling it again (a retry,
// a redelivered event) changes nothing more. Inputs are JSON objects; an
// optional "actor" ([a-z0-9_]{1,64}, the calling plugin's name) is recorded
// in the order's history as "plugin:<actor>".
#pragma once

#include "lifecycle/holds.h"
#include "lifecycle/order_cancel.h"
#include "lifecycle/refunds.h"

namespace orders {

class OrderServices {
 public:
  OrderServices(bazaar::sdk::Host host, const Refunds& refunds, const OrderCancel& cancel, const Holds& holds)
      : host_(host), refunds_(refunds), cancel_(cancel), holds_(holds) {}

  // orders.get {"order_id"} → the order as GET /api/v1/orders/{id} shows it,
  // plus "participants":[{"name","state"}]. 404 ORDER_NOT_FOUND.
  Result<Json> get(const bazaar::sdk::ServiceCall& call) const;
  // orders.refund {"order_id","reason"} → {"result":"REFUNDED"|"ALREADY_REFUNDED",
  // "refund_id","amount","order"}: a full refund, once per order.
  Result<Json> refund(const bazaar::sdk::ServiceCall& call) const;
  // orders.cancel {"order_id","reason"} → {"order"}: an unpaid order cancelled
  // (already cancelled: unchanged). 409 ORDER_NOT_CANCELLABLE once paid.
  Result<Json> cancel(const bazaar::sdk::ServiceCall& call) const;
  // orders.place_hold {"order_id","name","reason"} → {"order"}.
  Result<Json> place_hold(const bazaar::sdk::ServiceCall& call) const;
  // orders.release_hold {"order_id","name"} → {"released":true} the first
  // time, {"released":false} when it was released already. 404
  // ORDER_NOT_FOUND, HOLD_NOT_FOUND.
  Result<Json> release_hold(const bazaar::sdk::ServiceCall& call) const;

 private:
  bazaar::sdk::Host host_;
  const Refunds& refunds_;
  const OrderCancel& cancel_;
  const Holds& holds_;
};

}  // namespace orders
