#include "domain/cart.h"

#include "domain/test_carts.h"

#include <gtest/gtest.h>

#include <random>

namespace orders {
namespace {

using Amount = PriceChange::LineAmount;

// A cart of lines priced by the base stage: (price, qty) per line, merchant 7.
Cart priced(const std::vector<std::pair<int64_t, int64_t>>& price_qty) {
  std::vector<testing::TestLine> lines;
  for (size_t i = 0; i < price_qty.size(); ++i) {
    lines.push_back({100 + static_cast<int64_t>(i), price_qty[i].first, price_qty[i].second});
  }
  return testing::priced_cart(lines);
}

PriceChange discount_of(int64_t fen) {
  PriceChange c;
  c.discount = Money::fen(fen);
  return c;
}

TEST(CartTest, BasePricesThenAnActivityPriceThenADiscountApportionedByPayable) {
  Cart cart = priced({{1999, 2}, {500, 1}});
  EXPECT_EQ(cart.total(), Money::fen(4498));
  PriceChange flash;
  flash.unit_prices.push_back({1, Money::fen(999)});
  ASSERT_TRUE(cart.apply("flash", Stage::kActivity, flash).ok());
  EXPECT_EQ(cart.total(), Money::fen(2498));
  ASSERT_TRUE(cart.apply("coupons", Stage::kDiscount, discount_of(500)).ok());
  // 500 over payables 1998 and 500: cumulative rounding gives 399 and 101.
  EXPECT_EQ(cart.lines()[0].discount, Money::fen(399));
  EXPECT_EQ(cart.lines()[1].discount, Money::fen(101));
  EXPECT_EQ(cart.payable(), Money::fen(1998));
  EXPECT_EQ(cart.discount_of("coupons"), Money::fen(500));
  ASSERT_EQ(cart.discounts().size(), 2u);
  const std::vector<OrderItem> items = cart.items();
  EXPECT_EQ(items[0].paid_amount, Money::fen(1998 - 399));
  EXPECT_EQ(items[0].title, "item 1");
}

TEST(CartTest, ADiscountGivenPerLineOrOverEligibleLinesStaysOnThoseLines) {
  Cart cart = priced({{1000, 1}, {1000, 1}, {1000, 1}});
  PriceChange exact = discount_of(300);
  exact.line_discounts = {{2, Money::fen(300)}};
  ASSERT_TRUE(cart.apply("coupons", Stage::kDiscount, exact).ok());
  PriceChange scoped = discount_of(101);
  scoped.eligible_lines = {1, 3};
  ASSERT_TRUE(cart.apply("points", Stage::kAfter, scoped).ok());
  EXPECT_EQ(cart.lines()[0].discount, Money::fen(50));
  EXPECT_EQ(cart.lines()[1].discount, Money::fen(300));
  EXPECT_EQ(cart.lines()[2].discount, Money::fen(51));
  EXPECT_EQ(cart.payable(), Money::fen(3000 - 401));
}

TEST(CartTest, AChangeThatBreaksTheContractIsRefusedAndChangesNothing) {
  const Cart before = priced({{1000, 1}, {10, 1}});
  auto refused = [&](std::string_view who, Stage stage, const PriceChange& change, const std::string& why) {
    Cart cart = before;
    bazaar::Status s = cart.apply(who, stage, change);
    ASSERT_FALSE(s.ok()) << why;
    EXPECT_EQ(s.error().code(), "PARTICIPANT_CONTRACT") << why;
    EXPECT_NE(s.error().message().find(std::string(who)), std::string::npos) << why;
    EXPECT_EQ(cart.payable(), before.payable()) << why;
    EXPECT_TRUE(cart.discounts().empty()) << why;
  };
  refused("coupons", Stage::kDiscount, discount_of(1011), "more than the whole payable");
  refused("coupons", Stage::kDiscount, discount_of(-1), "negative");
  PriceChange over_line = discount_of(11);
  over_line.line_discounts = {{2, Money::fen(11)}};
  refused("coupons", Stage::kDiscount, over_line, "a share above its line");
  PriceChange bad_sum = discount_of(10);
  bad_sum.line_discounts = {{1, Money::fen(4)}, {2, Money::fen(5)}};
  refused("coupons", Stage::kDiscount, bad_sum, "shares that do not sum to the discount");
  PriceChange twice = discount_of(2);
  twice.line_discounts = {{1, Money::fen(1)}, {1, Money::fen(1)}};
  refused("coupons", Stage::kDiscount, twice, "one line twice");
  PriceChange no_line = discount_of(1);
  no_line.eligible_lines = {3};
  refused("coupons", Stage::kDiscount, no_line, "a line that does not exist");
  PriceChange late_price;
  late_price.unit_prices = {{1, Money::fen(5)}};
  refused("coupons", Stage::kDiscount, late_price, "a unit price outside base and activity");
  PriceChange free;
  free.unit_prices = {{1, kZero}};
  refused("groupbuy", Stage::kActivity, free, "a unit price of 0");
  PriceChange facts;
  facts.facts = {{1, 8, "x"}};
  refused("groupbuy", Stage::kActivity, facts, "line facts outside the base stage");
}

TEST(CartTest, AnActivityPriceCannotChangeALineADiscountAlreadyTouched) {
  Cart cart = priced({{1000, 1}});
  ASSERT_TRUE(cart.apply("early", Stage::kActivity, discount_of(100)).ok());
  PriceChange price;
  price.unit_prices = {{1, Money::fen(500)}};
  EXPECT_FALSE(cart.apply("late", Stage::kActivity, price).ok());
}

TEST(CartTest, OneMerchantPerOrder) {
  Cart cart = Cart::of({{1, 1}, {2, 1}});
  PriceChange base;
  base.facts = {{1, 7, "a"}, {2, 8, "b"}};
  base.unit_prices = {{1, Money::fen(1)}, {2, Money::fen(1)}};
  ASSERT_TRUE(cart.apply("stock", Stage::kBase, base).ok());
  auto merchant = cart.single_merchant();
  ASSERT_FALSE(merchant.ok());
  EXPECT_EQ(merchant.error().code(), "MIXED_MERCHANTS");
  EXPECT_EQ(*priced({{5, 1}, {6, 2}}).single_merchant(), 7);
}

// Property: a random chain (an activity price, then discounts given whole, per
// line or over some lines) over random carts keeps payable = total − Σ
// discounts, every line's payable ≥ 0, and the recorded shares equal the
// discounts given.
TEST(CartTest, RandomChainsKeepEveryLineBetweenZeroAndItsAmount) {
  std::mt19937_64 random(6121);
  for (int round = 0; round < 600; ++round) {
    std::vector<std::pair<int64_t, int64_t>> lines;
    const size_t n = 1 + random() % 50;
    for (size_t i = 0; i < n; ++i) {
      lines.push_back({1 + static_cast<int64_t>(random() % 100'000), 1 + static_cast<int64_t>(random() % 999)});
    }
    Cart cart = priced(lines);
    PriceChange activity;
    for (const CartLine& l : cart.lines()) {
      if (random() % 4 == 0) activity.unit_prices.push_back({l.line, Money::fen(1 + static_cast<int64_t>(random() % 50'000))});
    }
    ASSERT_TRUE(cart.apply("flash", Stage::kActivity, activity).ok());
    Money given;
    for (int p = 0; p < 3; ++p) {
      const std::string name = "p" + std::to_string(p);
      PriceChange change;
      const uint64_t kind = random() % 3;
      if (kind == 0) {  // whole, apportioned over every line
        const int64_t left = cart.payable().in_fen();
        change.discount = Money::fen(left == 0 ? 0 : static_cast<int64_t>(random() % static_cast<uint64_t>(left + 1)));
      } else if (kind == 1) {  // exact per line
        for (const CartLine& l : cart.lines()) {
          if (random() % 2 == 0) continue;
          const int64_t left = l.payable().in_fen();
          const Money share = Money::fen(left == 0 ? 0 : static_cast<int64_t>(random() % static_cast<uint64_t>(left + 1)));
          change.line_discounts.push_back({l.line, share});
          change.discount += share;
        }
      } else {  // over some lines
        Money room;
        for (const CartLine& l : cart.lines()) {
          if (random() % 2 == 0) continue;
          change.eligible_lines.push_back(l.line);
          room += l.payable();
        }
        if (change.eligible_lines.empty()) continue;
        change.discount = Money::fen(room == kZero ? 0 : static_cast<int64_t>(random() % static_cast<uint64_t>(room.in_fen() + 1)));
      }
      ASSERT_TRUE(cart.apply(name, Stage::kDiscount, change).ok()) << "round " << round << " " << name;
      EXPECT_EQ(cart.discount_of(name), change.discount);
      given += change.discount;
    }
    EXPECT_EQ(cart.discount(), given);
    EXPECT_EQ(cart.payable(), cart.total() - given);
    Money recorded;
    for (const LineDiscount& d : cart.discounts()) recorded += d.amount;
    EXPECT_EQ(recorded, given);
    for (const CartLine& l : cart.lines()) {
      ASSERT_GE(l.payable(), kZero) << "round " << round;
      ASSERT_LE(l.discount, l.amount()) << "round " << round;
    }
  }
}

}  // namespace
}  // namespace orders
