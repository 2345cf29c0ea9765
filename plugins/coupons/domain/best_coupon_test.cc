#include "domain/best_coupon.h"

#include "domain/test_coupons.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>

namespace coupons {
namespace {

using namespace coupons::testing;

constexpr int64_t kUser = 42;

// Coupons and templates kept alive for the HeldCoupon pointers.
struct Wallet {
  std::deque<CouponTemplate> templates;
  std::deque<Coupon> coupons;
  std::vector<HeldCoupon> held;

  void add(int64_t coupon_id, CouponTemplate t, Window validity = kValid,
           CouponStatus status = CouponStatus::kUnused) {
    t.id = coupon_id * 10;
    templates.push_back(std::move(t));
    coupons.push_back({coupon_id, templates.back().id, kUser, status, validity.from_ms, validity});
    held.push_back({&coupons.back(), &templates.back()});
  }
  CouponRanking rank(const std::vector<PricedLine>& cart, int64_t now = kNow) const {
    return rank_coupons(held, kUser, cart, now);
  }
};

std::vector<int64_t> ids_of(const CouponRanking& r) {
  std::vector<int64_t> ids;
  for (const CouponOffer& o : r.offers) ids.push_back(o.coupon_id);
  return ids;
}

TEST(BestCouponTest, ProposesTheLargestDiscountAndListsTheOthersWithTheirReasons) {
  Wallet w;
  w.add(1, amount_off(0, 300));
  w.add(2, percent_off(0, 15, 100000));                         // 15 % of 5000 = 750
  w.add(3, amount_off(6000, 1000));                             // threshold not met
  w.add(4, amount_off(0, 500, {ScopeKind::kSkus, {999}}));      // not in scope
  w.add(5, amount_off(0, 900), {kNow + 1, kNow + kDayMs / 2});  // not yet valid, ends first
  w.add(6, amount_off(0, 900), kValid, CouponStatus::kUsed);
  const CouponRanking r = w.rank({line(1, 5000)});
  ASSERT_NE(r.best(), nullptr);
  EXPECT_EQ(r.best()->coupon_id, 2);
  EXPECT_EQ(r.best()->quote.discount, Money::fen(750));
  EXPECT_EQ(ids_of(r),
            (std::vector<int64_t>{2, 1, 5, 3, 4, 6}));  // refused: sooner expiry, then id
  EXPECT_EQ(r.offers[1].quote.discount, Money::fen(300));
  EXPECT_EQ(r.offers[2].quote.refusal, Refusal::kNotYetValid);
  EXPECT_EQ(r.offers[3].quote.refusal, Refusal::kThresholdNotMet);
  EXPECT_EQ(r.offers[4].quote.refusal, Refusal::kNotInScope);
  EXPECT_EQ(r.offers[5].quote.refusal, Refusal::kUsed);
}

TEST(BestCouponTest, TiesGoToTheCouponThatExpiresSoonerThenTheLowerId) {
  Wallet w;
  w.add(8, amount_off(0, 500), {kNow - 1, kNow + 3 * kDayMs});
  w.add(9, amount_off(0, 500), {kNow - 1, kNow + 2 * kDayMs});
  w.add(7, amount_off(0, 500), {kNow - 1, kNow + 3 * kDayMs});
  EXPECT_EQ(ids_of(w.rank({line(1, 5000)})), (std::vector<int64_t>{9, 7, 8}));
}

TEST(BestCouponTest, NoProposalWhenNothingAppliesOrNothingIsTakenOff) {
  Wallet w;
  EXPECT_EQ(w.rank({line(1, 5000)}).best(), nullptr);  // no coupons at all
  w.add(1, amount_off(10000, 500));
  EXPECT_EQ(w.rank({line(1, 5000)}).best(), nullptr);
  w.add(2, percent_off(0, 10, 1000));
  EXPECT_EQ(w.rank({line(1, 9)}).best(), nullptr);  // 10 % of 9 fen floors to 0
  ASSERT_NE(w.rank({line(1, 10)}).best(), nullptr);
}

// 200 coupons over random 20-line carts: the proposal is the largest
// discount, every offer is what quote_coupon says alone, and the list is in
// ranking order.
TEST(BestCouponTest, TwoHundredRandomCouponsRankLikeQuotingEachAlone) {
  Dice pick(200);
  for (int round = 0; round < 20; ++round) {
    Wallet w;
    for (int64_t id = 1; id <= 200; ++id) {
      Scope scope;
      if (pick(0, 2) == 0) scope = {ScopeKind::kSkus, {101, 103, 105, 107}};
      CouponTemplate t = pick(0, 1) == 0
                             ? amount_off(pick(0, 100000), pick(1, 20000), scope)
                             : percent_off(pick(0, 100000), pick(1, 99), pick(1, 20000), scope);
      t.rules.stacks_with_activity = pick(0, 1) == 1;
      const int64_t start = kNow - pick(-kDayMs, kDayMs);
      w.add(id, t, {start, start + pick(1, 5) * kDayMs},
            static_cast<CouponStatus>(pick(0, 3) == 0 ? 1 : 0));
    }
    const std::vector<PricedLine> cart = random_cart(pick, 20, 20000);
    const CouponRanking r = w.rank(cart);
    const std::string where = pick.where(round);
    ASSERT_EQ(r.offers.size(), 200u) << where;

    Money largest = kZero;
    for (const HeldCoupon& h : w.held) {
      const Quote alone = quote_coupon(*h.coupon, *h.tmpl, kUser, cart, kNow);
      if (alone.applies()) largest = std::max(largest, alone.discount);
      const auto it = std::find_if(r.offers.begin(), r.offers.end(), [&](const CouponOffer& o) {
        return o.coupon_id == h.coupon->id;
      });
      ASSERT_NE(it, r.offers.end()) << where;
      EXPECT_EQ(it->quote.refusal, alone.refusal) << where << " coupon " << h.coupon->id;
      EXPECT_EQ(it->quote.discount, alone.discount) << where << " coupon " << h.coupon->id;
    }
    if (largest > kZero) {
      ASSERT_NE(r.best(), nullptr) << where;
      EXPECT_EQ(r.best()->quote.discount, largest) << where;
    } else {
      EXPECT_EQ(r.best(), nullptr) << where;
    }
    for (size_t i = 1; i < r.offers.size(); ++i) {
      const CouponOffer& a = r.offers[i - 1];
      const CouponOffer& b = r.offers[i];
      EXPECT_TRUE(a.quote.applies() || !b.quote.applies())
          << where << " at " << i;  // appliers first
      if (a.quote.applies() == b.quote.applies()) {
        EXPECT_GE(a.quote.discount, b.quote.discount) << where << " at " << i;
        if (a.quote.discount == b.quote.discount) {
          EXPECT_LE(std::tie(a.expires_ms, a.coupon_id), std::tie(b.expires_ms, b.coupon_id))
              << where;
        }
      }
    }
  }
}

}  // namespace
}  // namespace coupons
