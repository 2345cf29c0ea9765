// The body of POST /api/v1/orders and /api/v1/orders/preview, parsed at the
// edge into typed values (docs/API.md, "Create an order"). Shape checks only:
// whether SKUs exist, prices and stock come later, from the participants.
#pragma once

#include "domain/cart.h"
#include "domain/values.h"

#include <string>
#include <vector>

namespace orders {

inline constexpr size_t kMaxOrderLines = 50;
inline constexpr int64_t kMaxLineQty = 999;
// A participant field's value (e.g. "coupon") is at most this much JSON: it
// travels to the participant and into the attempt's durable timer.
inline constexpr size_t kMaxParticipantValueBytes = 4096;

struct RequestedLine {
  int64_t sku_id = 0;
  int64_t qty = 0;
};

// A request field that names a participant of the chain, with its value as given.
struct RequestedParticipant {
  std::string field;
  Json value;
};

struct OrderRequest {
  std::vector<RequestedLine> lines;      // 1..50, each SKU once
  std::string address;                   // JSON text, validated
  std::vector<RequestedParticipant> participants;  // in the order of `participant_fields`
  Json body;                             // as parsed: its canonical dump keys the idempotency record

  // The value of participant field `field`, or null when the request does not name it.
  const Json* value_of(std::string_view field) const;
};

// `participant_fields` are the fields the participant chain names
// (plugin.orders.participants), in chain order. 400 INVALID_JSON,
// INVALID_BODY, UNKNOWN_FIELD, PRICE_NOT_ALLOWED, NO_ITEMS, TOO_MANY_ITEMS,
// BAD_SKU_ID, BAD_QTY, DUPLICATE_SKU, BAD_ADDRESS.
Result<OrderRequest> parse_order_request(std::string_view body,
                                         const std::vector<std::string>& participant_fields);

// The cart of the request's lines, unpriced (prices come from the participants).
Cart cart_of(const OrderRequest& request);

}  // namespace orders
