#include "domain/template_update.h"

#include <gtest/gtest.h>

#include <functional>

namespace coupons {
namespace {

CouponTemplate live_template() {
  CouponTemplate t;
  t.id = 1;
  t.merchant_id = 7;
  t.status = TemplateStatus::kActive;
  t.rules.name = "10 off 100";
  t.rules.money = {DiscountKind::kAmountOff, Money::fen(10000), Money::fen(1000), 0, kZero};
  t.rules.scope = {ScopeKind::kSkus, {3, 4}};
  t.rules.validity = {ValidityRule::Kind::kDaysFromClaim, {}, 7};
  t.rules.claim_window = {1000, 2000};
  t.rules.total = 100;
  return t;
}

std::string code_of(const bazaar::Status& status) {
  return status.ok() ? "OK" : status.error().code();
}

TEST(TemplateUpdateTest, BeforeAnyClaimEveryRuleMayChange) {
  const CouponTemplate t = live_template();
  TemplateRules p = t.rules;
  p.money = {DiscountKind::kPercentOff, kZero, kZero, 20, Money::fen(500)};
  p.scope = {ScopeKind::kAll, {}};
  p.refund_returns = true;
  p.total = 1;
  EXPECT_EQ(code_of(check_update(t, p, 0)), "OK");
}

TEST(TemplateUpdateTest, OnceClaimedTheRulesThatMakeACouponsWorthAreFrozen) {
  const CouponTemplate t = live_template();
  const std::vector<std::function<void(TemplateRules&)>> frozen = {
      [](TemplateRules& r) { r.money.amount = Money::fen(1001); },
      [](TemplateRules& r) { r.money.threshold = Money::fen(9999); },
      [](TemplateRules& r) { r.money.kind = DiscountKind::kPercentOff; },
      [](TemplateRules& r) { r.scope.sku_ids.push_back(5); },
      [](TemplateRules& r) { r.scope.kind = ScopeKind::kAllBut; },
      [](TemplateRules& r) { r.validity.days = 8; },
      [](TemplateRules& r) { r.stacks_with_activity = true; },
      [](TemplateRules& r) { r.refund_returns = true; },
  };
  for (size_t i = 0; i < frozen.size(); ++i) {
    TemplateRules p = t.rules;
    frozen[i](p);
    EXPECT_EQ(code_of(check_update(t, p, 1)), "RULES_FROZEN") << "change " << i;
    EXPECT_EQ(code_of(check_update(t, p, 0)), "OK") << "change " << i;
  }
}

TEST(TemplateUpdateTest, OnceClaimedTheNameWindowAndLimitsMayStillChange) {
  const CouponTemplate t = live_template();
  TemplateRules p = t.rules;
  p.name = "renamed";
  p.claim_window = {1000, 9000};
  p.per_user_limit = 3;
  p.total = 500;
  EXPECT_EQ(code_of(check_update(t, p, 60)), "OK");
}

TEST(TemplateUpdateTest, TheTotalNeverGoesBelowWhatIsClaimed) {
  const CouponTemplate t = live_template();
  TemplateRules p = t.rules;
  p.total = 60;
  EXPECT_EQ(code_of(check_update(t, p, 60)), "OK");  // down to exactly what is claimed
  p.total = 59;
  EXPECT_EQ(code_of(check_update(t, p, 60)), "TOTAL_BELOW_CLAIMED");
}

TEST(TemplateUpdateTest, AnEndedTemplateChangesNoMore) {
  CouponTemplate t = live_template();
  t.status = TemplateStatus::kEnded;
  EXPECT_EQ(code_of(check_update(t, t.rules, 0)), "TEMPLATE_ENDED");
}

}  // namespace
}  // namespace coupons
