// Refunds as money: what a refund request asks for, what it may take from
// each line (never more than the line was charged), and when an order is
// refunded in full. Pure; unit-tested in refund_test.cc.
#pragma once

#include "domain/order.h"
#include "domain/values.h"

#include <optional>
#include <string>
#include <vector>

namespace orders {

// One line of a merchant's refund request as parsed at the edge.
struct RefundLineRequest {
  int line = 0;
  int64_t qty = 0;               // >= 1
  std::optional<Money> amount;   // >= 0 when given (0: units only); absent = the units' share
};

struct RefundRequest {
  std::vector<RefundLineRequest> lines;  // 1..50, each line once
  std::string reason;                    // 1..200 bytes
};

// Parses a refund body. 400 INVALID_JSON, INVALID_BODY, UNKNOWN_FIELD,
// BAD_REASON, BAD_LINES (not an array of 1..50 objects), BAD_LINE (not a
// positive line number), DUPLICATE_LINE, BAD_QTY, BAD_AMOUNT. Limits that
// depend on the order (what is left of a line) are checked by plan_refund.
Result<RefundRequest> parse_refund_request(std::string_view body);

// The amount a refund of `qty` units of `item` takes when the request names
// none: the units' share of paid_amount (rounded down), except that the
// refund reaching the line's last unit takes everything left, so refunding
// every unit refunds exactly paid_amount. Never more than what is left of the
// line's money. Needs 1 <= qty <= item.qty - item.refunded_qty.
Money default_refund_amount(const OrderItem& item, int64_t qty);

// One line of a refund, resolved against the order.
struct RefundLine {
  int line = 0;
  int64_t sku_id = 0;
  int64_t qty = 0;  // units going back (0: money only)
  Money amount;
};

struct RefundPlan {
  std::vector<RefundLine> lines;
  Money total;
  bool completes_order = false;  // afterwards every line is refunded in full: the order is REFUNDED
};

// Resolves a merchant's request against what is left of each line: 400
// BAD_LINE (no such line), 422 REFUND_EXCEEDS_PAID (more units or money than
// what is left of a line).
Result<RefundPlan> plan_refund(const Order& order, const RefundRequest& request);

// Everything still left on every line (a full refund by the system, e.g. a
// failed group). completes_order is always true; lines may be empty when
// nothing is left.
RefundPlan plan_full_refund(const Order& order);

}  // namespace orders
