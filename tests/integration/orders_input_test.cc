// Bad order requests (docs/API.md, "Create an order"): every malformed body
// is a 4xx with a stable code, and nothing is written: no order, no
// reservation, no idempotency record, stock unchanged.
#include <gtest/gtest.h>

#include <set>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

class OrdersInputTest : public OrdersTest {};

TEST_F(OrdersInputTest, MalformedOrdersAreRefusedAndWriteNothing) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10);
  std::string sku2 = c().create_sku(7, 10);
  std::string other_shop = c().create_sku(8, 10);
  const json address = OrdersClient::order_body(sku, 1)["address"];
  auto with_items = [&](json items) {
    return json{{"items", std::move(items)}, {"address", address}}.dump();
  };
  auto line = [](const std::string& id, json qty) { return json{{"sku_id", id}, {"qty", qty}}; };
  auto with_address = [&](json a) {
    return json{{"items", json::array({line(sku, 1)})}, {"address", std::move(a)}}.dump();
  };
  auto address_with = [&](const std::string& field, json value) {
    json a = address;
    a[field] = std::move(value);
    return with_address(a);
  };
  auto raw_name = [&](const std::string& bytes) {
    return R"({"items":[{"sku_id":")" + sku + R"(","qty":1}],"address":{"name":")" + bytes +
           R"(","phone":"1","line1":"1 Road","city":"Hangzhou"}})";
  };

  json many = json::array();
  for (int i = 0; i < 10'000; ++i) many.push_back(line(std::to_string(1'000'000 + i), 1));
  json fifty_one = json::array();
  for (int i = 0; i < 51; ++i) fifty_one.push_back(line(std::to_string(1'000'000 + i), 1));

  struct Case {
    std::string what;
    std::string body;
    int status;
    std::set<std::string> codes;
  };
  const std::vector<Case> cases = {
      {"truncated JSON", R"({"items":[)", 400, {"INVALID_JSON"}},
      {"not JSON", "qty=1", 400, {"INVALID_JSON"}},
      {"empty body", "", 400, {"INVALID_JSON", "INVALID_BODY"}},
      {"array body", "[]", 400, {"INVALID_BODY"}},
      {"items not an array", with_items("x"), 400, {"INVALID_BODY", "NO_ITEMS"}},
      {"no items", with_items(json::array()), 400, {"NO_ITEMS"}},
      {"qty 0", with_items(json::array({line(sku, 0)})), 400, {"BAD_QTY"}},
      {"qty -1", with_items(json::array({line(sku, -1)})), 400, {"BAD_QTY"}},
      {"qty 1000", with_items(json::array({line(sku, 1000)})), 400, {"BAD_QTY"}},
      {"qty 2^63-1", with_items(json::array({line(sku, 9223372036854775807LL)})), 400, {"BAD_QTY"}},
      {"qty 1e30", with_items(json::array({line(sku, 1e30)})), 400, {"BAD_QTY", "INVALID_BODY"}},
      {"qty 1.5", with_items(json::array({line(sku, 1.5)})), 400, {"BAD_QTY", "INVALID_BODY"}},
      {"qty string", with_items(json::array({line(sku, "1")})), 400, {"BAD_QTY", "INVALID_BODY"}},
      {"unknown SKU", with_items(json::array({line("7205759403792793600", 1)})), 422, {"UNKNOWN_SKU"}},
      {"SKU id not a number", with_items(json::array({line("tea", 1)})), 400, {"BAD_SKU_ID"}},
      {"SKU id negative", with_items(json::array({line("-5", 1)})), 400, {"BAD_SKU_ID"}},
      {"SKU id too big", with_items(json::array({line("99999999999999999999999", 1)})), 400, {"BAD_SKU_ID"}},
      {"SKU twice", with_items(json::array({line(sku, 1), line(sku, 1)})), 400, {"DUPLICATE_SKU"}},
      {"two shops", with_items(json::array({line(sku, 1), line(other_shop, 1)})), 422, {"MIXED_MERCHANTS"}},
      {"price on a line",
       with_items(json::array({{{"sku_id", sku}, {"qty", 1}, {"price", 1}}})), 400, {"PRICE_NOT_ALLOWED"}},
      {"price at the top",
       json{{"items", json::array({line(sku, 1)})}, {"address", address}, {"price", 1}}.dump(), 400,
       {"PRICE_NOT_ALLOWED", "UNKNOWN_FIELD"}},
      {"total at the top",
       json{{"items", json::array({line(sku, 1)})}, {"address", address}, {"total", 1}}.dump(), 400,
       {"UNKNOWN_FIELD", "PRICE_NOT_ALLOWED"}},
      {"unknown field on a line",
       with_items(json::array({{{"sku_id", sku}, {"qty", 1}, {"gift", true}}})), 400, {"UNKNOWN_FIELD"}},
      {"51 items", with_items(fifty_one), 400, {"TOO_MANY_ITEMS"}},
      {"10,000 items", with_items(many), 400, {"TOO_MANY_ITEMS"}},
      {"no address", json{{"items", json::array({line(sku, 1)})}}.dump(), 400, {"BAD_ADDRESS"}},
      {"address a string", with_address("1 Road"), 400, {"BAD_ADDRESS"}},
      {"address without city", with_address({{"name", "a"}, {"phone", "1"}, {"line1", "x"}}), 400, {"BAD_ADDRESS"}},
      {"address with a number", address_with("phone", 13800000000LL), 400, {"BAD_ADDRESS"}},
      {"address over 1 KiB", address_with("line1", std::string(1100, 'x')), 400, {"BAD_ADDRESS"}},
      {"invalid UTF-8", raw_name("Li \xff\xfe Lei"), 400, {"INVALID_JSON", "BAD_ADDRESS"}},
      {"overlong UTF-8 '/'", raw_name("Li \xc0\xaf Lei"), 400, {"INVALID_JSON", "BAD_ADDRESS"}},
      {"UTF-16 surrogate as UTF-8", raw_name("\xed\xa0\x80"), 400, {"INVALID_JSON", "BAD_ADDRESS"}},
      {"raw control character", raw_name("Li\x01Lei"), 400, {"INVALID_JSON"}},
      {"raw newline", raw_name("Li\nLei"), 400, {"INVALID_JSON"}},
      {"lone surrogate escape", raw_name("\\ud800"), 400, {"INVALID_JSON", "BAD_ADDRESS"}},
      {"escaped NUL", raw_name("Li\\u0000Lei"), 400, {"BAD_ADDRESS", "INVALID_JSON"}},
      {"coupon without the plugin",
       json{{"items", json::array({line(sku, 1)})}, {"address", address}, {"coupon", "SAVE10"}}.dump(),
       422, {"COUPON_NOT_SUPPORTED"}},
      {"group buy without the plugin",
       json{{"items", json::array({line(sku, 1)})}, {"address", address},
            {"group_buy", {{"group_id", "1"}}}}.dump(),
       422, {"GROUP_BUY_NOT_SUPPORTED"}},
  };
  int n = 0;
  for (const auto& k : cases) {
    HttpResult r = c().create_order_raw(42, k.body, "bad-input-" + std::to_string(n++));
    EXPECT_EQ(r.status, k.status) << k.what << ": " << r.body.substr(0, 300) << r.error;
    EXPECT_TRUE(k.codes.count(error_code(r))) << k.what << ": " << r.body.substr(0, 300);
  }

  HttpResult text = c().create_order_raw(42, OrdersClient::order_body(sku, 1).dump(), "bad-type",
                                         {{"Content-Type", "text/plain"}});
  EXPECT_EQ(text.status, 415) << text.body;

  EXPECT_TRUE(c().all_orders(42).empty());
  for (const auto& id : {sku, sku2, other_shop}) {
    Stock s = c().stock(id == other_shop ? 8 : 7, id);
    EXPECT_EQ(s.available, 10) << id;
    EXPECT_EQ(s.reserved, 0) << id;
  }
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_orders"), 0);
  // A refusal after the stock's Try (two shops, a participant that is not
  // loaded) undoes the reservation and its time-out timer: no row at all.
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_reservations"), 0);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM bazaar_timers WHERE plugin = 'orders'"), 0);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_voided"), 0);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_idempotency"), 0);

  // The same user still buys normally.
  HttpResult ok = c().create_order(42, OrdersClient::order_body(sku, 2), "good-after-bad");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(body_json(ok)["total"], 2 * 1999);
  // A string or a JSON integer for ids.
  json numeric_body = {{"items", json::array({{{"sku_id", std::stoll(sku)}, {"qty", 1}}})},
                       {"address", address}};
  HttpResult as_int = c().create_order(43, numeric_body, "integer-sku-id");
  EXPECT_EQ(as_int.status, 201) << as_int.body;
}

}  // namespace
}  // namespace bazaar::testing
