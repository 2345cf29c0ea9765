#include "domain/order_request.h"

#include <gtest/gtest.h>

namespace orders {
namespace {

const std::vector<std::string> kFields = {"flash_sale_id", "group_buy", "coupon"};
constexpr std::string_view kAddress = R"("address":{"name":"Li","phone":"1","line1":"x","city":"y"})";

std::string code(const std::string& body, const std::vector<std::string>& fields = kFields) {
  auto r = parse_order_request(body, fields);
  return r.ok() ? std::string("OK") : r.error().code();
}

TEST(OrderRequestTest, ParsesLinesAddressAndTheConfiguredParticipantFields) {
  auto r = parse_order_request(R"({"items":[{"sku_id":"5","qty":2},{"sku_id":6,"qty":1}],)" + std::string(kAddress) +
                                   R"(,"coupon":"SAVE10","flash_sale_id":"9"})",
                               kFields);
  ASSERT_TRUE(r.ok()) << r.error().message();
  ASSERT_EQ(r->lines.size(), 2u);
  EXPECT_EQ(r->lines[1].sku_id, 6);
  // In chain order, whatever the body's order.
  ASSERT_EQ(r->participants.size(), 2u);
  EXPECT_EQ(r->participants[0].field, "flash_sale_id");
  EXPECT_EQ(r->participants[1].field, "coupon");
  ASSERT_NE(r->value_of("coupon"), nullptr);
  EXPECT_EQ(*r->value_of("coupon"), "SAVE10");
  EXPECT_EQ(r->value_of("group_buy"), nullptr);
}

TEST(OrderRequestTest, AFieldNoParticipantNamesIsUnknownAndPricesAreNeverAccepted) {
  const std::string items = R"("items":[{"sku_id":"5","qty":1}],)" + std::string(kAddress);
  EXPECT_EQ(code("{" + items + R"(,"points":100})"), "UNKNOWN_FIELD");
  EXPECT_EQ(code("{" + items + R"(,"points":100})", {"points"}), "OK");
  EXPECT_EQ(code("{" + items + R"(,"coupon":"X"})", {}), "UNKNOWN_FIELD");
  EXPECT_EQ(code("{" + items + R"(,"total":1})"), "PRICE_NOT_ALLOWED");
  EXPECT_EQ(code(R"({"items":[{"sku_id":"5","qty":1,"unit_price":1}],)" + std::string(kAddress) + "}"),
            "PRICE_NOT_ALLOWED");
  EXPECT_EQ(code("{" + items + R"(,"coupon":")" + std::string(5000, 'x') + R"("})"), "INVALID_BODY");
}

TEST(OrderRequestTest, RefusesBadShapes) {
  const std::string address = std::string(kAddress);
  EXPECT_EQ(code("["), "INVALID_JSON");
  EXPECT_EQ(code("[]"), "INVALID_BODY");
  EXPECT_EQ(code("{" + address + "}"), "NO_ITEMS");
  EXPECT_EQ(code(R"({"items":[],)" + address + "}"), "NO_ITEMS");
  std::string many = R"({"items":[)";
  for (int i = 1; i <= 51; ++i) many += (i > 1 ? "," : "") + std::string(R"({"sku_id":)") + std::to_string(i) + R"(,"qty":1})";
  EXPECT_EQ(code(many + "]," + address + "}"), "TOO_MANY_ITEMS");
  EXPECT_EQ(code(R"({"items":[{"sku_id":"x","qty":1}],)" + address + "}"), "BAD_SKU_ID");
  EXPECT_EQ(code(R"({"items":[{"sku_id":"5","qty":1000}],)" + address + "}"), "BAD_QTY");
  EXPECT_EQ(code(R"({"items":[{"sku_id":"5","qty":1},{"sku_id":5,"qty":1}],)" + address + "}"), "DUPLICATE_SKU");
  EXPECT_EQ(code(R"({"items":[{"sku_id":"5","qty":1}]})"), "BAD_ADDRESS");
  EXPECT_EQ(code(R"({"items":[{"sku_id":"5","qty":1}],"address":{"name":"x"}})"), "BAD_ADDRESS");
}

}  // namespace
}  // namespace orders
