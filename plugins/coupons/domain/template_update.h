// The edit rule for a template. Shoppers claimed their coupons under the
// template's rules, so once anything is claimed the rules that decide what a
// coupon is worth are frozen: the money rule, the scope, the validity, the
// stacking and refund flags (a change is a new template). The name, the
// claim window and the per-user limit (which counts future claims) may still
// change, and the total may grow or shrink, but never below what is claimed.
#pragma once

#include "domain/coupon_template.h"

#include <bazaar/result.hpp>

namespace coupons {

// Whether `current` may become `proposed` with `claimed` coupons already
// claimed from it. OK, or:
//   422 TEMPLATE_ENDED       an ended template changes no more
//   422 RULES_FROZEN         a frozen rule differs (the message names it)
//   422 TOTAL_BELOW_CLAIMED  proposed.total < claimed
bazaar::Status check_update(const CouponTemplate& current, const TemplateRules& proposed,
                            int64_t claimed);

}  // namespace coupons
