// Refunds of a paid order: a merchant's refund of some units and money of
// some lines (POST /api/v1/merchant/orders/{id}/refunds), and a full refund
// by another plugin (orders.refund: a failed group pays every member back).
//
// One write transaction on the order's shard: each line's refund is a
// conditional UPDATE (never more than the line was charged), the refund row,
// the order's refunded total, a history row, order.refunded. and the durable
// `refund_restock` timer; the refund that leaves nothing on any line moves
// the order to REFUNDED through StatusMoves (which cancels the participants).
// Refunded units go back to stock after the commit, once per refund line
// (idempotent by reference); the timer is the guarantee when the worker dies
// first.
#pragma once

#include "domain/refund.h"
#include "lifecycle/status_moves.h"

namespace orders {

struct RefundOutcome {
  int64_t refund_id = 0;
  Money amount;
  Order order;           // after the refund
  bool already = false;  // refund_all on an order refunded before: nothing changed
};

class Refunds {
 public:
  Refunds(bazaar::sdk::Host host, const StatusMoves& moves) : host_(host), moves_(moves) {}

  // 404 ORDER_NOT_FOUND (also another merchant's order); 409
  // BAD_ORDER_STATUS unless PAID, SHIPPED or DELIVERED; 400 BAD_LINE and 422
  // REFUND_EXCEEDS_PAID (domain/refund.h). Nothing is written on any error.
  Result<RefundOutcome> refund_lines(int64_t order_id, int64_t merchant_id, const RefundRequest& request,
                                     const std::string& actor, const bz_request* req) const;
  // Everything left on every line, exactly once per order however often and
  // however concurrently it is called: a REFUNDED order answers the refund
  // that completed it (already = true) and changes nothing. 404
  // ORDER_NOT_FOUND; 409 BAD_ORDER_STATUS for an order never paid.
  Result<RefundOutcome> refund_all(int64_t order_id, const std::string& reason, const std::string& actor,
                                   const bz_request* req) const;

  // Timer kind "refund_restock", key = the refund id, payload
  // {"order_id","lines":[{"sku_id","qty","ref"}]}: restocks every line (once
  // per ref however often it runs) and returns the first error, so the host
  // retries. A malformed payload is logged and dropped.
  Status on_restock_timer(const bazaar::sdk::Timer& timer) const;

 private:
  Result<RefundOutcome> apply(bazaar::sdk::Txn txn, Order order, const RefundPlan& plan, const std::string& reason,
                              const std::string& actor, const bz_request* req) const;
  Status restock(std::string_view ref, int64_t sku_id, int64_t qty, const bz_request* req) const;

  bazaar::sdk::Host host_;
  const StatusMoves& moves_;
};

}  // namespace orders
