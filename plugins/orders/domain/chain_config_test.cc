#include "domain/chain_config.h"

#include <gtest/gtest.h>

namespace orders {
namespace {

TEST(ChainConfigTest, TheDefaultIsTodaysChain) {
  auto chain = parse_chain(kDefaultChain);
  ASSERT_TRUE(chain.ok()) << chain.error().message();
  ASSERT_EQ(chain->size(), 3u);
  EXPECT_EQ((*chain)[0].field, "flash_sale_id");
  EXPECT_EQ((*chain)[0].participant, "flash");
  EXPECT_EQ((*chain)[0].stage, Stage::kActivity);
  EXPECT_EQ((*chain)[2].participant, "coupons");
  EXPECT_EQ((*chain)[2].stage, Stage::kDiscount);
}

TEST(ChainConfigTest, CommasSpacesAndAnEmptyChain) {
  auto chain = parse_chain(" coupon=coupons:discount,  points=loyalty:after ,");
  ASSERT_TRUE(chain.ok()) << chain.error().message();
  ASSERT_EQ(chain->size(), 2u);
  EXPECT_EQ((*chain)[1].field, "points");
  EXPECT_EQ((*chain)[1].participant, "loyalty");
  EXPECT_EQ((*chain)[1].stage, Stage::kAfter);
  auto empty = parse_chain("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->empty());
}

TEST(ChainConfigTest, RefusesWhatCannotBeAChainWithAMessageNamingTheEntry) {
  auto why = [](std::string_view text) {
    auto r = parse_chain(text);
    return r.ok() ? std::string("OK") : r.error().message();
  };
  EXPECT_NE(why("coupon").find("\"coupon\" is not field=participant:stage"), std::string::npos);
  EXPECT_NE(why("coupon=coupons:cheap").find("stage \"cheap\""), std::string::npos);
  EXPECT_NE(why("items=stock2:activity").find("request field"), std::string::npos);
  EXPECT_NE(why("x=stock:activity").find("participant"), std::string::npos);
  EXPECT_NE(why("Coupon=coupons:discount").find("request field"), std::string::npos);
  EXPECT_NE(why("a=p:discount b=p:after").find("repeats the participant p"), std::string::npos);
  EXPECT_NE(why("a=p:discount a=q:after").find("repeats the field a"), std::string::npos);
  EXPECT_NE(why("coupon=coupons:discount group_buy=groupbuy:activity").find("prices are settled activity"),
            std::string::npos);
  EXPECT_NE(why("coupon=coupons:discount").find("OK"), std::string::npos);
}

}  // namespace
}  // namespace orders
