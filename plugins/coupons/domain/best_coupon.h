// The best coupon for a cart (the checkout preview): every coupon the buyer
// holds quoted on the cart, the one with the largest discount proposed, and
// every other listed with its discount or the reason it does not apply.
// One pass of quote_coupon per coupon: 200 coupons × 20 lines is a few
// thousand comparisons (bench/, not the unit tests, times it).
#pragma once

#include "domain/coupon.h"

#include <span>
#include <vector>

namespace coupons {

// A coupon with its template (both owned by the caller, never null).
struct HeldCoupon {
  const Coupon* coupon = nullptr;
  const CouponTemplate* tmpl = nullptr;
};

struct CouponOffer {
  int64_t coupon_id = 0;
  int64_t template_id = 0;
  int64_t expires_ms = 0;  // the end of the coupon's validity
  Quote quote;
};

struct CouponRanking {
  // Coupons that apply first, by discount (largest first), then the one that
  // expires sooner, then the lower coupon id; then those refused, by the
  // same order of expiry and id.
  std::vector<CouponOffer> offers;
  // The proposed coupon: the first offer when it applies with a discount
  // above 0; nullptr when no coupon takes anything off.
  const CouponOffer* best() const;
};

CouponRanking rank_coupons(std::span<const HeldCoupon> held, int64_t user_id,
                           std::span<const PricedLine> lines, int64_t now_ms);

}  // namespace coupons
