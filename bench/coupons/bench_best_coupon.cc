// rank_coupons over a buyer's coupons and a cart: 200 coupons × 20 lines is
// the checkout case; 20 and 1,000 coupons show how it scales. Half
// the templates list SKUs (up to 1,000 each, binary-searched), a third are
// percentages, some stack with activity prices.
#include "domain/best_coupon.h"

#include <benchmark/benchmark.h>

#include <deque>
#include <random>
#include <vector>

namespace {

using namespace coupons;

constexpr int64_t kMerchant = 7;
constexpr int64_t kNow = 1'764'547'200'000;

struct Wallet {
  std::deque<CouponTemplate> templates;
  std::deque<Coupon> coupons;
  std::vector<HeldCoupon> held;
};

Wallet wallet(int count, std::mt19937_64& rng) {
  auto pick = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  Wallet w;
  for (int i = 1; i <= count; ++i) {
    CouponTemplate t;
    t.id = i;
    t.merchant_id = kMerchant;
    t.rules.money = i % 3 == 0 ? MoneyRule{DiscountKind::kPercentOff, Money::fen(pick(0, 50000)),
                                           kZero, pick(1, 99), Money::fen(pick(1, 5000))}
                               : MoneyRule{DiscountKind::kAmountOff, Money::fen(pick(0, 50000)),
                                           Money::fen(pick(1, 5000)), 0, kZero};
    if (i % 2 == 0) {
      t.rules.scope.kind = i % 4 == 0 ? ScopeKind::kSkus : ScopeKind::kAllBut;
      for (int64_t n = pick(1, 1000), sku = 0; n > 0; --n)
        t.rules.scope.sku_ids.push_back(sku += pick(1, 3));
    }
    t.rules.stacks_with_activity = i % 5 == 0;
    w.templates.push_back(t);
    w.coupons.push_back(
        {i, i, 42, CouponStatus::kUnused, kNow - 1000, {kNow - 1000, kNow + pick(1, 1'000'000)}});
    w.held.push_back({&w.coupons.back(), &w.templates.back()});
  }
  return w;
}

void BM_RankCoupons(benchmark::State& state) {
  std::mt19937_64 rng(15);
  const Wallet w = wallet(static_cast<int>(state.range(0)), rng);
  std::vector<PricedLine> cart;
  for (int line = 1; line <= 20; ++line) {
    cart.push_back({line, static_cast<int64_t>(rng() % 3000), kMerchant,
                    Money::fen(static_cast<int64_t>(rng() % 20000)), line % 7 == 0});
  }
  for (auto _ : state) {
    CouponRanking ranking = rank_coupons(w.held, 42, cart, kNow);
    benchmark::DoNotOptimize(ranking);
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_RankCoupons)->Arg(20)->Arg(200)->Arg(1000)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
