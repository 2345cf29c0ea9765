// Test helper (domain unit tests only): templates, carts and coupons built in
// one line each, and a random cart generator for property tests.
#pragma once

#include "domain/coupon.h"
#include "domain/discount.h"

#include <ostream>
#include <random>
#include <string>
#include <vector>

namespace coupons {

// Failures print a refusal by its code and a status by its name.
inline void PrintTo(Refusal refusal, std::ostream* out) {
  *out << (refusal == Refusal::kNone ? "applies" : code_of(refusal));
}
inline void PrintTo(CouponStatus status, std::ostream* out) { *out << to_string(status); }

}  // namespace coupons

namespace coupons::testing {

// Seeded randomness for property tests: dice(lo, hi) is uniform in [lo, hi];
// where(i) names the seed and the case, for failure messages.
class Dice {
 public:
  explicit Dice(uint64_t seed) : seed_(seed), engine_(seed) {}
  int64_t operator()(int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(engine_);
  }
  std::string where(int i) const {
    return "seed " + std::to_string(seed_) + " case " + std::to_string(i);
  }

 private:
  uint64_t seed_;
  std::mt19937_64 engine_;
};

inline constexpr int64_t kMerchant = 7;
inline constexpr int64_t kOtherMerchant = 8;
inline constexpr int64_t kNow = 1'764'547'200'000;  // 2025-12-01T00:00:00Z
inline constexpr Window kValid{kNow - kDayMs, kNow + kDayMs};

inline CouponTemplate amount_off(int64_t threshold, int64_t amount, Scope scope = {}) {
  CouponTemplate t;
  t.id = 1;
  t.merchant_id = kMerchant;
  t.status = TemplateStatus::kActive;
  t.rules.name = "amount off";
  t.rules.money = {DiscountKind::kAmountOff, Money::fen(threshold), Money::fen(amount), 0, kZero};
  t.rules.scope = std::move(scope);
  t.rules.validity = {ValidityRule::Kind::kFixed, kValid, 0};
  t.rules.claim_window = kValid;
  t.rules.total = 100;
  return t;
}

inline CouponTemplate percent_off(int64_t threshold, int64_t percent, int64_t cap,
                                  Scope scope = {}) {
  CouponTemplate t = amount_off(threshold, 1, std::move(scope));
  t.rules.name = "percent off";
  t.rules.money = {DiscountKind::kPercentOff, Money::fen(threshold), kZero, percent,
                   Money::fen(cap)};
  return t;
}

// A line of merchant kMerchant unless told otherwise; sku = 100 + line.
inline PricedLine line(int number, int64_t payable, bool activity_priced = false,
                       int64_t merchant_id = kMerchant) {
  return {number, 100 + number, merchant_id, Money::fen(payable), activity_priced};
}

// Up to `max_lines` lines with payables up to `max_fen`: some of another
// merchant, some activity-priced.
inline std::vector<PricedLine> random_cart(Dice& pick, int max_lines, int64_t max_fen) {
  std::vector<PricedLine> lines;
  const auto count = static_cast<int>(pick(1, max_lines));
  for (int i = 1; i <= count; ++i) {
    lines.push_back(
        line(i, pick(0, max_fen), pick(0, 4) == 0, pick(0, 5) == 0 ? kOtherMerchant : kMerchant));
  }
  return lines;
}

}  // namespace coupons::testing
