#include "domain/risk_facts.h"

#include "domain/test_carts.h"

#include <gtest/gtest.h>

namespace orders {
namespace {

TEST(RiskFactsTest, TheOrderCreateFactsDescribeThePricedCart) {
  Cart cart = testing::priced_cart({{11, 1000, 2}, {12, 500, 1}});
  PriceChange coupon;
  coupon.discount = Money::fen(300);
  ASSERT_TRUE(cart.apply("coupons", Stage::kDiscount, coupon).ok());
  const Json facts = order_create_facts(cart, {42, "10.0.0.9", "dev-1"}, "SAVE3", 1'700'000'000'000);
  EXPECT_EQ(facts["order.amount"], 2200);
  EXPECT_EQ(facts["order.total"], 2500);
  EXPECT_EQ(facts["order.item_count"], 2);
  EXPECT_EQ(facts["order.quantity"], 3);
  EXPECT_EQ(facts["order.sku_ids"], Json::array({"11", "12"}));
  EXPECT_EQ(facts["order.merchant_ids"], Json::array({"7"}));
  EXPECT_EQ(facts["order.coupon_code"], "SAVE3");
  EXPECT_EQ(facts["user.id"], "42");
  EXPECT_EQ(facts["request.ip"], "10.0.0.9");
  EXPECT_EQ(facts["request.time"], 1'700'000'000'000);
  EXPECT_EQ(facts["device.id"], "dev-1");
  const Json bare = order_create_facts(cart, {42, "10.0.0.9", ""}, std::nullopt, 1);
  EXPECT_FALSE(bare.contains("device.id"));
  EXPECT_FALSE(bare.contains("order.coupon_code"));
}

TEST(RiskFactsTest, TheCouponCodeIsTheFieldOrItsCodeMember) {
  const Json text = "SAVE10";
  const Json object = {{"code", "VIP"}, {"id", "9"}};
  const Json other = 5;
  EXPECT_EQ(coupon_code_of(&text), "SAVE10");
  EXPECT_EQ(coupon_code_of(&object), "VIP");
  EXPECT_EQ(coupon_code_of(&other), std::nullopt);
  EXPECT_EQ(coupon_code_of(nullptr), std::nullopt);
}

}  // namespace
}  // namespace orders
