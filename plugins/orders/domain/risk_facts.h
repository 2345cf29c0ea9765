// The facts an order offers the risk check at evaluation point order.create
// (docs/RULES.md, §3; docs/API.md, "Risk"), built once the participant chain
// has priced the cart, so rules see what the buyer will actually pay.
#pragma once

#include "domain/cart.h"
#include "domain/values.h"

#include <optional>
#include <string>

namespace orders {

// What the request says about who is ordering, from where.
struct Requester {
  int64_t user_id = 0;
  std::string client_ip;  // REMOTE_ADDR, as nginx saw the client
  std::string device_id;  // the X-Device-Id header, "" when absent
};

// {"order.amount": payable fen, "order.total", "order.item_count": lines,
//  "order.quantity": units, "order.sku_ids": [...], "order.merchant_ids": [...],
//  "order.coupon_code" (only when a coupon is named), "user.id", "request.ip",
//  "request.time" (UTC ms), "device.id" (only when sent)}
Json order_create_facts(const Cart& cart, const Requester& who, const std::optional<std::string>& coupon_code,
                        int64_t now_ms);

// The coupon code a request names: the field's value when it is a string, or
// its "code" member when it is an object; nullopt otherwise.
std::optional<std::string> coupon_code_of(const Json* value);

}  // namespace orders
