// Flash sales (秒杀, docs/API.md): 2,000 buyers for 100 units, the per-user
// limit, units returning on cancel, the sale's window and shape errors.
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <mutex>
#include <set>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

class OrdersFlashTest : public OrdersTest {
 protected:
  json sale(const std::string& id) {
    HttpResult r = stack_->get("/api/v1/flash-sales/" + id);
    EXPECT_EQ(r.status, 200) << r.body;
    return body_json(r);
  }
  HttpResult buy(long long user, const std::string& sku, const std::string& sale_id,
                 long long qty = 1) {
    return c().create_order(user, OrdersClient::order_body(sku, qty, sale_id),
                            "flash-" + OrdersClient::fresh_nonce());
  }
};

TEST_F(OrdersFlashTest, TwoThousandBuyersForOneHundredUnits) {
  StackOptions o = options();
  o.threads = 16;
  ASSERT_TRUE(start(o));
  std::string sku = c().create_sku(7, 1000, 1999);
  std::string sale_id = c().create_flash_sale(7, sku, 100, 1, 99);
  ASSERT_FALSE(sale_id.empty());
  constexpr size_t kBuyers = 2000;
  std::vector<HttpResult> answers(kBuyers);
  // Every 10th buyer tries twice (a user retrying with a new key).
  std::vector<HttpResult> retries(kBuyers);
  run_concurrently(kBuyers, 64, [&](size_t i) {
    answers[i] = buy(10'000 + as_ll(i), sku, sale_id);
    if (i % 10 == 0) retries[i] = buy(10'000 + as_ll(i), sku, sale_id);
  });
  int created = 0, sold_out = 0;
  std::set<std::string> order_ids;
  for (size_t i = 0; i < kBuyers; ++i) {
    for (const HttpResult* r : {&answers[i], &retries[i]}) {
      if (r == &retries[i] && i % 10 != 0) continue;
      std::string code = error_code(*r);
      if (r->status == 201) {
        ++created;
        json doc = body_json(*r);
        order_ids.insert(doc["order_id"].get<std::string>());
        EXPECT_EQ(doc["flash_sale_id"], sale_id);
        EXPECT_EQ(doc["total"], 99) << "the sale's price";
      } else if (r->status == 409 && code == "SOLD_OUT") {
        ++sold_out;
      } else if (r->status == 409 && code == "FLASH_SALE_LIMIT_REACHED" && r == &retries[i]) {
        EXPECT_EQ(answers[i].status, 201) << "only a buyer holding a unit is at the limit";
      } else {
        ADD_FAILURE() << "buyer " << i << ": " << r->status << " " << r->body << r->error;
      }
    }
    if (i % 10 == 0) {
      EXPECT_FALSE(answers[i].status == 201 && retries[i].status == 201) << "buyer " << i << " twice";
    }
  }
  EXPECT_EQ(created, 100);
  EXPECT_EQ(order_ids.size(), 100u);
  EXPECT_GE(sold_out, kBuyers - 100);
  json s = sale(sale_id);
  EXPECT_EQ(s["remaining"], 0);
  EXPECT_EQ(s["sold_out"], true);
  EXPECT_FALSE(s.contains("merchant_id")) << "the public view";
  Stock st = c().stock(7, sku);
  EXPECT_EQ(st.reserved, 100);
  EXPECT_EQ(st.available, 900);
  EXPECT_TRUE(st.balanced()) << st;
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_flash_buyers WHERE qty > 0"), 100);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_flash_buyers WHERE qty > 1"), 0);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_orders"), 100);
}

TEST_F(OrdersFlashTest, PerUserLimitAndUnitsComeBackOnCancel) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 50, 1999);
  std::string sale_id = c().create_flash_sale(7, sku, 3, 2, 500);
  ASSERT_FALSE(sale_id.empty());

  // Not exactly one line of the sale's SKU.
  std::string other = c().create_sku(7, 5);
  json mixed = OrdersClient::order_body(sku, 1, sale_id);
  mixed["items"].push_back({{"sku_id", other}, {"qty", 1}});
  HttpResult m = c().create_order(46, mixed, "flash-mixed");
  EXPECT_EQ(m.status, 422) << m.body;
  EXPECT_EQ(error_code(m), "FLASH_SALE_MISMATCH") << m.body;

  HttpResult two = buy(42, sku, sale_id, 2);
  ASSERT_EQ(two.status, 201) << two.body;
  EXPECT_EQ(body_json(two)["total"], 1000);
  HttpResult third = buy(42, sku, sale_id, 1);
  EXPECT_EQ(third.status, 409) << third.body;
  EXPECT_EQ(error_code(third), "FLASH_SALE_LIMIT_REACHED") << third.body;
  HttpResult over = buy(43, sku, sale_id, 3);
  EXPECT_GE(over.status, 400) << "qty over the per-user limit: " << over.body;
  EXPECT_EQ(sale(sale_id)["remaining"], 1);

  // Cancelling returns the units and the buyer's allowance.
  ASSERT_EQ(c().cancel(42, body_json(two)["order_id"]).status, 200);
  ASSERT_TRUE(eventually([&] { return sale(sale_id)["remaining"] == 3; })) << sale(sale_id);
  HttpResult again = buy(42, sku, sale_id, 2);
  EXPECT_EQ(again.status, 201) << again.body;
  HttpResult last = buy(44, sku, sale_id, 1);
  EXPECT_EQ(last.status, 201) << last.body;
  HttpResult none = buy(45, sku, sale_id, 1);
  EXPECT_EQ(none.status, 409) << none.body;
  EXPECT_EQ(error_code(none), "SOLD_OUT");

  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).reserved == 3; })) << c().stock(7, sku);
  EXPECT_TRUE(c().stock(7, sku).balanced()) << c().stock(7, sku);
}

// A sale of SKU X named with a line of SKU Y is FLASH_SALE_MISMATCH, and an id
// that is no sale is FLASH_SALE_NOT_FOUND, whichever shards the ids live on
// (the answer must not depend on placement).
TEST_F(OrdersFlashTest, MismatchAndNotFoundDoNotDependOnShards) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 50);
  std::string sale_id = c().create_flash_sale(7, sku, 10);
  ASSERT_FALSE(sale_id.empty());
  auto shard_of_sku = [&](const std::string& id) {
    return first_shard_where(*stack_, "SELECT COUNT(*) FROM orders_skus WHERE id = " + id);
  };
  const int sale_shard = shard_of_sku(sku);
  ASSERT_GE(sale_shard, 0);
  std::string same_shard, other_shard;
  for (int i = 0; i < 64 && (same_shard.empty() || other_shard.empty()); ++i) {
    std::string id = c().create_sku(7, 5);
    (shard_of_sku(id) == sale_shard ? same_shard : other_shard) = id;
  }
  ASSERT_FALSE(same_shard.empty());
  ASSERT_FALSE(other_shard.empty());
  int n = 0;
  for (const auto& [what, other] : {std::pair{"same shard", same_shard}, {"other shard", other_shard}}) {
    HttpResult r = c().create_order(46, OrdersClient::order_body(other, 1, sale_id),
                                    "mismatch-" + std::to_string(n++));
    EXPECT_EQ(r.status, 422) << what << ": " << r.body;
    EXPECT_EQ(error_code(r), "FLASH_SALE_MISMATCH") << what << ": " << r.body;
  }
  // SKU ids are ids of the right shape that name no sale: one on the line's
  // SKU's shard, one elsewhere.
  for (const auto& [what, no_sale] : {std::pair{"same shard", same_shard}, {"other shard", other_shard}}) {
    HttpResult r = c().create_order(46, OrdersClient::order_body(sku, 1, no_sale),
                                    "no-sale-" + std::to_string(n++));
    EXPECT_EQ(r.status, 404) << what << ": " << r.body;
    EXPECT_EQ(error_code(r), "FLASH_SALE_NOT_FOUND") << what << ": " << r.body;
  }
  EXPECT_TRUE(c().all_orders(46).empty());
  EXPECT_EQ(sale(sale_id)["remaining"], 10);
}

TEST_F(OrdersFlashTest, SoldOutFlagClearsWhenAUnitReturns) {
  StackOptions o = options();
  o.memcached = true;  // the sold-out flag is also shared through memcached
  ASSERT_TRUE(start(o));
  std::string sku = c().create_sku(7, 100);
  std::string sale_id = c().create_flash_sale(7, sku, 2);
  ASSERT_FALSE(sale_id.empty());
  HttpResult first = buy(1, sku, sale_id);
  HttpResult second = buy(2, sku, sale_id);
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_EQ(second.status, 201) << second.body;
  // Every worker learns the sale is sold out.
  for (int i = 0; i < 10; ++i) {
    HttpResult r = buy(10 + i, sku, sale_id);
    EXPECT_EQ(r.status, 409) << r.body;
    EXPECT_EQ(error_code(r), "SOLD_OUT") << r.body;
  }
  ASSERT_EQ(c().cancel(1, body_json(first)["order_id"]).status, 200);
  ASSERT_TRUE(eventually([&] { return sale(sale_id)["remaining"] == 1; })) << sale(sale_id);
  EXPECT_EQ(sale(sale_id)["sold_out"], false);
  // A stale flag may refuse for about a second; then the returned unit sells.
  HttpResult again;
  ASSERT_TRUE(eventually(
      [&] {
        again = buy(30, sku, sale_id);
        return again.status == 201;
      },
      5000))
      << again.body;
  EXPECT_EQ(sale(sale_id)["remaining"], 0);
  HttpResult none = buy(31, sku, sale_id);
  EXPECT_EQ(error_code(none), "SOLD_OUT") << none.body;
  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).reserved == 2; })) << c().stock(7, sku);
  EXPECT_TRUE(c().stock(7, sku).balanced()) << c().stock(7, sku);
}

TEST_F(OrdersFlashTest, WindowCancelAndShapeErrors) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 50);
  long long now_ms = c().node_now_s() * 1000;
  auto create = [&](json body) {
    return c().request("POST", "/api/v1/merchant/flash-sales", body.dump(), c().merchant(7));
  };
  json base = {{"sku_id", sku},
               {"price", 99},
               {"quantity", 10},
               {"start", OrdersClient::iso_time(now_ms + 3'600'000)},
               {"end", OrdersClient::iso_time(now_ms + 7'200'000)},
               {"per_user_limit", 1}};
  HttpResult later = create(base);
  ASSERT_EQ(later.status, 201) << later.body;
  std::string later_id = body_json(later)["flash_sale_id"];
  HttpResult early = c().create_order(42, OrdersClient::order_body(sku, 1, later_id), "too-early");
  EXPECT_EQ(early.status, 422) << early.body;
  EXPECT_EQ(error_code(early), "FLASH_SALE_NOT_STARTED") << early.body;

  json ended = base;
  ended["start"] = OrdersClient::iso_time(now_ms - 7'200'000);
  ended["end"] = OrdersClient::iso_time(now_ms - 3'600'000);
  HttpResult past = create(ended);
  if (past.status == 201) {
    HttpResult late = c().create_order(42, OrdersClient::order_body(sku, 1,
                                                                    body_json(past)["flash_sale_id"]),
                                       "too-late");
    EXPECT_EQ(late.status, 422) << late.body;
    EXPECT_EQ(error_code(late), "FLASH_SALE_ENDED") << late.body;
  } else {
    EXPECT_EQ(error_code(past), "BAD_WINDOW") << past.body;
  }

  std::string running = c().create_flash_sale(7, sku, 10);
  HttpResult cancelled = c().request("POST", "/api/v1/merchant/flash-sales/" + running + "/cancel",
                                     "", c().merchant(7));
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(body_json(cancelled)["status"], "CANCELLED");
  HttpResult after = c().create_order(42, OrdersClient::order_body(sku, 1, running), "after-cancel");
  EXPECT_GE(after.status, 400) << after.body;
  EXPECT_LT(after.status, 500) << after.body;

  struct Case {
    const char* field;
    json value;
    const char* code;
  };
  const std::vector<Case> cases = {
      {"price", 0, "BAD_PRICE"},
      {"quantity", 0, "BAD_QUANTITY"},
      {"per_user_limit", 0, "BAD_LIMIT"},
      {"end", OrdersClient::iso_time(now_ms + 1'000'000), "BAD_WINDOW"},  // before start
      {"start", "yesterday", "BAD_WINDOW"},
  };
  for (const auto& k : cases) {
    json body = base;
    body[k.field] = k.value;
    HttpResult r = create(body);
    EXPECT_EQ(r.status, 400) << k.field << ": " << r.body;
    EXPECT_EQ(error_code(r), k.code) << k.field << ": " << r.body;
  }
  json unknown_sku = base;
  unknown_sku["sku_id"] = "7205759403792793600";
  HttpResult nosku = create(unknown_sku);
  EXPECT_EQ(nosku.status, 404) << nosku.body;
  EXPECT_EQ(error_code(nosku), "SKU_NOT_FOUND") << nosku.body;

  HttpResult list = c().request("GET", "/api/v1/merchant/flash-sales?limit=100", "", c().merchant(7));
  ASSERT_EQ(list.status, 200) << list.body;
  size_t expected = past.status == 201 ? 3 : 2;
  EXPECT_EQ(body_json(list)["flash_sales"].size(), expected) << list.body;
  EXPECT_TRUE(c().all_orders(42).empty());
  EXPECT_EQ(c().stock(7, sku).available, 50);
}

}  // namespace
}  // namespace bazaar::testing
