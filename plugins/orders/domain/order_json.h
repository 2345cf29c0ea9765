// The JSON forms of an order (docs/API.md): the full order, as created,
// cached and returned by GET /api/v1/orders/{id} and orders.get, and the
// summary of list pages.
#pragma once

#include "domain/order.h"
#include "domain/values.h"

namespace orders {

Json order_json(const Order& order);
Json order_summary_json(const Order& order, int64_t item_count);
Json hold_json(const Hold& hold);

}  // namespace orders
