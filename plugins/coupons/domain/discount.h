// What a coupon takes off a cart (the discount stage of the participant
// chain, docs/PLUGINS.md): the lines as the activity stage left them in, the
// template's rules, the coupon's validity and the time. Pure and
// allocation-light: the best-coupon ranking runs it for every coupon a buyer
// holds.
//
// Eligibility. A line is eligible when it is the template's merchant's, the
// scope covers its SKU, and it has no activity price (flash sale, group
// price) unless the template stacks_with_activity. Checks run in this order,
// the first failing one being the reason:
//   the time is before the validity  → COUPON_NOT_YET_VALID
//   the time is at or after its end  → COUPON_EXPIRED
//   no line of the merchant in scope → COUPON_NOT_IN_SCOPE
//   in scope, but only activity-priced lines and no stacking → COUPON_NOT_STACKABLE
//   Σ payable of the eligible lines < threshold → COUPON_THRESHOLD_NOT_MET
//     (exactly the threshold applies; one fen short refuses)
//
// The rounding rule. With E = Σ payable of the eligible lines:
//   amount_off:  discount = min(amount, E)
//   percent_off: discount = min(⌊E × percent / 100⌋, cap, E)
// The percentage is floored: the shopper never gets more than the
// advertised percentage (999 fen at 15 % is 149.85 → 149 fen; rounding half
// up would give 150 fen, more than 15 %), and the merchant's cost is what
// the promotion says, never a fraction of a fen more per order. Computed in
// 128-bit integers; no floating point. The discount is never more than what
// the eligible lines cost, so no payable goes below 0.
#pragma once

#include "domain/coupon_template.h"
#include "domain/refusal.h"

#include <span>
#include <vector>

namespace coupons {

// One line of the cart as the coupon sees it.
struct PricedLine {
  int line = 0;  // the order's line number (1-based)
  int64_t sku_id = 0;
  int64_t merchant_id = 0;
  Money payable;                 // what is left to pay on the line after the stages before (≥ 0)
  bool activity_priced = false;  // a flash-sale or group price replaced its unit price
};

// A coupon's effect on a cart: either it applies (refusal kNone) with the
// discount to apportion over `eligible_lines`, or the reason it does not.
struct Quote {
  Refusal refusal = Refusal::kNone;
  Money discount;
  std::vector<int> eligible_lines;  // in the cart's order
  bool applies() const { return refusal == Refusal::kNone; }
};

// The discount of `rule` on eligible lines that cost `eligible` in total, the
// threshold already met: the rounding rule above. Needs eligible ≥ 0.
Money discount_for(const MoneyRule& rule, Money eligible);

// The quote of template `tmpl` for a coupon valid over `validity`, at `now_ms`.
Quote quote_discount(const CouponTemplate& tmpl, const Window& validity,
                     std::span<const PricedLine> lines, int64_t now_ms);

}  // namespace coupons
