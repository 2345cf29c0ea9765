#include <bazaar/rules/facts.h>

#include <gtest/gtest.h>

namespace bazaar::rules {
namespace {

TEST(FactSchema, DeclaresFactsWithSlots) {
  FactSchema schema("checkout");
  auto amount = schema.add_fact("order.amount", FactType::kMoney);
  auto user = schema.add_fact("user.id", FactType::kString);
  ASSERT_TRUE(amount.ok());
  ASSERT_TRUE(user.ok());
  EXPECT_EQ(amount.value().index, 0u);
  EXPECT_EQ(user.value().index, 1u);
  EXPECT_EQ(schema.find_fact("user.id"), user.value());
  EXPECT_FALSE(schema.find_fact("user.name").has_value());
  EXPECT_EQ(schema.fact_type(user.value()), FactType::kString);
}

TEST(FactSchema, RefusesBadDuplicateAndReservedNames) {
  FactSchema schema("checkout");
  ASSERT_TRUE(schema.add_fact("a.b", FactType::kInteger).ok());
  EXPECT_EQ(schema.add_fact("a.b", FactType::kInteger).errors()[0].message,
            "fact 'a.b' is declared twice");
  for (const char* bad : {"", "A.b", "a..b", ".a", "a.", "a b", "a-b"}) {
    EXPECT_FALSE(schema.add_fact(bad, FactType::kInteger).ok()) << bad;
  }
  EXPECT_EQ(schema.add_fact("now", FactType::kInteger).errors()[0].message,
            "fact name 'now' is reserved");
  EXPECT_FALSE(schema.add_list("a.b").ok() && schema.add_list("a.b").ok());
}

TEST(FactSchema, FingerprintChangesWithLayout) {
  FactSchema a("x"), b("x");
  ASSERT_TRUE(a.add_fact("p.q", FactType::kInteger).ok());
  ASSERT_TRUE(b.add_fact("p.q", FactType::kString).ok());
  EXPECT_NE(a.fingerprint(), b.fingerprint());
}

TEST(FactSchema, BuiltinSchemasExist) {
  auto order = builtin_schema("order.create");
  ASSERT_TRUE(order.has_value());
  for (const char* fact : {"order.amount", "order.item_count", "user.id", "user.age_days",
                           "request.ip", "device.id"}) {
    EXPECT_TRUE(order->find_fact(fact).has_value()) << fact;
  }
  EXPECT_EQ(order->fact_type(*order->find_fact("order.amount")), FactType::kMoney);
  EXPECT_TRUE(order->find_list("blacklist.users").has_value());
  EXPECT_TRUE(order->find_counter_event("order.create").has_value());
  EXPECT_TRUE(builtin_schema("coupon.claim").has_value());
  EXPECT_FALSE(builtin_schema("nope").has_value());
}

TEST(Facts, SettersCheckTypeAndSlot) {
  FactSchema schema("x");
  const auto n = schema.add_fact("n", FactType::kInteger).value();
  const auto s = schema.add_fact("s", FactType::kString).value();
  Facts facts(schema);
  EXPECT_FALSE(facts.value(n.index).present);
  EXPECT_TRUE(facts.set_integer(n, 5));
  EXPECT_FALSE(facts.set_string(n, "five"));
  EXPECT_FALSE(facts.set_money(n, 5));
  EXPECT_FALSE(facts.set_integer(FactSlot{7}, 5));
  EXPECT_TRUE(facts.set_string(s, "five"));
  EXPECT_EQ(facts.value(n.index).number, 5);
  EXPECT_EQ(facts.value(s.index).text, "five");
  facts.clear(n);
  EXPECT_FALSE(facts.value(n.index).present);
  facts.clear_all();
  EXPECT_FALSE(facts.value(s.index).present);
}

}  // namespace
}  // namespace bazaar::rules
