#include "domain/coupon.h"

#include "domain/test_coupons.h"

#include <gtest/gtest.h>

namespace coupons {
namespace {

using namespace coupons::testing;

constexpr int64_t kUser = 42;

Coupon coupon_in(CouponStatus status, Window validity = kValid) {
  return {9, 1, kUser, status, validity.from_ms, validity};
}

std::optional<CouponStatus> after(CouponStatus from, CouponMove move, int64_t now,
                                  bool refund_returns = false) {
  return status_after(coupon_in(from), move, now, refund_returns);
}

TEST(CouponTest, StatusNamesReadBack) {
  for (auto s : {CouponStatus::kUnused, CouponStatus::kLocked, CouponStatus::kUsed,
                 CouponStatus::kExpired}) {
    EXPECT_EQ(parse_coupon_status(to_string(s)), s);
  }
  EXPECT_EQ(parse_coupon_status("unused"), std::nullopt);
}

TEST(CouponTest, ValidityComesFromTheTemplateAtClaimTime) {
  CouponTemplate fixed = amount_off(0, 100);
  EXPECT_EQ(claim_coupon(5, fixed, kUser, kNow).validity, kValid);
  CouponTemplate days = fixed;
  days.rules.validity = {ValidityRule::Kind::kDaysFromClaim, {}, 7};
  const Coupon c = claim_coupon(5, days, kUser, kNow + 123);
  EXPECT_EQ(c.validity, (Window{kNow + 123, kNow + 123 + 7 * kDayMs}));
  EXPECT_EQ(c.status, CouponStatus::kUnused);
  EXPECT_EQ(c.template_id, days.id);
}

TEST(CouponTest, AnUnusedCouponShowsExpiredFromTheMomentItsValidityEnds) {
  const Coupon c = coupon_in(CouponStatus::kUnused);
  EXPECT_EQ(shown_status(c, kValid.until_ms - 1), CouponStatus::kUnused);
  EXPECT_EQ(shown_status(c, kValid.until_ms), CouponStatus::kExpired);
  // Other statuses show as stored: a used coupon stays used after its end.
  EXPECT_EQ(shown_status(coupon_in(CouponStatus::kUsed), kValid.until_ms + 1), CouponStatus::kUsed);
  EXPECT_EQ(shown_status(coupon_in(CouponStatus::kLocked), kValid.until_ms + 1),
            CouponStatus::kLocked);
}

TEST(CouponTest, TryConfirmAndCancel) {
  using S = CouponStatus;
  EXPECT_EQ(after(S::kUnused, CouponMove::kLock, kNow), S::kLocked);
  EXPECT_EQ(after(S::kLocked, CouponMove::kConfirm, kNow), S::kUsed);
  EXPECT_EQ(after(S::kLocked, CouponMove::kCancel, kNow), S::kUnused);
  // A lock needs an unused coupon inside its validity.
  EXPECT_EQ(after(S::kLocked, CouponMove::kLock, kNow), std::nullopt);
  EXPECT_EQ(after(S::kUsed, CouponMove::kLock, kNow), std::nullopt);
  EXPECT_EQ(after(S::kUnused, CouponMove::kLock, kValid.until_ms), std::nullopt);
  EXPECT_EQ(after(S::kUnused, CouponMove::kLock, kValid.from_ms - 1), std::nullopt);
  // Confirm and cancel only move a locked coupon (a repeated one finds it moved).
  EXPECT_EQ(after(S::kUsed, CouponMove::kConfirm, kNow), std::nullopt);
  EXPECT_EQ(after(S::kUnused, CouponMove::kCancel, kNow), std::nullopt);
  EXPECT_EQ(after(S::kUsed, CouponMove::kCancel, kNow), std::nullopt);
}

TEST(CouponTest, ACancelAfterTheValidityEndedExpiresTheCoupon) {
  EXPECT_EQ(after(CouponStatus::kLocked, CouponMove::kCancel, kValid.until_ms),
            CouponStatus::kExpired);
  // A payment for an order tried in time still uses it.
  EXPECT_EQ(after(CouponStatus::kLocked, CouponMove::kConfirm, kValid.until_ms),
            CouponStatus::kUsed);
}

TEST(CouponTest, TheSweepExpiresOnlyUnusedCouponsPastTheirValidity) {
  using S = CouponStatus;
  EXPECT_EQ(after(S::kUnused, CouponMove::kExpire, kValid.until_ms), S::kExpired);
  EXPECT_EQ(after(S::kUnused, CouponMove::kExpire, kValid.until_ms - 1), std::nullopt);
  EXPECT_EQ(after(S::kLocked, CouponMove::kExpire, kValid.until_ms),
            std::nullopt);  // its order decides
  EXPECT_EQ(after(S::kUsed, CouponMove::kExpire, kValid.until_ms), std::nullopt);
}

TEST(CouponTest, AFullRefundReturnsTheCouponOnlyIfTheTemplateSaysSoAndItIsStillValid) {
  using S = CouponStatus;
  EXPECT_EQ(after(S::kUsed, CouponMove::kFullRefund, kNow, /*refund_returns=*/true), S::kUnused);
  EXPECT_EQ(after(S::kUsed, CouponMove::kFullRefund, kNow, false), S::kUsed);
  EXPECT_EQ(after(S::kUsed, CouponMove::kFullRefund, kValid.until_ms, true), S::kUsed);
  EXPECT_EQ(after(S::kLocked, CouponMove::kFullRefund, kNow, true), std::nullopt);
}

TEST(CouponTest, UsabilityNamesWhyACouponCannotPay) {
  using S = CouponStatus;
  EXPECT_EQ(usability(coupon_in(S::kUnused), kUser, kNow), Refusal::kNone);
  EXPECT_EQ(usability(coupon_in(S::kUnused), kUser + 1, kNow), Refusal::kNotFound);
  EXPECT_EQ(usability(coupon_in(S::kLocked), kUser, kNow), Refusal::kLocked);
  EXPECT_EQ(usability(coupon_in(S::kUsed), kUser, kNow), Refusal::kUsed);
  EXPECT_EQ(usability(coupon_in(S::kExpired), kUser, kNow), Refusal::kExpired);
  EXPECT_EQ(usability(coupon_in(S::kUnused), kUser, kValid.until_ms), Refusal::kExpired);
  EXPECT_EQ(usability(coupon_in(S::kUnused), kUser, kValid.from_ms - 1), Refusal::kNotYetValid);
}

TEST(CouponTest, QuoteChecksTheCouponThenTheCart) {
  const CouponTemplate t = amount_off(1000, 300);
  const Coupon c = coupon_in(CouponStatus::kUnused);
  const std::vector<PricedLine> cart = {line(1, 1200)};
  EXPECT_EQ(quote_coupon(c, t, kUser, cart, kNow).discount, Money::fen(300));
  EXPECT_EQ(quote_coupon(c, t, kUser + 1, cart, kNow).refusal, Refusal::kNotFound);
  EXPECT_EQ(quote_coupon(coupon_in(CouponStatus::kUsed), t, kUser, cart, kNow).refusal,
            Refusal::kUsed);
  EXPECT_EQ(quote_coupon(c, t, kUser, std::vector<PricedLine>{line(1, 999)}, kNow).refusal,
            Refusal::kThresholdNotMet);
}

}  // namespace
}  // namespace coupons
