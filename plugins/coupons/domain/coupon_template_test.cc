#include "domain/coupon_template.h"

#include <gtest/gtest.h>

namespace coupons {
namespace {

TEST(CouponTemplateTest, StatusMovesAreExactlyThoseOfTheStateMachine) {
  using S = TemplateStatus;
  const S all[] = {S::kDraft, S::kActive, S::kPaused, S::kEnded};
  int allowed = 0;
  for (S from : all) {
    for (S to : all) allowed += can_move(from, to) ? 1 : 0;
  }
  EXPECT_EQ(allowed, 5);
  EXPECT_TRUE(can_move(S::kDraft, S::kActive));
  EXPECT_TRUE(can_move(S::kActive, S::kPaused));
  EXPECT_TRUE(can_move(S::kPaused, S::kActive));
  EXPECT_TRUE(can_move(S::kActive, S::kEnded));
  EXPECT_TRUE(can_move(S::kPaused, S::kEnded));
  EXPECT_FALSE(can_move(S::kDraft, S::kPaused));
  EXPECT_FALSE(can_move(S::kEnded, S::kActive));
  EXPECT_FALSE(can_move(S::kActive, S::kDraft));
}

TEST(CouponTemplateTest, NamesReadBackToTheirValues) {
  for (auto s : {TemplateStatus::kDraft, TemplateStatus::kActive, TemplateStatus::kPaused,
                 TemplateStatus::kEnded}) {
    EXPECT_EQ(parse_template_status(to_string(s)), s);
  }
  for (auto k : {ScopeKind::kAll, ScopeKind::kSkus, ScopeKind::kAllBut})
    EXPECT_EQ(parse_scope_kind(to_string(k)), k);
  for (auto k : {DiscountKind::kAmountOff, DiscountKind::kPercentOff}) {
    EXPECT_EQ(parse_discount_kind(to_string(k)), k);
  }
  EXPECT_EQ(parse_template_status("active"), std::nullopt);  // names are exact
  EXPECT_EQ(parse_scope_kind(""), std::nullopt);
}

TEST(CouponTemplateTest, ScopeCoversTheListedOrTheUnlistedSkus) {
  EXPECT_TRUE((Scope{ScopeKind::kAll, {}}).covers(5));
  const Scope only{ScopeKind::kSkus, {3, 7, 11}};
  const Scope except{ScopeKind::kAllBut, {3, 7, 11}};
  EXPECT_TRUE(only.covers(7));
  EXPECT_FALSE(only.covers(8));
  EXPECT_FALSE(except.covers(11));
  EXPECT_TRUE(except.covers(12));
}

TEST(CouponTemplateTest, ValidityIsTheFixedWindowOrWholeDaysFromTheClaim) {
  ValidityRule fixed{ValidityRule::Kind::kFixed, {1000, 5000}, 0};
  EXPECT_EQ(fixed.for_claim_at(4000), (Window{1000, 5000}));
  ValidityRule days{ValidityRule::Kind::kDaysFromClaim, {}, 3};
  const Window w = days.for_claim_at(10);
  EXPECT_EQ(w, (Window{10, 10 + 3 * kDayMs}));
  EXPECT_TRUE(w.contains(10));
  EXPECT_TRUE(w.contains(w.until_ms - 1));
  EXPECT_FALSE(w.contains(w.until_ms));  // half-open: the end is already past
  EXPECT_FALSE(w.contains(9));
}

}  // namespace
}  // namespace coupons
