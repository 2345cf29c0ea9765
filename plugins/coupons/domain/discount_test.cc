#include "domain/discount.h"

#include "domain/test_coupons.h"

#include <gtest/gtest.h>

#include <random>

namespace coupons {
namespace {

using namespace coupons::testing;

Quote quote(const CouponTemplate& t, const std::vector<PricedLine>& lines, int64_t now = kNow) {
  return quote_discount(t, kValid, lines, now);
}

TEST(DiscountTest, PercentIsFlooredOnOddAmounts) {
  // 999 fen at 15 % is 149.85 fen: the shopper gets 149, never more than 15 %.
  EXPECT_EQ(quote(percent_off(0, 15, 100000), {line(1, 999)}).discount, Money::fen(149));
  EXPECT_EQ(quote(percent_off(0, 15, 100000), {line(1, 1000)}).discount, Money::fen(150));
  EXPECT_EQ(quote(percent_off(0, 33, 100000), {line(1, 1)}).discount, kZero);  // 0.33 fen
  EXPECT_EQ(quote(percent_off(0, 99, 100000), {line(1, 101)}).discount, Money::fen(99));  // 99.99
  EXPECT_EQ(quote(percent_off(0, 1, kMaxFen), {line(1, 1999), line(2, 1)}).discount,
            Money::fen(20));
}

TEST(DiscountTest, ThresholdExactlyMetAppliesAndOneFenShortRefuses) {
  const CouponTemplate t = amount_off(10000, 1000);
  const Quote met = quote(t, {line(1, 6000), line(2, 4000)});
  EXPECT_TRUE(met.applies());
  EXPECT_EQ(met.discount, Money::fen(1000));
  EXPECT_EQ(met.eligible_lines, (std::vector<int>{1, 2}));
  const Quote short_by_one = quote(t, {line(1, 6000), line(2, 3999)});
  EXPECT_EQ(short_by_one.refusal, Refusal::kThresholdNotMet);
  EXPECT_EQ(short_by_one.discount, kZero);
  EXPECT_TRUE(short_by_one.eligible_lines.empty());
}

TEST(DiscountTest, TheThresholdCountsOnlyEligibleLines) {
  // 8000 fen of other lines do not help a coupon for SKU 101 reach 5000.
  const CouponTemplate t = amount_off(5000, 500, {ScopeKind::kSkus, {101}});
  EXPECT_EQ(quote(t, {line(1, 4999), line(2, 8000)}).refusal, Refusal::kThresholdNotMet);
  const Quote ok = quote(t, {line(1, 5000), line(2, 8000)});
  EXPECT_EQ(ok.discount, Money::fen(500));
  EXPECT_EQ(ok.eligible_lines, (std::vector<int>{1}));
}

TEST(DiscountTest, PercentWithAndWithoutReachingTheCap) {
  EXPECT_EQ(quote(percent_off(0, 20, 1000), {line(1, 4000)}).discount,
            Money::fen(800));  // under the cap
  EXPECT_EQ(quote(percent_off(0, 20, 1000), {line(1, 5000)}).discount,
            Money::fen(1000));  // exactly
  EXPECT_EQ(quote(percent_off(0, 20, 1000), {line(1, 50000)}).discount,
            Money::fen(1000));  // capped
  EXPECT_EQ(quote(percent_off(0, 20, kMaxFen), {line(1, 50000)}).discount, Money::fen(10000));
}

TEST(DiscountTest, NeverMoreThanTheEligibleLinesCost) {
  EXPECT_EQ(quote(amount_off(0, 5000), {line(1, 300), line(2, 200)}).discount, Money::fen(500));
  const CouponTemplate only_2 = amount_off(0, 5000, {ScopeKind::kSkus, {102}});
  EXPECT_EQ(quote(only_2, {line(1, 300), line(2, 200)}).discount, Money::fen(200));
  // Lines already at 0 (a previous stage took everything): a discount of 0.
  const Quote nothing_left = quote(amount_off(0, 5000), {line(1, 0)});
  EXPECT_TRUE(nothing_left.applies());
  EXPECT_EQ(nothing_left.discount, kZero);
}

TEST(DiscountTest, OtherMerchantsLinesAreNeverEligible) {
  const Quote q = quote(amount_off(0, 100), {line(1, 500, false, kOtherMerchant), line(2, 500)});
  EXPECT_EQ(q.eligible_lines, (std::vector<int>{2}));
  EXPECT_EQ(quote(amount_off(0, 100), {line(1, 500, false, kOtherMerchant)}).refusal,
            Refusal::kNotInScope);
}

TEST(DiscountTest, ScopeListsAndExclusions) {
  const std::vector<PricedLine> cart = {line(1, 500), line(2, 500), line(3, 500)};
  EXPECT_EQ(quote(amount_off(0, 100, {ScopeKind::kAllBut, {102}}), cart).eligible_lines,
            (std::vector<int>{1, 3}));
  EXPECT_EQ(quote(amount_off(0, 100, {ScopeKind::kSkus, {999}}), cart).refusal,
            Refusal::kNotInScope);
  EXPECT_EQ(quote(amount_off(0, 100, {ScopeKind::kAllBut, {101, 102, 103}}), cart).refusal,
            Refusal::kNotInScope);
}

TEST(DiscountTest, ActivityPricedLinesOnlyWhenTheTemplateStacks) {
  const std::vector<PricedLine> flash_only = {line(1, 5000, true)};
  CouponTemplate t = amount_off(0, 100);
  EXPECT_EQ(quote(t, flash_only).refusal, Refusal::kNotStackable);
  const Quote mixed = quote(t, {line(1, 5000, true), line(2, 300)});
  EXPECT_EQ(mixed.eligible_lines, (std::vector<int>{2}));
  t.rules.stacks_with_activity = true;
  EXPECT_EQ(quote(t, flash_only).eligible_lines, (std::vector<int>{1}));
  // Without stacking, the activity-priced lines do not count toward the threshold either.
  EXPECT_EQ(quote(amount_off(1000, 100), {line(1, 5000, true), line(2, 999)}).refusal,
            Refusal::kThresholdNotMet);
}

TEST(DiscountTest, ValidityIsHalfOpen) {
  const CouponTemplate t = amount_off(0, 100);
  const std::vector<PricedLine> cart = {line(1, 500)};
  EXPECT_EQ(quote(t, cart, kValid.from_ms - 1).refusal, Refusal::kNotYetValid);
  EXPECT_TRUE(quote(t, cart, kValid.from_ms).applies());
  EXPECT_TRUE(quote(t, cart, kValid.until_ms - 1).applies());
  EXPECT_EQ(quote(t, cart, kValid.until_ms).refusal, Refusal::kExpired);
}

TEST(DiscountTest, ManyLinesAtTheLimitsStayExact) {
  // 50 lines of 999 units at 10^9 fen: 4.995 × 10^13 fen; 99 % of it is exact in 128 bits.
  std::vector<PricedLine> cart;
  for (int i = 1; i <= 50; ++i) cart.push_back(line(i, 999 * kMaxFen));
  const Quote q = quote(percent_off(0, 99, kMaxFen), cart);
  EXPECT_EQ(q.discount, Money::fen(kMaxFen));  // capped
  EXPECT_EQ(q.eligible_lines.size(), 50u);
  EXPECT_EQ(discount_for({DiscountKind::kPercentOff, kZero, kZero, 99, Money::fen(INT64_MAX)},
                         Money::fen(50 * 999 * kMaxFen)),
            Money::fen(50 * 999 * kMaxFen / 100 * 99));
}

// Property over random carts and rules: the discount is between 0 and the
// eligible payable, the percentage is the floor (checked by long division,
// another way of computing it), and eligibility follows the rules.
TEST(DiscountTest, RandomCartsKeepEveryMoneyRule) {
  Dice pick(15);
  for (int i = 0; i < 2000; ++i) {
    const std::vector<PricedLine> cart = random_cart(pick, 20, 200000);
    Scope scope;
    scope.kind = static_cast<ScopeKind>(pick(0, 2));
    for (int sku = 101; sku <= 120; ++sku) {
      if (scope.kind != ScopeKind::kAll && pick(0, 1) == 0) scope.sku_ids.push_back(sku);
    }
    const int64_t percent = pick(1, 99);
    CouponTemplate t = pick(0, 1) == 0
                           ? amount_off(pick(0, 300000), pick(1, 100000), scope)
                           : percent_off(pick(0, 300000), percent, pick(1, 100000), scope);
    t.rules.stacks_with_activity = pick(0, 1) == 1;
    const Quote q = quote(t, cart);
    const std::string where = pick.where(i);

    Money eligible;
    std::vector<int> expected_lines;
    for (const PricedLine& l : cart) {
      if (l.merchant_id == kMerchant && scope.covers(l.sku_id) &&
          (!l.activity_priced || t.rules.stacks_with_activity)) {
        expected_lines.push_back(l.line);
        eligible += l.payable;
      }
    }
    if (expected_lines.empty()) {
      EXPECT_TRUE(q.refusal == Refusal::kNotInScope || q.refusal == Refusal::kNotStackable)
          << where;
      continue;
    }
    if (eligible < t.rules.money.threshold) {
      EXPECT_EQ(q.refusal, Refusal::kThresholdNotMet) << where;
      continue;
    }
    ASSERT_TRUE(q.applies()) << where;
    EXPECT_EQ(q.eligible_lines, expected_lines) << where;
    EXPECT_GE(q.discount, kZero) << where;
    EXPECT_LE(q.discount, eligible) << where;
    const MoneyRule& m = t.rules.money;
    if (m.kind == DiscountKind::kAmountOff) {
      EXPECT_EQ(q.discount, std::min(m.amount, eligible)) << where;
    } else {
      const int64_t e = eligible.in_fen();
      const int64_t floor_pct = e / 100 * percent + e % 100 * percent / 100;
      EXPECT_EQ(q.discount, std::min({Money::fen(floor_pct), m.cap, eligible})) << where;
      EXPECT_LE(q.discount.in_fen() * 100, e * percent) << where;  // never more than the percentage
    }
  }
}

}  // namespace
}  // namespace coupons
