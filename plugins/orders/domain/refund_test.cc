#include "domain/refund.h"

#include <gtest/gtest.h>

#include <random>

namespace orders {
namespace {

OrderItem item(int line, int64_t qty, int64_t paid) {
  OrderItem i;
  i.line = line;
  i.sku_id = 1000 + line;
  i.qty = qty;
  i.amount = Money::fen(paid + 100);
  i.discount = Money::fen(100);
  i.paid_amount = Money::fen(paid);
  return i;
}

Order order_of(std::vector<OrderItem> items) {
  Order o;
  o.status = OrderStatus::kPaid;
  o.items = std::move(items);
  return o;
}

TEST(RefundTest, DefaultAmountsSplitTheLineAndTheLastUnitTakesTheRest) {
  OrderItem i = item(1, 3, 1000);
  EXPECT_EQ(default_refund_amount(i, 1), Money::fen(333));
  EXPECT_EQ(default_refund_amount(i, 2), Money::fen(666));
  EXPECT_EQ(default_refund_amount(i, 3), Money::fen(1000));
  i.refunded_qty = 2;
  i.refunded_amount = Money::fen(666);
  EXPECT_EQ(default_refund_amount(i, 1), Money::fen(334));
}

TEST(RefundTest, APlanIsCappedByWhatEachLineWasCharged) {
  const Order o = order_of({item(1, 2, 500), item(2, 1, 0)});
  auto too_much = plan_refund(o, {{{1, 1, Money::fen(501)}}, "x"});
  ASSERT_FALSE(too_much.ok());
  EXPECT_EQ(too_much.error().code(), "REFUND_EXCEEDS_PAID");
  auto too_many = plan_refund(o, {{{1, 3, std::nullopt}}, "x"});
  ASSERT_FALSE(too_many.ok());
  EXPECT_EQ(too_many.error().code(), "REFUND_EXCEEDS_PAID");
  auto no_line = plan_refund(o, {{{3, 1, std::nullopt}}, "x"});
  ASSERT_FALSE(no_line.ok());
  EXPECT_EQ(no_line.error().code(), "BAD_LINE");
  // A free unit (a discount took all of it) goes back for 0.
  auto free_unit = plan_refund(o, {{{2, 1, std::nullopt}}, "x"});
  ASSERT_TRUE(free_unit.ok());
  EXPECT_EQ(free_unit->total, kZero);
  EXPECT_FALSE(free_unit->completes_order);
  auto all = plan_refund(o, {{{1, 2, std::nullopt}, {2, 1, std::nullopt}}, "x"});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->total, Money::fen(500));
  EXPECT_TRUE(all->completes_order);
}

TEST(RefundTest, AFullRefundTakesEverythingLeftOnEveryLine) {
  Order o = order_of({item(1, 2, 500), item(2, 3, 900), item(3, 1, 50)});
  o.items[0].refunded_qty = 1;
  o.items[0].refunded_amount = Money::fen(250);
  o.items[2].refunded_qty = 1;
  o.items[2].refunded_amount = Money::fen(50);  // nothing left: not in the plan
  const RefundPlan plan = plan_full_refund(o);
  ASSERT_EQ(plan.lines.size(), 2u);
  EXPECT_EQ(plan.lines[0].qty, 1);
  EXPECT_EQ(plan.lines[0].amount, Money::fen(250));
  EXPECT_EQ(plan.lines[1].qty, 3);
  EXPECT_EQ(plan.lines[1].amount, Money::fen(900));
  EXPECT_EQ(plan.total, Money::fen(1150));
  EXPECT_TRUE(plan.completes_order);
}

// Property: refunding random lines unit by unit with default amounts never
// takes more than a line was charged, and the last refund leaves every line
// refunded exactly in full.
TEST(RefundTest, UnitByUnitRefundsAddUpToExactlyWhatWasCharged) {
  std::mt19937_64 random(42);
  for (int round = 0; round < 2000; ++round) {
    std::vector<OrderItem> items;
    const int lines = 1 + static_cast<int>(random() % 10);
    for (int l = 1; l <= lines; ++l) {
      items.push_back(item(l, 1 + static_cast<int64_t>(random() % 20), static_cast<int64_t>(random() % 100'000)));
    }
    Order o = order_of(items);
    bool done = false;
    while (!done) {
      RefundRequest r;
      r.reason = "test";
      for (const OrderItem& i : o.items) {
        const int64_t left = i.qty - i.refunded_qty;
        if (left > 0 && random() % 2 == 0) r.lines.push_back({i.line, 1 + static_cast<int64_t>(random() % static_cast<uint64_t>(left)), std::nullopt});
      }
      if (r.lines.empty()) continue;
      auto plan = plan_refund(o, r);
      ASSERT_TRUE(plan.ok()) << plan.error().message();
      for (const RefundLine& l : plan->lines) {
        OrderItem& i = o.items[static_cast<size_t>(l.line) - 1];
        i.refunded_qty += l.qty;
        i.refunded_amount += l.amount;
        ASSERT_LE(i.refunded_amount, i.paid_amount);
      }
      done = plan->completes_order;
    }
    for (const OrderItem& i : o.items) {
      EXPECT_EQ(i.refunded_qty, i.qty);
      EXPECT_EQ(i.refunded_amount, i.paid_amount);
    }
  }
}

TEST(RefundTest, ParsesRequestsAndRefusesBadShapes) {
  auto ok = parse_refund_request(R"({"lines":[{"line":1,"qty":2,"amount":0},{"line":2,"qty":1}],"reason":"broken"})");
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->lines[0].amount, kZero);
  EXPECT_FALSE(ok->lines[1].amount.has_value());
  auto code = [](std::string_view body) {
    auto r = parse_refund_request(body);
    return r.ok() ? std::string("OK") : r.error().code();
  };
  EXPECT_EQ(code(R"({"lines":[],"reason":"x"})"), "BAD_LINES");
  EXPECT_EQ(code(R"({"lines":[{"line":1,"qty":1}]})"), "BAD_REASON");
  EXPECT_EQ(code(R"({"lines":[{"line":1,"qty":1},{"line":1,"qty":1}],"reason":"x"})"), "DUPLICATE_LINE");
  EXPECT_EQ(code(R"({"lines":[{"line":1,"qty":0}],"reason":"x"})"), "BAD_QTY");
  EXPECT_EQ(code(R"({"lines":[{"line":1,"qty":1,"amount":-1}],"reason":"x"})"), "BAD_AMOUNT");
  EXPECT_EQ(code(R"({"lines":[{"line":1,"qty":1,"price":1}],"reason":"x"})"), "UNKNOWN_FIELD");
  EXPECT_EQ(code("nope"), "INVALID_JSON");
}

}  // namespace
}  // namespace orders
