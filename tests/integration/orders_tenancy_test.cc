// Tenancy (docs/API.md, "Orders plugin"): another merchant's SKUs, flash
// sales and orders, and another user's orders, are 404 exactly as if they did
// not exist, and never appear in lists.
#include <gtest/gtest.h>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

class OrdersTenancyTest : public OrdersTest {};

TEST_F(OrdersTenancyTest, MerchantsSeeOnlyTheirOwn) {
  ASSERT_TRUE(start());
  constexpr long long kA = 7, kB = 8;
  std::string sku = c().create_sku(kA, 10);
  std::string sale = c().create_flash_sale(kA, sku, 5);
  ASSERT_FALSE(sale.empty());
  json order = c().place_order(42, sku, 1);
  ASSERT_TRUE(order.is_object());
  std::string id = order["order_id"];
  ASSERT_EQ(c().pay(id, order["payable"], "txn-tenancy").status, 200);
  c().create_sku(kB, 10);  // B has a catalog of its own

  auto expect_404 = [&](const std::string& method, const std::string& path,
                        const std::string& body, const std::string& code) {
    HttpResult r = c().request(method, path, body, c().merchant(kB));
    EXPECT_EQ(r.status, 404) << method << " " << path << ": " << r.body;
    EXPECT_EQ(error_code(r), code) << method << " " << path << ": " << r.body;
  };
  expect_404("GET", "/api/v1/merchant/skus/" + sku, "", "SKU_NOT_FOUND");
  expect_404("PATCH", "/api/v1/merchant/skus/" + sku, R"({"price":1})", "SKU_NOT_FOUND");
  expect_404("PUT", "/api/v1/merchant/skus/" + sku + "/stock", R"({"available":0})", "SKU_NOT_FOUND");
  expect_404("POST", "/api/v1/merchant/skus/" + sku + "/stock", R"({"add":1})", "SKU_NOT_FOUND");
  json steal = {{"sku_id", sku}, {"price", 1}, {"quantity", 1},
                {"start", OrdersClient::iso_time((c().node_now_s() - 60) * 1000)},
                {"end", OrdersClient::iso_time((c().node_now_s() + 3600) * 1000)},
                {"per_user_limit", 1}};
  expect_404("POST", "/api/v1/merchant/flash-sales", steal.dump(), "SKU_NOT_FOUND");
  expect_404("GET", "/api/v1/merchant/flash-sales/" + sale, "", "FLASH_SALE_NOT_FOUND");
  expect_404("POST", "/api/v1/merchant/flash-sales/" + sale + "/cancel", "", "FLASH_SALE_NOT_FOUND");
  expect_404("GET", "/api/v1/orders/" + id, "", "ORDER_NOT_FOUND");
  expect_404("GET", "/api/v1/orders/" + id + "/history", "", "ORDER_NOT_FOUND");
  expect_404("POST", "/api/v1/merchant/orders/" + id + "/ship", "{}", "ORDER_NOT_FOUND");
  expect_404("POST", "/api/v1/merchant/orders/" + id + "/refunds",
             R"({"lines":[{"line":1,"qty":1}],"reason":"x"})", "ORDER_NOT_FOUND");

  HttpResult skus = c().request("GET", "/api/v1/merchant/skus?limit=100", "", c().merchant(kB));
  ASSERT_EQ(skus.status, 200) << skus.body;
  ASSERT_EQ(body_json(skus)["skus"].size(), 1u) << skus.body;
  EXPECT_NE(body_json(skus)["skus"][0]["sku_id"], sku);
  HttpResult sales = c().request("GET", "/api/v1/merchant/flash-sales", "", c().merchant(kB));
  ASSERT_EQ(sales.status, 200) << sales.body;
  EXPECT_TRUE(body_json(sales)["flash_sales"].empty()) << sales.body;
  EXPECT_TRUE(c().all_merchant_orders(kB).empty());

  // Nothing changed for A.
  json a = c().sku(kA, sku);
  EXPECT_EQ(a["price"], 1999);
  EXPECT_EQ(c().order_status(id), "PAID");
  HttpResult a_sale = c().request("GET", "/api/v1/merchant/flash-sales/" + sale, "", c().merchant(kA));
  EXPECT_EQ(body_json(a_sale)["status"], "ACTIVE") << a_sale.body;
  EXPECT_EQ(c().all_merchant_orders(kA).size(), 1u);
}

TEST_F(OrdersTenancyTest, UsersSeeOnlyTheirOwnOrders) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10);
  json order = c().place_order(42, sku, 1);
  ASSERT_TRUE(order.is_object());
  std::string id = order["order_id"];

  HttpResult read = c().get_order(c().user(43), id);
  EXPECT_EQ(read.status, 404) << read.body;
  EXPECT_EQ(error_code(read), "ORDER_NOT_FOUND") << read.body;
  HttpResult hist = c().history(c().user(43), id);
  EXPECT_EQ(hist.status, 404) << hist.body;
  HttpResult cancel = c().cancel(43, id);
  EXPECT_EQ(cancel.status, 404) << cancel.body;
  EXPECT_EQ(error_code(cancel), "ORDER_NOT_FOUND") << cancel.body;
  EXPECT_TRUE(c().all_orders(43).empty());
  EXPECT_EQ(c().order_status(id), "PENDING_PAYMENT");
  EXPECT_EQ(c().stock(7, sku).reserved, 1);

  // A user id that is not an order id at all reads the same.
  HttpResult junk = c().get_order(c().user(43), "12345");
  EXPECT_EQ(junk.status, 404) << junk.body;
  // Users cannot use merchant routes, merchants cannot create orders.
  EXPECT_EQ(c().request("GET", "/api/v1/merchant/orders", "", c().user(42)).status, 403);
  HttpResult as_merchant = c().request("POST", "/api/v1/orders",
                                       OrdersClient::order_body(sku, 1).dump(),
                                       {c().merchant(7)[0], {"Idempotency-Key", "m-1"}});
  EXPECT_EQ(as_merchant.status, 403) << as_merchant.body;
  EXPECT_EQ(c().request("GET", "/api/v1/orders/" + id).status, 401);
}

}  // namespace
}  // namespace bazaar::testing
