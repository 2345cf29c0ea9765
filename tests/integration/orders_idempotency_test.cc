// Idempotency keys of POST /api/v1/orders (docs/API.md): one order per
// (user, key), the first answer replayed byte for byte, a different body
// refused, and a worker killed right after the commit safe to retry.
#include <gtest/gtest.h>

#include <set>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

class OrdersIdempotencyTest : public OrdersTest {};

TEST_F(OrdersIdempotencyTest, SameKeyTwentyTimesInSequenceIsOneOrder) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 100);
  json body = OrdersClient::order_body(sku, 2);
  HttpResult first = c().create_order(42, body, "seq-key-1");
  ASSERT_EQ(first.status, 201) << first.body;
  EXPECT_EQ(first.headers.count("idempotent-replayed"), 0u);
  for (int i = 0; i < 19; ++i) {
    HttpResult again = c().create_order(42, body, "seq-key-1");
    EXPECT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.body, first.body) << "replayed byte for byte";
    EXPECT_EQ(again.headers["idempotent-replayed"], "true");
  }
  // Compared after parsing: key order and spacing do not matter.
  std::string reordered = "{ \"address\" : " + body["address"].dump() +
                          ",\n \"items\":[{\"qty\":2, \"sku_id\":\"" + sku + "\"}]}";
  HttpResult same = c().create_order_raw(42, reordered, "seq-key-1");
  EXPECT_EQ(same.status, 201) << same.body;
  EXPECT_EQ(same.body, first.body);

  HttpResult other = c().create_order(42, OrdersClient::order_body(sku, 3), "seq-key-1");
  EXPECT_EQ(other.status, 422) << other.body;
  EXPECT_EQ(error_code(other), "IDEMPOTENCY_KEY_REUSED") << other.body;

  EXPECT_EQ(c().all_orders(42).size(), 1u);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.reserved, 2);
  EXPECT_TRUE(s.balanced()) << s;
}

TEST_F(OrdersIdempotencyTest, AReplayIsTheFirstAnswerEvenAfterTheOrderMoved) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10, 1999);
  json body = OrdersClient::order_body(sku, 1);
  HttpResult first = c().create_order(42, body, "moved-key");
  ASSERT_EQ(first.status, 201) << first.body;
  json o = body_json(first);
  ASSERT_EQ(body_json(c().pay(o["order_id"], o["payable"], "txn-moved"))["result"], "APPLIED");
  ASSERT_EQ(c().request("PATCH", "/api/v1/merchant/skus/" + sku, R"({"price":2999})",
                        c().merchant(7))
                .status,
            200);
  HttpResult replay = c().create_order(42, body, "moved-key");
  EXPECT_EQ(replay.status, 201);
  EXPECT_EQ(replay.body, first.body) << "the stored answer, not the order as it is now";
  EXPECT_EQ(c().all_orders(42).size(), 1u);
  // A new key buys at the new price; the paid order keeps its own.
  json second = c().place_order(42, sku, 1);
  EXPECT_EQ(second["total"], 2999);
  EXPECT_EQ(body_json(c().get_order(c().user(42), o["order_id"]))["total"], 1999);
}

TEST_F(OrdersIdempotencyTest, SameKeyTwentyTimesAtOnceIsOneOrder) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 100);
  json body = OrdersClient::order_body(sku, 1);
  std::vector<HttpResult> answers(20);
  run_concurrently(20, 20, [&](size_t i) { answers[i] = c().create_order(42, body, "burst-key"); });
  std::string created;
  int in_flight = 0;
  for (const auto& r : answers) {
    if (r.status == 201) {
      if (created.empty()) created = r.body;
      EXPECT_EQ(r.body, created) << "every 201 is the same order";
    } else if (r.status == 409 && error_code(r) == "IDEMPOTENCY_IN_FLIGHT") {
      ++in_flight;
    } else {
      ADD_FAILURE() << r.status << " " << r.body << r.error;
    }
  }
  // A retry after the burst answers the one order.
  HttpResult retry;
  ASSERT_TRUE(eventually([&] {
    retry = c().create_order(42, body, "burst-key");
    return retry.status != 409;
  }));
  ASSERT_EQ(retry.status, 201) << retry.body;
  if (!created.empty()) {
    EXPECT_EQ(retry.body, created);
  }
  EXPECT_EQ(retry.headers["idempotent-replayed"], "true");
  std::vector<json> mine = c().all_orders(42);
  ASSERT_EQ(mine.size(), 1u) << in_flight << " answered IDEMPOTENCY_IN_FLIGHT";
  EXPECT_EQ(mine[0]["order_id"], body_json(retry)["order_id"]);
  EXPECT_EQ(c().stock(7, sku).reserved, 1);
}

// Without a cache the burst above is settled by the key's record alone (the
// losers reserve, find the key taken at commit, give the stock back and
// replay). With one, the attempt's mark turns them away before any stock moves.
TEST_F(OrdersIdempotencyTest, SameKeyAtOnceWithACacheMovesStockOnce) {
  StackOptions o = options();
  o.memcached = true;
  ASSERT_TRUE(start(o));
  std::string sku = c().create_sku(7, 100);
  json body = OrdersClient::order_body(sku, 1);
  std::vector<HttpResult> answers(20);
  run_concurrently(20, 20, [&](size_t i) { answers[i] = c().create_order(42, body, "cached-burst"); });
  std::string created;
  for (const auto& r : answers) {
    if (r.status == 201) {
      if (created.empty()) created = r.body;
      EXPECT_EQ(r.body, created);
    } else {
      EXPECT_EQ(r.status, 409) << r.body << r.error;
      EXPECT_EQ(error_code(r), "IDEMPOTENCY_IN_FLIGHT") << r.body;
    }
  }
  HttpResult retry = c().create_order(42, body, "cached-burst");
  ASSERT_EQ(retry.status, 201) << retry.body;
  EXPECT_EQ(retry.headers["idempotent-replayed"], "true");
  EXPECT_EQ(c().all_orders(42).size(), 1u);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_reservations"), 1)
      << "only the attempt that ran reserved";
}

TEST_F(OrdersIdempotencyTest, KeysAreRequiredWellFormedAndPerUser) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 100);
  json body = OrdersClient::order_body(sku, 1);

  HttpResult none = c().create_order(42, body, "");
  EXPECT_EQ(none.status, 400) << none.body;
  EXPECT_EQ(error_code(none), "IDEMPOTENCY_KEY_MISSING") << none.body;
  for (const std::string& bad : {std::string(65, 'k'), std::string("has space"),
                                std::string("slash/key"), std::string("\xe4\xb8\xad")}) {
    HttpResult r = c().create_order(42, body, bad);
    EXPECT_EQ(r.status, 400) << bad << " -> " << r.body;
    EXPECT_EQ(error_code(r), "BAD_IDEMPOTENCY_KEY") << bad << " -> " << r.body;
  }
  EXPECT_TRUE(c().all_orders(42).empty());
  HttpResult longest = c().create_order(42, body, std::string(64, 'k') );
  EXPECT_EQ(longest.status, 201) << longest.body;
  HttpResult chars = c().create_order(42, body, "A-z_0.9:x");
  EXPECT_EQ(chars.status, 201) << chars.body;

  HttpResult a = c().create_order(42, body, "shared-key");
  HttpResult b = c().create_order(43, body, "shared-key");
  ASSERT_EQ(a.status, 201) << a.body;
  ASSERT_EQ(b.status, 201) << b.body;
  EXPECT_NE(body_json(a)["order_id"], body_json(b)["order_id"]);
  EXPECT_EQ(body_json(b)["user_id"], "43");
  EXPECT_EQ(b.headers.count("idempotent-replayed"), 0u);
  EXPECT_EQ(c().all_orders(42).size(), 3u);
  EXPECT_EQ(c().all_orders(43).size(), 1u);
}

TEST_F(OrdersIdempotencyTest, AFailedAttemptLeavesNoRecord) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 1);
  json body = OrdersClient::order_body(sku, 2);
  HttpResult sold_out = c().create_order(42, body, "retry-after-restock");
  EXPECT_EQ(sold_out.status, 409) << sold_out.body;
  EXPECT_EQ(error_code(sold_out), "SOLD_OUT");
  ASSERT_EQ(c().request("POST", "/api/v1/merchant/skus/" + sku + "/stock", R"({"add":5})",
                        c().merchant(7))
                .status,
            200);
  HttpResult ok = c().create_order(42, body, "retry-after-restock");
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.headers.count("idempotent-replayed"), 0u);
}

TEST_F(OrdersIdempotencyTest, WorkerKilledAfterTheCommitIsSafeToRetry) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10);
  json body = OrdersClient::order_body(sku, 3);
  HttpResult killed = c().create_order(42, body, "crash-key",
                                       {{"X-Bazaar-Failpoint", "orders.create.after_commit"}});
  ASSERT_EQ(killed.status, 502) << "is BAZAAR_FAILPOINTS on? " << killed.body;
  EXPECT_EQ(error_code(killed), "UPSTREAM_FAILED") << killed.body;

  // The supervisor replaces the worker; the other one may answer already.
  HttpResult retry;
  ASSERT_TRUE(eventually(
      [&] {
        retry = c().create_order(42, body, "crash-key");
        return retry.status != 502 && retry.status != 503 && retry.status != 0;
      },
      20000));
  ASSERT_EQ(retry.status, 201) << retry.body;
  EXPECT_EQ(retry.headers["idempotent-replayed"], "true");
  std::string id = body_json(retry)["order_id"];
  std::vector<json> mine = c().all_orders(42);
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0]["order_id"], id);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.reserved, 3);
  EXPECT_EQ(s.available, 7);
  EXPECT_TRUE(s.balanced()) << s;
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_reservations"), 1);
  EXPECT_EQ(c().history_rows(id).size(), 1u);
}

}  // namespace
}  // namespace bazaar::testing
