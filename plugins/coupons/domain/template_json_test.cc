#include "domain/template_json.h"

#include "domain/test_coupons.h"

#include <gtest/gtest.h>

namespace coupons {
namespace {

using coupons::testing::Dice;

constexpr int64_t kT0 = coupons::testing::kNow;
constexpr int64_t kDay = kDayMs;

Json amount_off_body() {
  return {{"name", "10 off 100"}, {"kind", "amount_off"},
          {"threshold", 10000},   {"amount", 1000},
          {"valid_from_ms", kT0}, {"valid_until_ms", kT0 + 30 * kDay},
          {"claim_from_ms", kT0}, {"claim_until_ms", kT0 + 7 * kDay},
          {"total", 500}};
}

Json percent_off_body() {
  return {
      {"name", "15% off"},     {"kind", "percent_off"}, {"percent", 15},
      {"cap", 2000},           {"scope", "skus"},       {"sku_ids", {"7205759403792793600", 42}},
      {"valid_days", 7},       {"claim_from_ms", kT0},  {"claim_until_ms", kT0 + kDay},
      {"total", 100},          {"per_user_limit", 2},   {"stacks_with_activity", true},
      {"refund_returns", true}};
}

std::string code_of(const Json& body) {
  auto parsed = parse_template_rules(body);
  if (parsed.ok()) return "OK";
  EXPECT_EQ(parsed.error().status(), BZ_INVALID_ARGUMENT);
  EXPECT_FALSE(parsed.error().message().empty());
  return parsed.error().code();
}

Json with(Json body, const char* field, Json value) {
  body[field] = std::move(value);
  return body;
}

Json without(Json body, const char* field) {
  body.erase(field);
  return body;
}

TEST(TemplateJsonTest, ReadsAnAmountOffTemplateWithItsDefaults) {
  auto rules = parse_template_rules(amount_off_body());
  ASSERT_TRUE(rules.ok()) << rules.error().message();
  EXPECT_EQ(rules->money,
            (MoneyRule{DiscountKind::kAmountOff, Money::fen(10000), Money::fen(1000), 0, kZero}));
  EXPECT_EQ(rules->scope.kind, ScopeKind::kAll);
  EXPECT_EQ(rules->validity.fixed, (Window{kT0, kT0 + 30 * kDay}));
  EXPECT_EQ(rules->per_user_limit, 1);
  EXPECT_FALSE(rules->stacks_with_activity);
  EXPECT_FALSE(rules->refund_returns);
}

TEST(TemplateJsonTest, ReadsAPercentOffTemplateWithSortedSkus) {
  auto rules = parse_template_rules(percent_off_body());
  ASSERT_TRUE(rules.ok()) << rules.error().message();
  EXPECT_EQ(rules->money.percent, 15);
  EXPECT_EQ(rules->money.cap, Money::fen(2000));
  EXPECT_EQ(rules->scope.sku_ids, (std::vector<int64_t>{42, 7205759403792793600}));
  EXPECT_EQ(rules->validity.kind, ValidityRule::Kind::kDaysFromClaim);
  EXPECT_EQ(rules->validity.days, 7);
  EXPECT_TRUE(rules->stacks_with_activity);
  EXPECT_TRUE(rules->refund_returns);
}

TEST(TemplateJsonTest, BadInputIsRefusedWithAStableCode) {
  const Json a = amount_off_body();
  const Json p = percent_off_body();
  Json many = Json::array();
  for (int i = 1; i <= 1001; ++i) many.push_back(i);
  const std::vector<std::pair<Json, std::string>> cases = {
      {Json::array(), "INVALID_BODY"},
      {with(a, "colour", "red"), "UNKNOWN_FIELD"},
      {with(a, "percent", 10), "FIELD_NOT_FOR_KIND"},
      {with(p, "amount", 10), "FIELD_NOT_FOR_KIND"},
      {with(a, "name", ""), "INVALID_NAME"},
      {with(a, "name", std::string(101, 'x')), "INVALID_NAME"},
      {with(a, "name", "tab\there"), "INVALID_NAME"},
      {with(a, "kind", "free_lunch"), "INVALID_KIND"},
      {without(a, "kind"), "INVALID_KIND"},
      {with(a, "amount", -1), "INVALID_AMOUNT"},
      {with(a, "amount", 0), "INVALID_AMOUNT"},
      {with(a, "amount", 1'000'000'001), "INVALID_AMOUNT"},
      {with(a, "amount", 18446744073709551615ull), "INVALID_AMOUNT"},
      {with(a, "amount", 10.5), "INVALID_AMOUNT"},
      {with(a, "amount", "1000"), "INVALID_AMOUNT"},
      {with(a, "threshold", -5), "INVALID_THRESHOLD"},
      {with(p, "percent", 0), "INVALID_PERCENT"},
      {with(p, "percent", 100), "INVALID_PERCENT"},
      {with(p, "percent", 150), "INVALID_PERCENT"},
      {with(p, "percent", 15.5), "INVALID_PERCENT"},
      {without(p, "cap"), "INVALID_CAP"},
      {with(p, "cap", 0), "INVALID_CAP"},
      {with(p, "scope", "some"), "INVALID_SCOPE"},
      {without(p, "sku_ids"), "INVALID_SCOPE"},
      {with(p, "sku_ids", Json::array()), "INVALID_SCOPE"},
      {with(p, "sku_ids", {5, "5"}), "INVALID_SCOPE"},
      {with(a, "sku_ids", {5}), "INVALID_SCOPE"},
      {with(p, "sku_ids", many), "SCOPE_TOO_LARGE"},
      {with(p, "sku_ids", {0}), "INVALID_SKU_ID"},
      {with(p, "sku_ids", {"12ab"}), "INVALID_SKU_ID"},
      {with(p, "sku_ids", {-3}), "INVALID_SKU_ID"},
      {with(a, "valid_days", 3), "INVALID_VALIDITY"},
      {without(without(a, "valid_from_ms"), "valid_until_ms"), "INVALID_VALIDITY"},
      {with(p, "valid_days", 0), "INVALID_VALIDITY"},
      {with(a, "valid_until_ms", kT0), "INVALID_WINDOW"},
      {with(a, "valid_until_ms", kT0 - 1), "INVALID_WINDOW"},
      {without(a, "valid_until_ms"), "INVALID_WINDOW"},
      {with(a, "valid_from_ms", -1), "INVALID_WINDOW"},
      {with(a, "claim_until_ms", kT0 - kDay), "INVALID_WINDOW"},
      {with(a, "claim_until_ms", kT0 + 31 * kDay), "INVALID_WINDOW"},
      {with(a, "total", 0), "INVALID_QUANTITY"},
      {with(a, "total", 100'000'001), "INVALID_QUANTITY"},
      {with(a, "per_user_limit", 0), "INVALID_PER_USER_LIMIT"},
      {with(a, "refund_returns", "yes"), "INVALID_FLAG"},
  };
  for (const auto& [body, code] : cases)
    EXPECT_EQ(code_of(body), code) << body.dump().substr(0, 300);
}

TEST(TemplateJsonTest, AnEditMergesIntoTheCurrentRules) {
  const TemplateRules current = *parse_template_rules(amount_off_body());
  auto renamed =
      parse_template_edit(current, {{"version", 3}, {"name", "new name"}, {"total", 900}});
  ASSERT_TRUE(renamed.ok()) << renamed.error().message();
  EXPECT_EQ(renamed->version, 3);
  EXPECT_EQ(renamed->rules.name, "new name");
  EXPECT_EQ(renamed->rules.total, 900);
  EXPECT_EQ(renamed->rules.money, current.money);
  // null removes a field: the fixed validity becomes valid_days; the kind changes likewise.
  auto switched = parse_template_edit(current, {{"version", 1},
                                                {"valid_from_ms", nullptr},
                                                {"valid_until_ms", nullptr},
                                                {"valid_days", 3},
                                                {"kind", "percent_off"},
                                                {"amount", nullptr},
                                                {"percent", 10},
                                                {"cap", 500}});
  ASSERT_TRUE(switched.ok()) << switched.error().message();
  EXPECT_EQ(switched->rules.validity.kind, ValidityRule::Kind::kDaysFromClaim);
  EXPECT_EQ(switched->rules.money.percent, 10);
}

TEST(TemplateJsonTest, AnEditNeedsItsVersionAndValidRules) {
  const TemplateRules current = *parse_template_rules(amount_off_body());
  auto code = [&](const Json& body) {
    auto edit = parse_template_edit(current, body);
    return edit.ok() ? std::string("OK") : edit.error().code();
  };
  EXPECT_EQ(code({{"name", "x"}}), "INVALID_VERSION");
  EXPECT_EQ(code({{"version", 0}}), "INVALID_VERSION");
  EXPECT_EQ(code({{"version", "1"}}), "INVALID_VERSION");
  EXPECT_EQ(code({{"version", 18446744073709551615ULL}}), "INVALID_VERSION");
  EXPECT_EQ(code(Json::array()), "INVALID_BODY");
  EXPECT_EQ(code({{"version", 1}, {"amount", -1}}), "INVALID_AMOUNT");
  EXPECT_EQ(code({{"version", 1}, {"percent", 10}}), "FIELD_NOT_FOR_KIND");
  EXPECT_EQ(code({{"version", 1}, {"colour", "red"}}), "UNKNOWN_FIELD");
  EXPECT_EQ(code({{"version", 1}}), "OK");
}

TEST(TemplateJsonTest, LimitsThemselvesAreAccepted) {
  Json a = amount_off_body();
  a["amount"] = 1'000'000'000;
  a["threshold"] = 0;
  a["total"] = 100'000'000;
  EXPECT_EQ(code_of(a), "OK");
  Json p = percent_off_body();
  p["percent"] = 99;
  Json ids = Json::array();
  for (int i = 1; i <= 1000; ++i) ids.push_back(i);
  p["sku_ids"] = ids;
  EXPECT_EQ(code_of(p), "OK");
  p["percent"] = 1;
  p["valid_days"] = 3650;
  EXPECT_EQ(code_of(p), "OK");
}

// Property: any valid rules written by to_json read back to the same rules.
TEST(TemplateJsonTest, RandomRulesRoundTripThroughJson) {
  Dice pick(20261206);
  for (int i = 0; i < 500; ++i) {
    TemplateRules r;
    r.name = "t" + std::to_string(i);
    if (pick(0, 1) == 0) {
      r.money = {DiscountKind::kAmountOff, Money::fen(pick(0, kMaxFen)),
                 Money::fen(pick(1, kMaxFen)), 0, kZero};
    } else {
      r.money = {DiscountKind::kPercentOff, Money::fen(pick(0, kMaxFen)), kZero, pick(1, 99),
                 Money::fen(pick(1, kMaxFen))};
    }
    r.scope.kind = static_cast<ScopeKind>(pick(0, 2));
    if (r.scope.kind != ScopeKind::kAll) {
      for (int64_t n = pick(1, 20), sku = 0; n > 0; --n)
        r.scope.sku_ids.push_back(sku += pick(1, 1'000'000));
    }
    const int64_t from = pick(0, kT0);
    r.claim_window = {from, from + pick(1, 30 * kDay)};
    if (pick(0, 1) == 0) {
      r.validity = {ValidityRule::Kind::kFixed, {from, r.claim_window.until_ms + pick(0, kDay)}, 0};
    } else {
      r.validity = {ValidityRule::Kind::kDaysFromClaim, {}, pick(1, kMaxValidDays)};
    }
    r.total = pick(1, kMaxTotal);
    r.per_user_limit = pick(1, kMaxPerUser);
    r.stacks_with_activity = pick(0, 1) == 1;
    r.refund_returns = pick(0, 1) == 1;
    auto back = parse_template_rules(to_json(r));
    ASSERT_TRUE(back.ok()) << pick.where(i) << ": " << back.error().message();
    EXPECT_EQ(*back, r) << pick.where(i) << ": " << to_json(r).dump();
  }
}

}  // namespace
}  // namespace coupons
