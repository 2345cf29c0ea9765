// Signed payment callbacks (docs/API.md, "Pay"): every rejection changes
// nothing, replays pay once, a payment after cancel is recorded for refund,
// and cancel racing pay ends every order in exactly one state.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

class OrdersPaymentTest : public OrdersTest {
 protected:
  // The order's status, history length and its SKU's stock, to compare.
  struct Snapshot {
    std::string status;
    size_t history = 0;
    Stock stock;
  };
  Snapshot snapshot(const std::string& sku, const std::string& order_id) {
    return {c().order_status(order_id), c().history_rows(order_id).size(), c().stock(7, sku)};
  }
  void expect_unchanged(const Snapshot& before, const std::string& sku,
                        const std::string& order_id, const std::string& what) {
    Snapshot now = snapshot(sku, order_id);
    EXPECT_EQ(now.status, before.status) << what;
    EXPECT_EQ(now.history, before.history) << what;
    EXPECT_EQ(now.stock.available, before.stock.available) << what;
    EXPECT_EQ(now.stock.reserved, before.stock.reserved) << what;
    EXPECT_EQ(now.stock.sold, before.stock.sold) << what;
  }
};

TEST_F(OrdersPaymentTest, RejectedCallbacksChangeNothing) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10);
  json order = c().place_order(42, sku, 2);
  ASSERT_TRUE(order.is_object());
  std::string id = order["order_id"];
  long long payable = order["payable"];
  Snapshot before = snapshot(sku, id);
  ASSERT_EQ(before.status, "PENDING_PAYMENT");

  std::string body = OrdersClient::payment_body(id, payable, "txn-good").dump();
  auto expect_rejected = [&](const HttpResult& r, int status, const std::string& code,
                             const std::string& what) {
    EXPECT_EQ(r.status, status) << what << ": " << r.body;
    EXPECT_EQ(error_code(r), code) << what << ": " << r.body;
    expect_unchanged(before, sku, id, what);
  };

  expect_rejected(c().callback(body, {}), 401, "SIGNATURE_MISSING", "unsigned");
  Headers no_sig = c().signed_headers(body);
  no_sig.pop_back();
  expect_rejected(c().callback(body, no_sig), 401, "SIGNATURE_MISSING", "no signature header");

  Headers bad = c().signed_headers(body);
  bad[2].second[0] = bad[2].second[0] == '0' ? '1' : '0';
  expect_rejected(c().callback(body, bad), 401, "BAD_SIGNATURE", "one hex digit changed");
  Headers upper = c().signed_headers(body);
  for (char& ch : upper[2].second) ch = static_cast<char>(toupper(ch));
  expect_rejected(c().callback(body, upper), 401, "BAD_SIGNATURE", "upper-case hex");
  Headers other_key = c().signed_headers(body);
  other_key[2].second = std::string(64, 'a');
  expect_rejected(c().callback(body, other_key), 401, "BAD_SIGNATURE", "made-up signature");

  std::string altered = OrdersClient::payment_body(id, payable - 1, "txn-good").dump();
  expect_rejected(c().callback(altered, c().signed_headers(body)), 401, "BAD_SIGNATURE",
                  "body altered after signing");

  // A minute past the 5-minute window each way: a node clock that moves on
  // while the request waits (a loaded machine) cannot bring them back inside.
  long long now = c().node_now_s();
  expect_rejected(c().callback(body, c().signed_headers(body, "", now - 360)), 401,
                  "STALE_TIMESTAMP", "timestamp 6 min old");
  expect_rejected(c().callback(body, c().signed_headers(body, "", now + 360)), 401,
                  "STALE_TIMESTAMP", "timestamp 6 min ahead");

  std::string wrong_amount = OrdersClient::payment_body(id, payable + 1, "txn-amount").dump();
  expect_rejected(c().callback(wrong_amount, c().signed_headers(wrong_amount)), 422,
                  "AMOUNT_MISMATCH", "wrong amount");

  std::string unknown = OrdersClient::payment_body("7205759403792793600", payable, "txn-x").dump();
  expect_rejected(c().callback(unknown, c().signed_headers(unknown)), 404, "ORDER_NOT_FOUND",
                  "unknown order");

  std::string junk = "{\"order_id\":";
  expect_rejected(c().callback(junk, c().signed_headers(junk)), 400, "INVALID_JSON", "bad JSON");
  std::string shape = R"({"order_id":[],"amount":"x"})";
  expect_rejected(c().callback(shape, c().signed_headers(shape)), 400, "INVALID_BODY",
                  "bad shape");

  // A failed payment is acknowledged and ignored.
  json failed = OrdersClient::payment_body(id, payable, "txn-failed");
  failed["status"] = "FAILED";
  HttpResult ignored = c().callback(failed.dump(), c().signed_headers(failed.dump()));
  EXPECT_EQ(ignored.status, 200) << ignored.body;
  EXPECT_EQ(body_json(ignored)["result"], "IGNORED") << ignored.body;
  expect_unchanged(before, sku, id, "status FAILED");

  // A nonce that paid another order is refused for this one.
  std::string other_sku = c().create_sku(7, 10);
  json other = c().place_order(43, other_sku, 1);
  ASSERT_TRUE(other.is_object());
  HttpResult paid_other = c().pay(other["order_id"], other["payable"], "txn-other", "nonce-once-1");
  ASSERT_EQ(paid_other.status, 200) << paid_other.body;
  before = snapshot(sku, id);
  expect_rejected(c().callback(body, c().signed_headers(body, "nonce-once-1")), 409,
                  "NONCE_REUSED", "reused nonce");
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_payments WHERE order_id = " + id), 0);

  // After all that the provider's honest retry applies.
  HttpResult ok = c().callback(body, c().signed_headers(body));
  ASSERT_EQ(ok.status, 200) << ok.body;
  json answer = body_json(ok);
  EXPECT_EQ(answer["result"], "APPLIED");
  EXPECT_EQ(answer["order_id"], id);
  EXPECT_EQ(answer["order_status"], "PAID");
  EXPECT_EQ(c().order_status(id), "PAID");
  std::vector<json> rows = c().history_rows(id);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1]["from"], "PENDING_PAYMENT");
  EXPECT_EQ(rows[1]["to"], "PAID");
  EXPECT_TRUE(body_json(c().get_order(c().user(42), id))["paid_at"].is_string());
  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).sold == 2; })) << c().stock(7, sku);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.reserved, 0);
  EXPECT_EQ(s.available, 8);
  EXPECT_TRUE(s.balanced()) << s;
}

TEST_F(OrdersPaymentTest, ReplaysPayOnce) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10);
  std::vector<json> orders;
  for (int i = 0; i < 3; ++i) orders.push_back(c().place_order(42, sku, 1));
  for (const auto& o : orders) ASSERT_TRUE(o.is_object());

  // 1. The same signed callback (same nonce) ten times at once.
  {
    std::string id = orders[0]["order_id"];
    std::string body = OrdersClient::payment_body(id, orders[0]["payable"], "txn-replay").dump();
    Headers h = c().signed_headers(body, "nonce-replayed-10x");
    std::vector<HttpResult> answers(10);
    run_concurrently(10, 10, [&](size_t i) { answers[i] = c().callback(body, h); });
    int applied = 0, reused = 0;
    for (const auto& r : answers) {
      if (r.status == 200 && body_json(r)["result"] == "APPLIED") {
        ++applied;
      } else if (r.status == 409 && error_code(r) == "NONCE_REUSED") {
        ++reused;
      } else {
        ADD_FAILURE() << r.status << " " << r.body << r.error;
      }
    }
    EXPECT_EQ(applied, 1);
    EXPECT_EQ(reused, 9);
    std::vector<json> rows = c().history_rows(id);
    EXPECT_EQ(std::count_if(rows.begin(), rows.end(), [](const json& row) { return row["to"] == "PAID"; }), 1);
  }
  // 2. The same transaction with fresh nonces ten times at once.
  {
    std::string id = orders[1]["order_id"];
    std::vector<HttpResult> answers(10);
    run_concurrently(10, 10, [&](size_t i) { answers[i] = c().pay(id, orders[1]["payable"], "txn-same"); });
    int applied = 0, duplicate = 0;
    for (const auto& r : answers) {
      std::string result = r.status == 200 ? body_json(r).value("result", "") : "";
      if (result == "APPLIED") {
        ++applied;
      } else if (result == "DUPLICATE") {
        ++duplicate;
      } else {
        ADD_FAILURE() << r.status << " " << r.body << r.error;
      }
    }
    EXPECT_EQ(applied, 1);
    EXPECT_EQ(duplicate, 9);
    std::vector<json> rows = c().history_rows(id);
    EXPECT_EQ(std::count_if(rows.begin(), rows.end(), [](const json& row) { return row["to"] == "PAID"; }), 1);
    EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_payments WHERE order_id = " + id), 1);
  }
  // 3. Ten different transactions for one order at once: one pays, the rest go back.
  {
    std::string id = orders[2]["order_id"];
    std::vector<HttpResult> answers(10);
    run_concurrently(10, 10, [&](size_t i) {
      answers[i] = c().pay(id, orders[2]["payable"], "txn-many-" + std::to_string(i));
    });
    int applied = 0, refund = 0;
    for (const auto& r : answers) {
      std::string result = r.status == 200 ? body_json(r).value("result", "") : "";
      if (result == "APPLIED") {
        ++applied;
      } else if (result == "REFUND_REQUIRED") {
        ++refund;
      } else {
        ADD_FAILURE() << r.status << " " << r.body << r.error;
      }
    }
    EXPECT_EQ(applied, 1);
    EXPECT_EQ(refund, 9);
    std::vector<json> rows = c().history_rows(id);
    EXPECT_EQ(std::count_if(rows.begin(), rows.end(), [](const json& row) { return row["to"] == "PAID"; }), 1);
    EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_payments WHERE outcome = "
                                       "'REFUND_REQUIRED' AND order_id = " + id), 9);
  }
  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).sold == 3; })) << c().stock(7, sku);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.reserved, 0);
  EXPECT_TRUE(s.balanced()) << s;
}

// A provider transaction pays one order on the whole node, not one per
// shard: sent for ten orders (on several shards) at once, it pays exactly one
// and the rest answer DUPLICATE naming that order.
TEST_F(OrdersPaymentTest, ATransactionIdPaysOneOrderAcrossShards) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 100);
  constexpr size_t kOrders = 10;
  std::vector<json> orders;
  std::set<long long> shards;
  for (size_t i = 0; i < kOrders; ++i) {
    orders.push_back(c().place_order(200 + as_ll(i), sku, 1));
    ASSERT_TRUE(orders.back().is_object());
    shards.insert((std::stoll(orders.back()["order_id"].get<std::string>()) >> 10) & 31);
  }
  ASSERT_GE(shards.size(), 2u) << "every order landed on one shard";

  std::vector<HttpResult> answers(kOrders);
  run_concurrently(kOrders, kOrders, [&](size_t i) {
    answers[i] = c().pay(orders[i]["order_id"], orders[i]["payable"], "txn-shared");
  });
  std::vector<std::string> applied;
  int duplicate = 0;
  for (const auto& r : answers) {
    std::string result = r.status == 200 ? body_json(r).value("result", "") : "";
    if (result == "APPLIED") {
      applied.push_back(body_json(r)["order_id"]);
    } else if (result == "DUPLICATE") {
      ++duplicate;
    } else {
      ADD_FAILURE() << r.status << " " << r.body << r.error;
    }
  }
  ASSERT_EQ(applied.size(), 1u);
  EXPECT_EQ(duplicate, as_ll(kOrders) - 1);
  for (const auto& r : answers) {
    EXPECT_EQ(body_json(r)["order_id"], applied[0]) << r.body;
    // A duplicate reports the owner's status as it reads it: the owner's
    // own callback may not have committed PAID yet.
    std::string status = body_json(r)["order_status"];
    EXPECT_TRUE(status == "PAID" || status == "PENDING_PAYMENT") << r.body;
  }
  for (const auto& o : orders) {
    EXPECT_EQ(c().order_status(o["order_id"]), o["order_id"] == applied[0] ? "PAID" : "PENDING_PAYMENT");
  }
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_payments "
                                     "WHERE provider_txn_id = 'txn-shared'"),
            1);

  // A refused callback (unknown order, wrong amount) does not tie its
  // transaction id to that order: the corrected callback pays.
  const json& next = orders[0]["order_id"] == applied[0] ? orders[1] : orders[0];
  std::string unknown = OrdersClient::payment_body("7205759403792793600", next["payable"], "txn-typo").dump();
  ASSERT_EQ(c().callback(unknown, c().signed_headers(unknown)).status, 404);
  ASSERT_EQ(c().pay(next["order_id"], as_ll(next["payable"]) + 1, "txn-typo").status, 422);
  HttpResult corrected = c().pay(next["order_id"], next["payable"], "txn-typo");
  ASSERT_EQ(corrected.status, 200) << corrected.body;
  EXPECT_EQ(body_json(corrected)["result"], "APPLIED") << corrected.body;
  EXPECT_EQ(c().order_status(next["order_id"]), "PAID");
}

TEST_F(OrdersPaymentTest, PaymentAfterCancelIsRecordedForRefund) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10);
  json order = c().place_order(42, sku, 2);
  ASSERT_TRUE(order.is_object());
  std::string id = order["order_id"];
  ASSERT_EQ(c().cancel(42, id).status, 200);
  HttpResult r = c().pay(id, order["payable"], "txn-late");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(body_json(r)["result"], "REFUND_REQUIRED");
  EXPECT_EQ(body_json(r)["order_status"], "CANCELLED");
  EXPECT_EQ(c().order_status(id), "CANCELLED");
  EXPECT_EQ(c().history_rows(id).size(), 2u);
  HttpResult again = c().pay(id, order["payable"], "txn-late");
  EXPECT_EQ(body_json(again)["result"], "DUPLICATE") << again.body;
  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).available == 10; })) << c().stock(7, sku);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.sold, 0);
  EXPECT_EQ(s.reserved, 0);
  EXPECT_TRUE(s.balanced()) << s;
  HttpResult cancel_again = c().cancel(42, id);
  EXPECT_EQ(cancel_again.status, 200) << cancel_again.body;
  EXPECT_EQ(body_json(cancel_again)["status"], "CANCELLED");
}

TEST_F(OrdersPaymentTest, BazaarctlPaySignsLikeAProvider) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10);
  json order = c().place_order(42, sku, 2);
  ASSERT_TRUE(order.is_object());
  std::string id = order["order_id"];
  std::string url = "http://127.0.0.1:" + std::to_string(stack_->port());
  std::string out;
  EXPECT_NE(stack_->ctl("pay --url " + url + " " + id + " --amount 1", &out), 0) << out;
  EXPECT_EQ(c().order_status(id), "PENDING_PAYMENT");
  ASSERT_EQ(stack_->ctl("pay --url " + url + " " + id + " --txn ctl-txn-1", &out), 0) << out;
  EXPECT_NE(out.find("APPLIED"), std::string::npos) << out;
  EXPECT_EQ(c().order_status(id), "PAID");
  ASSERT_EQ(stack_->ctl("pay --url " + url + " " + id + " --txn ctl-txn-1", &out), 0) << out;
  EXPECT_NE(out.find("DUPLICATE"), std::string::npos) << out;
}

TEST_F(OrdersPaymentTest, CancelRacingPayEndsInExactlyOneState) {
  StackOptions o = options();
  o.threads = 16;
  ASSERT_TRUE(start(o));
  constexpr size_t kOrders = 100;
  std::string sku = c().create_sku(7, 500);
  std::vector<json> orders;
  for (size_t i = 0; i < kOrders; ++i) {
    orders.push_back(c().place_order(100 + as_ll(i), sku, 2));
    ASSERT_TRUE(orders.back().is_object());
  }
  // Task 2i cancels order i, task 2i+1 pays it: the two start together.
  std::vector<HttpResult> cancels(kOrders), pays(kOrders);
  run_concurrently(2 * kOrders, 32, [&](size_t t) {
    size_t i = t / 2;
    const json& order = orders[i];
    if (t % 2 == 0) {
      cancels[i] = c().cancel(100 + as_ll(i), order["order_id"]);
    } else {
      pays[i] = c().pay(order["order_id"], order["payable"], "txn-race-" + std::to_string(i));
    }
  });
  long long paid = 0, cancelled = 0;
  for (size_t i = 0; i < kOrders; ++i) {
    std::string id = orders[i]["order_id"];
    std::string status = c().order_status(id);
    std::string result = pays[i].status == 200 ? body_json(pays[i]).value("result", "") : "";
    std::vector<json> rows = c().history_rows(id);
    ASSERT_EQ(rows.size(), 2u) << id << ": one move only";
    if (status == "PAID") {
      ++paid;
      EXPECT_EQ(result, "APPLIED") << pays[i].body;
      EXPECT_EQ(cancels[i].status, 409) << cancels[i].body;
      EXPECT_EQ(error_code(cancels[i]), "ORDER_NOT_CANCELLABLE") << cancels[i].body;
    } else if (status == "CANCELLED") {
      ++cancelled;
      EXPECT_EQ(result, "REFUND_REQUIRED") << pays[i].body;
      EXPECT_EQ(cancels[i].status, 200) << cancels[i].body;
    } else {
      ADD_FAILURE() << id << " ended " << status;
    }
    EXPECT_EQ(rows[1]["to"], status);
  }
  EXPECT_EQ(paid + cancelled, as_ll(kOrders));
  // Settled on the background worker: paid units sold, the rest back.
  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).reserved == 0; }, 20000))
      << c().stock(7, sku);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.sold, 2 * paid) << s;
  EXPECT_EQ(s.available, 500 - 2 * paid) << s;
  EXPECT_TRUE(s.balanced()) << s;
  // Settling took each order's time-out along: none is left to fire for nothing.
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM bazaar_timers "
                                     "WHERE plugin = 'orders' AND kind = 'payment_timeout'"),
            0);
}

}  // namespace
}  // namespace bazaar::testing
