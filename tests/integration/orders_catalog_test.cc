// Catalog and stock through the real stack (docs/API.md, "Catalog"): the
// merchant's and the public view of a SKU, changes, stock adjustments and the
// stock equation, shape errors, pagination.
#include <gtest/gtest.h>

#include <set>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

class OrdersCatalogTest : public OrdersTest {};

TEST_F(OrdersCatalogTest, CreateReadChangeAndAdjustStock) {
  ASSERT_TRUE(start());
  std::string id = c().create_sku(7, 100, 1999, true, "Tea 250 g");
  ASSERT_FALSE(id.empty());

  json sku = c().sku(7, id);
  EXPECT_EQ(sku["sku_id"], id);
  EXPECT_EQ(sku["merchant_id"], "7");
  EXPECT_EQ(sku["title"], "Tea 250 g");
  EXPECT_EQ(sku["price"], 1999);
  EXPECT_EQ(sku["restock_on_refund"], true);
  EXPECT_EQ(sku["active"], true);
  EXPECT_TRUE(sku["created_at"].is_string());
  Stock s = c().stock(7, id);
  EXPECT_EQ(s.initial, 100);
  EXPECT_EQ(s.added, 0);
  EXPECT_EQ(s.available, 100);
  EXPECT_EQ(s.reserved, 0);
  EXPECT_EQ(s.sold, 0);
  EXPECT_TRUE(s.balanced()) << s;

  HttpResult pub = stack_->get("/api/v1/skus/" + id);
  ASSERT_EQ(pub.status, 200) << pub.body;
  json p = body_json(pub);
  EXPECT_EQ(p["sku_id"], id);
  EXPECT_EQ(p["available"], 100);
  EXPECT_EQ(p["price"], 1999);
  EXPECT_FALSE(p.contains("stock")) << "the public view has no stock counters: " << pub.body;

  HttpResult patched = c().request("PATCH", "/api/v1/merchant/skus/" + id,
                                   R"({"title":"Tea 500 g","price":2999})", c().merchant(7));
  ASSERT_EQ(patched.status, 200) << patched.body;
  EXPECT_EQ(body_json(patched)["title"], "Tea 500 g");
  EXPECT_EQ(body_json(patched)["price"], 2999);

  HttpResult added = c().request("POST", "/api/v1/merchant/skus/" + id + "/stock", R"({"add":5})",
                                 c().merchant(7));
  ASSERT_EQ(added.status, 200) << added.body;
  s = c().stock(7, id);
  EXPECT_EQ(s.added, 5);
  EXPECT_EQ(s.available, 105);
  EXPECT_TRUE(s.balanced()) << s;

  // Setting records the difference in `added`.
  HttpResult set = c().request("PUT", "/api/v1/merchant/skus/" + id + "/stock",
                               R"({"available":40})", c().merchant(7));
  ASSERT_EQ(set.status, 200) << set.body;
  s = c().stock(7, id);
  EXPECT_EQ(s.available, 40);
  EXPECT_EQ(s.added, -60);
  EXPECT_TRUE(s.balanced()) << s;

  HttpResult zero_add = c().request("POST", "/api/v1/merchant/skus/" + id + "/stock",
                                    R"({"add":0})", c().merchant(7));
  EXPECT_EQ(zero_add.status, 400) << zero_add.body;
  HttpResult negative = c().request("PUT", "/api/v1/merchant/skus/" + id + "/stock",
                                    R"({"available":-1})", c().merchant(7));
  EXPECT_GE(negative.status, 400) << negative.body;
  EXPECT_LT(negative.status, 500) << negative.body;
  EXPECT_EQ(c().stock(7, id).available, 40);

  // An inactive SKU is not sold.
  HttpResult off = c().request("PATCH", "/api/v1/merchant/skus/" + id, R"({"active":false})",
                               c().merchant(7));
  ASSERT_EQ(off.status, 200) << off.body;
  HttpResult buy = c().create_order(1, OrdersClient::order_body(id, 1), "inactive-1");
  EXPECT_EQ(buy.status, 422) << buy.body;
  EXPECT_EQ(error_code(buy), "UNKNOWN_SKU") << buy.body;
}

TEST_F(OrdersCatalogTest, SettingStockUnderReservationsKeepsTheEquation) {
  ASSERT_TRUE(start());
  std::string id = c().create_sku(7, 10);
  json o = c().place_order(42, id, 3);
  ASSERT_TRUE(o.is_object());
  HttpResult set = c().request("PUT", "/api/v1/merchant/skus/" + id + "/stock",
                               R"({"available":0})", c().merchant(7));
  ASSERT_EQ(set.status, 200) << set.body;
  Stock s = c().stock(7, id);
  EXPECT_EQ(s.available, 0);
  EXPECT_EQ(s.reserved, 3);
  EXPECT_EQ(s.added, -7);
  EXPECT_TRUE(s.balanced()) << s;
  HttpResult none = c().create_order(43, OrdersClient::order_body(id, 1), "after-set-0");
  EXPECT_EQ(error_code(none), "SOLD_OUT") << none.body;
  ASSERT_EQ(c().cancel(42, o["order_id"]).status, 200);
  ASSERT_TRUE(eventually([&] { return c().stock(7, id).reserved == 0; })) << c().stock(7, id);
  s = c().stock(7, id);
  EXPECT_EQ(s.available, 3) << "the released units come back on top of the set value";
  EXPECT_TRUE(s.balanced()) << s;
}

TEST_F(OrdersCatalogTest, ShapeErrorsHaveStableCodesAndWriteNothing) {
  ASSERT_TRUE(start());
  auto post = [&](const std::string& body) {
    return c().request("POST", "/api/v1/merchant/skus", body, c().merchant(7));
  };
  struct Case {
    std::string body;
    std::string code;
  };
  const std::vector<Case> cases = {
      {R"({"title":"x","price":1,"stock":1)", "INVALID_JSON"},
      {R"([1,2])", "INVALID_BODY"},
      {R"({"title":"","price":1,"stock":1})", "BAD_TITLE"},
      {json{{"title", std::string(201, 'a')}, {"price", 1}, {"stock", 1}}.dump(), "BAD_TITLE"},
      {"{\"title\":\"bad \xff\xfe utf8\",\"price\":1,\"stock\":1}", "INVALID_JSON"},
      {R"({"title":"t","price":0,"stock":1})", "BAD_PRICE"},
      {R"({"title":"t","price":1000000001,"stock":1})", "BAD_PRICE"},
      {R"({"title":"t","price":-5,"stock":1})", "BAD_PRICE"},
      {R"({"title":"t","price":1,"stock":-1})", "BAD_STOCK"},
      {R"({"title":"t","price":1,"stock":1000000001})", "BAD_STOCK"},
      {R"({"title":"t","price":1,"stock":1,"colour":"red"})", "UNKNOWN_FIELD"},
  };
  for (const auto& k : cases) {
    HttpResult r = post(k.body);
    EXPECT_EQ(r.status, 400) << k.body << " -> " << r.body;
    EXPECT_EQ(error_code(r), k.code) << k.body << " -> " << r.body;
  }
  // 200 bytes of multi-byte UTF-8 is a good title.
  std::string han;
  while (han.size() + 3 <= 200) han += "\xe8\x8c\xb6";  // 茶
  EXPECT_FALSE(c().create_sku(7, 1, 1, true, han).empty());

  HttpResult list = c().request("GET", "/api/v1/merchant/skus", "", c().merchant(7));
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_EQ(body_json(list)["skus"].size(), 1u) << list.body;
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_skus"), 1);

  HttpResult missing = c().request("GET", "/api/v1/merchant/skus/12345", "", c().merchant(7));
  EXPECT_EQ(missing.status, 404) << missing.body;
  EXPECT_EQ(error_code(missing), "SKU_NOT_FOUND") << missing.body;
  HttpResult as_user = c().request("POST", "/api/v1/merchant/skus",
                                   R"({"title":"t","price":1,"stock":1})", c().user(7));
  EXPECT_EQ(as_user.status, 403) << as_user.body;
}

TEST_F(OrdersCatalogTest, ListPagesNewestFirstWithoutDuplicates) {
  ASSERT_TRUE(start());
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(c().create_sku(7, 10, 100 + i));
  std::set<std::string> seen;
  std::vector<std::string> order;
  std::string cursor;
  for (int page = 0; page < 10; ++page) {
    std::string path = "/api/v1/merchant/skus?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor);
    HttpResult r = c().request("GET", path, "", c().merchant(7));
    ASSERT_EQ(r.status, 200) << r.body;
    json doc = body_json(r);
    EXPECT_LE(doc["skus"].size(), 2u);
    for (const auto& s : doc["skus"]) {
      EXPECT_TRUE(seen.insert(s["sku_id"].get<std::string>()).second) << "twice: " << s;
      order.push_back(s["sku_id"]);
    }
    if (page == 0) c().create_sku(7, 10, 999);  // a newer SKU sorts before the cursor
    if (doc["next_cursor"].is_null()) break;
    cursor = doc["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen, std::set<std::string>(ids.begin(), ids.end()))
      << "the SKU added between pages sorts before the cursor and is not on a later page";
  for (size_t i = 1; i < order.size(); ++i) {
    EXPECT_GT(std::stoll(order[i - 1]), std::stoll(order[i])) << "newest first by id";
  }

  HttpResult bad_limit = c().request("GET", "/api/v1/merchant/skus?limit=101", "", c().merchant(7));
  EXPECT_EQ(bad_limit.status, 400) << bad_limit.body;
  EXPECT_EQ(error_code(bad_limit), "BAD_LIMIT") << bad_limit.body;
  HttpResult bad_cursor =
      c().request("GET", "/api/v1/merchant/skus?cursor=not-a-cursor", "", c().merchant(7));
  EXPECT_EQ(bad_cursor.status, 400) << bad_cursor.body;
}

}  // namespace
}  // namespace bazaar::testing
