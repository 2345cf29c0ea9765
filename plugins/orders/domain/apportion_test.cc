#include "domain/apportion.h"

#include <gtest/gtest.h>

#include <random>

namespace orders {
namespace {

std::vector<Money> fen(std::initializer_list<int64_t> values) {
  std::vector<Money> out;
  for (int64_t v : values) out.push_back(Money::fen(v));
  return out;
}

Money sum(const std::vector<Money>& values) {
  Money s;
  for (Money v : values) s += v;
  return s;
}

TEST(ApportionTest, SplitsInProportionAndTheLastLineTakesTheRemainder) {
  // 1000 over 1:1:1 is 333.33 each: the rounding left goes to the last line.
  EXPECT_EQ(apportion(Money::fen(1000), fen({3000, 3000, 3000})), fen({333, 333, 334}));
  EXPECT_EQ(apportion(Money::fen(500), fen({1000, 3000})), fen({125, 375}));
}

TEST(ApportionTest, NoShareExceedsItsLineWhereFlooringPlusRemainderWould) {
  // Floor each share and give the rest to the last line: 99, 99, 2 — the last
  // line (1 fen) would go to -1. Cumulative rounding keeps every share within its line.
  const std::vector<Money> weights = fen({100, 100, 1});
  const std::vector<Money> shares = apportion(Money::fen(200), weights);
  ASSERT_EQ(shares.size(), 3u);
  EXPECT_EQ(sum(shares), Money::fen(200));
  for (size_t i = 0; i < shares.size(); ++i) EXPECT_LE(shares[i], weights[i]) << i;
}

TEST(ApportionTest, ZeroAmountAllAndZeroWeights) {
  EXPECT_EQ(apportion(kZero, fen({5, 7})), fen({0, 0}));
  EXPECT_EQ(apportion(Money::fen(12), fen({5, 7})), fen({5, 7}));  // everything: each line in full
  EXPECT_EQ(apportion(Money::fen(6), fen({0, 6, 0})), fen({0, 6, 0}));
  EXPECT_EQ(apportion(kZero, fen({0, 0})), fen({0, 0}));
}

TEST(ApportionTest, RefusesMoreThanTheWeightsOrNegativeInput) {
  EXPECT_TRUE(apportion(Money::fen(13), fen({5, 7})).empty());
  EXPECT_TRUE(apportion(Money::fen(-1), fen({5, 7})).empty());
  EXPECT_TRUE(apportion(Money::fen(1), fen({5, -7})).empty());
  EXPECT_TRUE(apportion(Money::fen(1), fen({0, 0})).empty());
}

// Property: over random carts of 1–50 lines with odd amounts, the shares sum
// exactly, each is within [0, its weight], and within one fen of its exact
// proportion.
TEST(ApportionTest, RandomCartsSumExactlyAndStayWithinEveryLine) {
  std::mt19937_64 random(20261206);
  for (int round = 0; round < 5000; ++round) {
    const size_t lines = 1 + random() % 50;
    std::vector<Money> weights;
    int64_t total = 0;
    for (size_t i = 0; i < lines; ++i) {
      // Mostly ordinary prices, sometimes 0 or 1 fen, sometimes huge.
      const uint64_t kind = random() % 10;
      const int64_t w = kind == 0 ? 0 : kind == 1 ? 1 : kind == 2 ? static_cast<int64_t>(random() % 999'000'000'000)
                                                                 : static_cast<int64_t>(random() % 100'000) * 2 + 1;
      weights.push_back(Money::fen(w));
      total += w;
    }
    const int64_t amount = total == 0 ? 0 : static_cast<int64_t>(random() % static_cast<uint64_t>(total + 1));
    const std::vector<Money> shares = apportion(Money::fen(amount), weights);
    ASSERT_EQ(shares.size(), lines) << "round " << round;
    EXPECT_EQ(sum(shares), Money::fen(amount)) << "round " << round;
    for (size_t i = 0; i < lines; ++i) {
      ASSERT_GE(shares[i], kZero) << "round " << round << " line " << i;
      ASSERT_LE(shares[i], weights[i]) << "round " << round << " line " << i;
      if (total > 0) {
        const long double exact = static_cast<long double>(amount) * static_cast<long double>(weights[i].in_fen()) /
                                  static_cast<long double>(total);
        ASSERT_LT(std::abs(static_cast<long double>(shares[i].in_fen()) - exact), 1.0L + 1e-6L)
            << "round " << round << " line " << i;
      }
    }
  }
}

}  // namespace
}  // namespace orders
