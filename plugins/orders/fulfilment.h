// The seller's side of a paid order: ship (PAID -> SHIPPED), deliver
// (SHIPPED -> DELIVERED) and refunds of some or all units of some lines
// (-> REFUNDED once every line is refunded in full). docs/API.md,
// "Fulfilment and refunds", is the contract.
//
// Every handler runs one write transaction on the order's shard (the shard
// its id names): the status move or the refund's conditional counter updates,
// their history rows, the event and the cache invalidation commit together or
// not at all. Refunded units go back to stock after the commit, once per
// refund line (Stock::restock is idempotent by reference); a durable
// `refund_restock` timer written in the same transaction is the guarantee
// when the worker dies before it gets there.
//
// Callers: request threads (ship, deliver, refund) and the timer worker
// (on_restock_timer). The class holds no mutable state.
#pragma once

#include "order_model.h"
#include "settlement.h"
#include "stock.h"

#include <string>
#include <vector>

namespace orders {

// One line of a refund request as parsed at the edge.
struct RefundLineRequest {
  int line = 0;
  int64_t qty = 0;                // >= 1
  std::optional<int64_t> amount;  // >= 0 when given (0: units only); absent = the line's share
};

struct RefundRequest {
  std::vector<RefundLineRequest> lines;  // 1..50, each line once
  std::string reason;                    // 1..200 bytes
};

// Parses a refund body. 400 INVALID_JSON, INVALID_BODY, UNKNOWN_FIELD,
// BAD_REASON, BAD_LINES (not an array of 1..50 objects), BAD_LINE (not a
// positive line number), DUPLICATE_LINE, BAD_QTY, BAD_AMOUNT. Limits that
// depend on the order (what is left of a line) are checked later.
Result<RefundRequest> parse_refund_request(std::string_view body);

// The amount a refund of `qty` units of `item` takes when the request names
// none: the units' share of paid_amount (rounded down), except that the
// refund reaching the line's last unit takes everything left, so refunding
// every unit refunds exactly paid_amount. Never more than what is left of the
// line's money. Needs 1 <= qty <= item.qty - item.refunded_qty.
int64_t default_refund_amount(const OrderItem& item, int64_t qty);

class Fulfilment {
 public:
  Fulfilment(bazaar::sdk::Host host, const Stock& stock, Settlement& settlement)
      : host_(host), stock_(stock), settlement_(settlement) {}

  // POST /api/v1/merchant/orders/{id}/ship, body optional
  // {"carrier":"…","tracking":"…"} (each at most 100 bytes).
  // 200 the order; 404 ORDER_NOT_FOUND (also another merchant's order);
  // 409 BAD_ORDER_STATUS unless PAID; 400 UNKNOWN_FIELD, BAD_CARRIER, BAD_TRACKING.
  bazaar::Result<bazaar::sdk::Reply> ship(const bazaar::sdk::Request& req);

  // POST /api/v1/merchant/orders/{id}/deliver, no body (an empty JSON object
  // is accepted). 200 the order; 404 ORDER_NOT_FOUND; 409 BAD_ORDER_STATUS
  // unless SHIPPED.
  bazaar::Result<bazaar::sdk::Reply> deliver(const bazaar::sdk::Request& req);

  // POST /api/v1/merchant/orders/{id}/refunds. 201 {"refund_id","order_id",
  // "amount","order"}; the errors of parse_refund_request; 404
  // ORDER_NOT_FOUND; 409 BAD_ORDER_STATUS unless PAID, SHIPPED or DELIVERED;
  // 400 BAD_LINE (no such line); 422 REFUND_EXCEEDS_PAID (more units or money
  // than what is left of a line). Nothing is written on any error.
  bazaar::Result<bazaar::sdk::Reply> refund(const bazaar::sdk::Request& req);

  // Timer kind "refund_restock", key = the refund id, payload
  // {"order_id","lines":[{"sku_id","qty","ref"}]}: restocks every line (once
  // per ref however often it runs) and returns the first error, so that the
  // host retries the timer. A malformed payload is logged and dropped.
  bazaar::Status on_restock_timer(const bazaar::sdk::Timer& timer);

 private:
  // PAID -> SHIPPED or SHIPPED -> DELIVERED for the calling merchant.
  bazaar::Result<bazaar::sdk::Reply> move(const bazaar::sdk::Request& req, std::string_view from,
                                          std::string_view to, std::string_view topic,
                                          const std::string& reason, const Json& extra);

  bazaar::sdk::Host host_;
  const Stock& stock_;
  Settlement& settlement_;
};

}  // namespace orders
