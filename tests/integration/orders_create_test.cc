// Creating, reading, listing and cancelling orders through the real stack
// (docs/API.md, "Create an order", "Cancel", "Queries"), and the stock
// equation under 200 buyers released at the same instant.
#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <set>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

class OrdersCreateTest : public OrdersTest {};

TEST_F(OrdersCreateTest, CreateReservesStockAndEveryPartyReadsTheOrder) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10, 1999);
  ASSERT_FALSE(sku.empty());
  HttpResult r = c().create_order(42, OrdersClient::order_body(sku, 2), "first-order");
  ASSERT_EQ(r.status, 201) << r.body;
  json o = body_json(r);
  std::string id = o.value("order_id", "");
  ASSERT_FALSE(id.empty()) << r.body;
  EXPECT_EQ(o["user_id"], "42");
  EXPECT_EQ(o["merchant_id"], "7");
  EXPECT_EQ(o["status"], "PENDING_PAYMENT");
  EXPECT_EQ(o["total"], 3998);
  EXPECT_EQ(o["discount"], 0);
  EXPECT_EQ(o["payable"], 3998);
  EXPECT_EQ(o["refunded"], 0);
  EXPECT_TRUE(o["flash_sale_id"].is_null());
  EXPECT_TRUE(o["paid_at"].is_null());
  EXPECT_TRUE(o["payment_deadline"].is_string());
  ASSERT_EQ(o["items"].size(), 1u);
  const json& line = o["items"][0];
  EXPECT_EQ(line["line"], 1);
  EXPECT_EQ(line["sku_id"], sku);
  EXPECT_EQ(line["title"], "Tea 250 g");
  EXPECT_EQ(line["unit_price"], 1999);
  EXPECT_EQ(line["qty"], 2);
  EXPECT_EQ(line["amount"], 3998);
  EXPECT_EQ(line["paid_amount"], 3998);
  EXPECT_EQ(o["address"]["city"], "Hangzhou");

  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.available, 8);
  EXPECT_EQ(s.reserved, 2);
  EXPECT_EQ(s.sold, 0);
  EXPECT_TRUE(s.balanced()) << s;

  // Owner, seller and ops read the same order; strangers do not.
  for (const Headers& who : {c().user(42), c().merchant(7), c().ops()}) {
    HttpResult g = c().get_order(who, id);
    ASSERT_EQ(g.status, 200) << g.body;
    EXPECT_EQ(body_json(g), o) << "the detail is the order as created";
  }
  EXPECT_EQ(c().get_order(c().user(43), id).status, 404);
  EXPECT_EQ(c().get_order(c().merchant(8), id).status, 404);

  std::vector<json> rows = c().history_rows(id);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0]["seq"], 1);
  EXPECT_TRUE(rows[0]["from"].is_null());
  EXPECT_EQ(rows[0]["to"], "PENDING_PAYMENT");
  EXPECT_EQ(rows[0]["actor"], "user:42");
  EXPECT_EQ(rows[0]["reason"], "created");

  std::vector<json> mine = c().all_orders(42);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["order_id"], id);
  EXPECT_EQ(mine[0]["merchant_id"], "7");
  EXPECT_EQ(mine[0]["status"], "PENDING_PAYMENT");
  EXPECT_EQ(mine[0]["total"], 3998);
  EXPECT_EQ(mine[0]["payable"], 3998);
  EXPECT_EQ(mine[0]["item_count"], 1);
  std::vector<json> sellers = c().all_merchant_orders(7);
  ASSERT_EQ(sellers.size(), 1u);
  EXPECT_EQ(sellers[0]["order_id"], id);
  EXPECT_TRUE(c().all_merchant_orders(8).empty());
}

TEST_F(OrdersCreateTest, SeveralLinesOfOneShopAreOneOrder) {
  ASSERT_TRUE(start());
  std::string tea = c().create_sku(7, 10, 1999, true, "Tea");
  std::string cup = c().create_sku(7, 10, 500, true, "Cup");
  json body = OrdersClient::order_body(tea, 2);
  body["items"].push_back({{"sku_id", cup}, {"qty", 3}});
  HttpResult r = c().create_order(42, body, "two-lines");
  ASSERT_EQ(r.status, 201) << r.body;
  json o = body_json(r);
  EXPECT_EQ(o["total"], 2 * 1999 + 3 * 500);
  ASSERT_EQ(o["items"].size(), 2u);
  EXPECT_EQ(o["items"][0]["line"], 1);
  EXPECT_EQ(o["items"][1]["line"], 2);
  EXPECT_EQ(c().stock(7, tea).reserved, 2);
  EXPECT_EQ(c().stock(7, cup).reserved, 3);
  EXPECT_EQ(c().all_orders(42)[0]["item_count"], 2);
}

TEST_F(OrdersCreateTest, CancelReleasesStockOnceAndIsIdempotent) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10);
  json o = c().place_order(42, sku, 3);
  ASSERT_TRUE(o.is_object());
  std::string id = o["order_id"];

  HttpResult first = c().cancel(42, id);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(body_json(first)["status"], "CANCELLED");
  HttpResult again = c().cancel(42, id);
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(body_json(again)["status"], "CANCELLED");

  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).reserved == 0; }))
      << c().stock(7, sku);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.available, 10);
  EXPECT_EQ(s.sold, 0);
  EXPECT_TRUE(s.balanced()) << s;

  std::vector<json> rows = c().history_rows(id);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1]["from"], "PENDING_PAYMENT");
  EXPECT_EQ(rows[1]["to"], "CANCELLED");
  EXPECT_EQ(rows[1]["actor"], "user:42");

  std::vector<json> cancelled = [&] {
    HttpResult r = c().request("GET", "/api/v1/orders?status=CANCELLED", "", c().user(42));
    EXPECT_EQ(r.status, 200) << r.body;
    return body_json(r)["orders"].get<std::vector<json>>();
  }();
  ASSERT_EQ(cancelled.size(), 1u);
  HttpResult pending = c().request("GET", "/api/v1/orders?status=PENDING_PAYMENT", "", c().user(42));
  EXPECT_EQ(body_json(pending)["orders"].size(), 0u) << pending.body;
  HttpResult bad = c().request("GET", "/api/v1/orders?status=LOST", "", c().user(42));
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(error_code(bad), "BAD_STATUS") << bad.body;

  // The stock is back for others.
  EXPECT_TRUE(c().place_order(43, sku, 10).is_object());
}

TEST_F(OrdersCreateTest, TenCancelsAtOnceMoveTheOrderOnce) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10);
  json o = c().place_order(42, sku, 4);
  ASSERT_TRUE(o.is_object());
  std::vector<HttpResult> answers(10);
  run_concurrently(10, 10, [&](size_t i) { answers[i] = c().cancel(42, o["order_id"]); });
  for (const auto& r : answers) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(body_json(r)["status"], "CANCELLED") << r.body;
  }
  EXPECT_EQ(c().history_rows(o["order_id"]).size(), 2u);
  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).reserved == 0; })) << c().stock(7, sku);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.available, 10) << "released once: " << s;
  EXPECT_TRUE(s.balanced()) << s;
}

TEST_F(OrdersCreateTest, TwoHundredBuyersAtOnceForTenUnits) {
  StackOptions o = options();
  o.threads = 16;
  ASSERT_TRUE(start(o));
  std::string sku = c().create_sku(7, 10);
  ASSERT_FALSE(sku.empty());
  constexpr size_t kBuyers = 200;
  std::vector<HttpResult> answers(kBuyers);
  // One thread per buyer, all released by the same latch.
  run_concurrently(kBuyers, kBuyers, [&](size_t i) {
    answers[i] = c().create_order(1000 + as_ll(i), OrdersClient::order_body(sku, 1),
                                  "buy-" + std::to_string(i));
  });
  int created = 0, sold_out = 0;
  for (size_t i = 0; i < kBuyers; ++i) {
    const HttpResult& r = answers[i];
    if (r.status == 201) {
      ++created;
    } else if (r.status == 409 && error_code(r) == "SOLD_OUT") {
      ++sold_out;
    } else {
      ADD_FAILURE() << "buyer " << i << ": " << r.status << " " << r.body << r.error;
    }
  }
  EXPECT_EQ(created, 10);
  EXPECT_EQ(sold_out, 190);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.available, 0);
  EXPECT_EQ(s.reserved, 10);
  EXPECT_TRUE(s.balanced()) << s;
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_orders"), 10);
  EXPECT_EQ(sum_over_shards(*stack_,
                            "SELECT COALESCE(SUM(qty),0) FROM orders_reservations WHERE state = "
                            "'RESERVED'"),
            10);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_idempotency"), 10)
      << "a sold-out attempt leaves no idempotency record";
}

TEST_F(OrdersCreateTest, CursorPagesAreStableWhileOrdersArrive) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 100);
  std::set<std::string> original;
  for (int i = 0; i < 5; ++i) {
    json o = c().place_order(42, sku);
    ASSERT_TRUE(o.is_object());
    original.insert(o["order_id"].get<std::string>());
  }
  std::set<std::string> seen;
  std::string cursor;
  size_t added = 0;
  long long previous = std::numeric_limits<long long>::max();
  for (int page = 0; page < 10; ++page) {
    std::string path = "/api/v1/orders?limit=2" + (cursor.empty() ? "" : "&cursor=" + cursor);
    HttpResult r = c().request("GET", path, "", c().user(42));
    ASSERT_EQ(r.status, 200) << r.body;
    json doc = body_json(r);
    EXPECT_LE(doc["orders"].size(), 2u);
    for (const auto& o : doc["orders"]) {
      std::string id = o["order_id"];
      EXPECT_TRUE(seen.insert(id).second) << "listed twice: " << id;
      EXPECT_LT(std::stoll(id), previous) << "newest first";
      previous = std::stoll(id);
    }
    // New orders between pages sort before the cursor.
    ASSERT_TRUE(c().place_order(42, sku).is_object());
    ++added;
    if (doc["next_cursor"].is_null()) break;
    cursor = doc["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen, original);
  EXPECT_EQ(c().all_orders(42, 3).size(), original.size() + added) << "every order, paged by 3";

  HttpResult bad_limit = c().request("GET", "/api/v1/orders?limit=0", "", c().user(42));
  EXPECT_EQ(error_code(bad_limit), "BAD_LIMIT") << bad_limit.body;
  HttpResult bad_cursor = c().request("GET", "/api/v1/orders?cursor=xyz", "", c().user(42));
  EXPECT_EQ(error_code(bad_cursor), "BAD_CURSOR") << bad_cursor.body;
}

TEST_F(OrdersCreateTest, MerchantPagesMergeEveryShardWithoutDuplicatesOrGaps) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 500);
  std::set<std::string> original;
  for (long long user = 1; user <= 12; ++user) {  // buyers on several shards
    json o = c().place_order(user, sku);
    ASSERT_TRUE(o.is_object());
    original.insert(o["order_id"].get<std::string>());
  }
  std::set<std::string> seen;
  std::string cursor;
  long long previous = std::numeric_limits<long long>::max();
  long long next_user = 100;
  for (int page = 0; page < 20; ++page) {
    std::string path = "/api/v1/merchant/orders?limit=5" + (cursor.empty() ? "" : "&cursor=" + cursor);
    HttpResult r = c().request("GET", path, "", c().merchant(7));
    ASSERT_EQ(r.status, 200) << r.body;
    json doc = body_json(r);
    EXPECT_LE(doc["orders"].size(), 5u);
    for (const auto& o : doc["orders"]) {
      std::string id = o["order_id"];
      EXPECT_TRUE(seen.insert(id).second) << "listed twice: " << id;
      EXPECT_LT(std::stoll(id), previous) << "newest first";
      previous = std::stoll(id);
    }
    for (int k = 0; k < 3; ++k) ASSERT_TRUE(c().place_order(next_user++, sku).is_object());
    if (doc["next_cursor"].is_null()) break;
    cursor = doc["next_cursor"].get<std::string>();
  }
  EXPECT_EQ(seen, original);
  HttpResult paid = c().request("GET", "/api/v1/merchant/orders?status=PAID", "", c().merchant(7));
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_TRUE(body_json(paid)["orders"].empty());
}

TEST_F(OrdersCreateTest, CachedDetailAndListFollowEveryCommit) {
  StackOptions o = options();
  o.memcached = true;
  ASSERT_TRUE(start(o));
  std::string sku = c().create_sku(7, 10);
  json order = c().place_order(42, sku);
  ASSERT_TRUE(order.is_object());
  std::string id = order["order_id"];
  // Read twice: the second answer may come from the cache.
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(body_json(c().get_order(c().user(42), id))["status"], "PENDING_PAYMENT");
    EXPECT_EQ(c().all_orders(42).size(), 1u);
  }
  HttpResult paid = c().pay(id, order["payable"], "txn-cache-1");
  ASSERT_EQ(paid.status, 200) << paid.body;
  EXPECT_EQ(body_json(c().get_order(c().user(42), id))["status"], "PAID");
  EXPECT_EQ(body_json(c().get_order(c().merchant(7), id))["status"], "PAID");
  EXPECT_EQ(c().all_orders(42)[0]["status"], "PAID");

  json second = c().place_order(42, sku);
  ASSERT_TRUE(second.is_object());
  std::vector<json> list = c().all_orders(42);
  ASSERT_EQ(list.size(), 2u) << "the cached first page is invalidated by a new order";
  EXPECT_EQ(list[0]["order_id"], second["order_id"]);
  ASSERT_EQ(c().cancel(42, second["order_id"]).status, 200);
  EXPECT_EQ(body_json(c().get_order(c().user(42), second["order_id"]))["status"], "CANCELLED");
  EXPECT_EQ(c().all_orders(42)[0]["status"], "CANCELLED");

  // Without memcached every answer is still right.
  ASSERT_TRUE(stack_->stop_memcached());
  EXPECT_EQ(body_json(c().get_order(c().user(42), id))["status"], "PAID");
  EXPECT_EQ(c().all_orders(42).size(), 2u);
}

}  // namespace
}  // namespace bazaar::testing
