#include "domain/best_coupon.h"

#include <algorithm>
#include <tuple>

namespace coupons {

namespace {

// The ranking order as one key: smaller sorts first.
auto rank_key(const CouponOffer& offer) {
  return std::make_tuple(!offer.quote.applies(), -offer.quote.discount.in_fen(), offer.expires_ms,
                         offer.coupon_id);
}

}  // namespace

const CouponOffer* CouponRanking::best() const {
  if (offers.empty() || !offers.front().quote.applies() || offers.front().quote.discount <= kZero) {
    return nullptr;
  }
  return &offers.front();
}

CouponRanking rank_coupons(std::span<const HeldCoupon> held, int64_t user_id,
                           std::span<const PricedLine> lines, int64_t now_ms) {
  CouponRanking ranking;
  ranking.offers.reserve(held.size());
  for (const HeldCoupon& h : held) {
    ranking.offers.push_back({h.coupon->id, h.tmpl->id, h.coupon->validity.until_ms,
                              quote_coupon(*h.coupon, *h.tmpl, user_id, lines, now_ms)});
  }
  std::sort(ranking.offers.begin(), ranking.offers.end(),
            [](const CouponOffer& a, const CouponOffer& b) { return rank_key(a) < rank_key(b); });
  return ranking;
}

}  // namespace coupons
