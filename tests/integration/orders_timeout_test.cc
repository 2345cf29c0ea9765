// Unpaid orders time out (docs/API.md, "Cancel"): a durable timer per order,
// run by the background worker on the node's clock, which the test moves.
// Stock comes back exactly once even when the background worker is killed
// in the middle of the run.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

class OrdersTimeoutTest : public OrdersTest {
 protected:
  void SetUp() override {
    // Rendered into timer_poll_ms by scripts/stack.sh; the default (1 s) only slows the test.
    setenv("TIMER_POLL_MS", "50", 1);
    StackOptions o = options();
    o.test_clock = true;
    o.memcached = true;  // detail and first list page are cached: a time-out must invalidate them
    bool ok = start(o);
    unsetenv("TIMER_POLL_MS");
    ASSERT_TRUE(ok);
  }

  long long cancelled_rows() {
    return sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_orders WHERE status = 'CANCELLED'");
  }
};

TEST_F(OrdersTimeoutTest, UnpaidOrdersCancelOnceEvenWithTheBackgroundWorkerKilled) {
  constexpr int kOrders = 60;
  std::string sku = c().create_sku(7, 200);
  ASSERT_FALSE(sku.empty());
  std::vector<json> unpaid;
  for (int i = 0; i < kOrders; ++i) {
    unpaid.push_back(c().place_order(100 + i, sku, 2));
    ASSERT_TRUE(unpaid.back().is_object());
  }
  json paid = c().place_order(99, sku, 3);
  ASSERT_TRUE(paid.is_object());
  ASSERT_EQ(body_json(c().pay(paid["order_id"], paid["payable"], "txn-before-deadline"))["result"],
            "APPLIED");
  json by_user = c().place_order(98, sku, 1);
  ASSERT_TRUE(by_user.is_object());
  ASSERT_EQ(c().cancel(98, by_user["order_id"]).status, 200);
  ASSERT_TRUE(eventually([&] {
    Stock s = c().stock(7, sku);
    return s.sold == 3 && s.reserved == 2 * kOrders;
  })) << c().stock(7, sku);
  EXPECT_EQ(cancelled_rows(), 1) << "nothing times out before the deadline";

  pid_t background = stack_->background_pid();
  ASSERT_GT(background, 0);
  ASSERT_TRUE(c().move_clock(960'000));  // past the 900 s payment deadline
  // Kill the background worker once it has started cancelling.
  ASSERT_TRUE(eventually([&] { return cancelled_rows() > 1; }, 20000));
  long long at_kill = cancelled_rows() - 1;
  ASSERT_EQ(kill(background, SIGKILL), 0);
  RecordProperty("timed_out_before_kill", std::to_string(at_kill));
  EXPECT_LT(at_kill, kOrders) << "the kill came after the run, not during it";
  // Timers the killed worker had claimed are leased (timer_lease_ms = 60 s of
  // host clock), and an order it cancelled without releasing the stock has a
  // `settle` timer 30 s later: move the clock past both.
  ASSERT_TRUE(c().move_clock(960'000 + 90'000));
  ASSERT_TRUE(eventually([&] { return cancelled_rows() == kOrders + 1; }, 30000))
      << "cancelled " << cancelled_rows() - 1 << " of " << kOrders;
  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).reserved == 0; }, 20000))
      << c().stock(7, sku);

  for (const auto& o : unpaid) {
    std::string id = o["order_id"];
    EXPECT_EQ(c().order_status(id), "CANCELLED") << id;
    std::vector<json> rows = c().history_rows(id);
    EXPECT_EQ(std::count_if(rows.begin(), rows.end(),
                            [](const json& h) { return h["to"] == "CANCELLED"; }),
              1)
        << id;
    EXPECT_EQ(rows.size(), 2u) << id;
  }
  EXPECT_EQ(c().order_status(paid["order_id"]), "PAID");
  EXPECT_EQ(c().history_rows(by_user["order_id"]).size(), 2u) << "cancelled once, by its user";
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.sold, 3);
  EXPECT_EQ(s.available, 197) << "every unit released exactly once";
  EXPECT_TRUE(s.balanced()) << s;
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_reservations WHERE state = "
                                     "'RELEASED'"),
            kOrders + 1);

  // Money arriving after the time-out goes back; the order stays cancelled.
  HttpResult late = c().pay(unpaid[0]["order_id"], unpaid[0]["payable"], "txn-too-late");
  ASSERT_EQ(late.status, 200) << late.body;
  EXPECT_EQ(body_json(late)["result"], "REFUND_REQUIRED");
  EXPECT_EQ(c().order_status(unpaid[0]["order_id"]), "CANCELLED");
  HttpResult cancel_after = c().cancel(100, unpaid[0]["order_id"]);
  EXPECT_EQ(cancel_after.status, 200) << cancel_after.body;
  EXPECT_EQ(c().history_rows(unpaid[0]["order_id"]).size(), 2u);
}

// An order paid or cancelled before its deadline takes its payment_timeout
// timer along when its stock moves (on every shard the order holds stock on),
// so the background worker never runs a time-out that has nothing to do.
TEST_F(OrdersTimeoutTest, PaidAndCancelledOrdersTakeTheirTimeoutTimerAlong) {
  auto shard_of = [](const std::string& id) { return (std::stoll(id) >> 10) & 31; };
  auto timeout_timers = [&] {
    return sum_over_shards(*stack_, "SELECT COUNT(*) FROM bazaar_timers "
                                    "WHERE plugin = 'orders' AND kind = 'payment_timeout'");
  };
  // Two SKUs of one shop on two shards. A new SKU's shard follows the clock's
  // millisecond, so the test clock moves one millisecond per try.
  std::string tea = c().create_sku(7, 10);
  std::string cup;
  for (long long ms = 1; ms <= 64 && cup.empty(); ++ms) {
    ASSERT_TRUE(c().move_clock(ms));
    std::string candidate = c().create_sku(7, 10);
    if (shard_of(candidate) != shard_of(tea)) cup = candidate;
  }
  ASSERT_FALSE(cup.empty()) << "every SKU landed on one shard";
  json body = OrdersClient::order_body(tea, 1);
  body["items"].push_back({{"sku_id", cup}, {"qty", 1}});
  std::vector<std::string> ids;
  json payable;
  for (long long user : {42, 43, 44}) {
    HttpResult r = c().create_order(user, body, "two-shards-" + std::to_string(user));
    ASSERT_EQ(r.status, 201) << r.body;
    ids.push_back(body_json(r)["order_id"]);
    payable = body_json(r)["payable"];
  }
  EXPECT_EQ(timeout_timers(), 3);

  HttpResult paid = c().pay(ids[0], payable, "txn-two-shards");
  ASSERT_EQ(paid.status, 200) << paid.body;
  ASSERT_EQ(body_json(paid)["result"], "APPLIED");
  ASSERT_EQ(c().cancel(43, ids[1]).status, 200);
  // Both settled on both shards: one unit sold and one held (the unpaid order) per SKU.
  ASSERT_TRUE(eventually([&] {
    Stock t = c().stock(7, tea), u = c().stock(7, cup);
    return t.sold == 1 && t.reserved == 1 && u.sold == 1 && u.reserved == 1;
  })) << c().stock(7, tea) << c().stock(7, cup);
  EXPECT_EQ(timeout_timers(), 1) << "only the unpaid order's time-out is left";

  ASSERT_TRUE(c().move_clock(960'000));  // past the 900 s payment deadline
  ASSERT_TRUE(eventually([&] { return c().order_status(ids[2]) == "CANCELLED"; }, 20000));
  ASSERT_TRUE(eventually([&] { return timeout_timers() == 0; }, 20000));
  for (const std::string& sku : {tea, cup}) {
    Stock s = c().stock(7, sku);
    EXPECT_EQ(s.sold, 1) << s;
    EXPECT_EQ(s.reserved, 0) << s;
    EXPECT_EQ(s.available, 9) << s;
    EXPECT_TRUE(s.balanced()) << s;
  }
  EXPECT_EQ(c().order_status(ids[0]), "PAID");
  EXPECT_EQ(c().history_rows(ids[0]).size(), 2u) << "the paid order never timed out";
}

TEST_F(OrdersTimeoutTest, ATimedOutFlashOrderGivesTheUnitAndAllowanceBack) {
  std::string sku = c().create_sku(7, 10);
  std::string sale_id = c().create_flash_sale(7, sku, 1, 1, 99);  // one unit, open for an hour
  ASSERT_FALSE(sale_id.empty());
  HttpResult bought = c().create_order(42, OrdersClient::order_body(sku, 1, sale_id), "flash-to");
  ASSERT_EQ(bought.status, 201) << bought.body;
  std::string id = body_json(bought)["order_id"];
  HttpResult none = c().create_order(43, OrdersClient::order_body(sku, 1, sale_id), "flash-to-43");
  EXPECT_EQ(error_code(none), "SOLD_OUT") << none.body;

  ASSERT_TRUE(c().move_clock(960'000));
  ASSERT_TRUE(eventually([&] { return c().order_status(id) == "CANCELLED"; }, 30000));
  auto remaining = [&] {
    return body_json(stack_->get("/api/v1/flash-sales/" + sale_id)).value("remaining", -1);
  };
  ASSERT_TRUE(eventually([&] { return remaining() == 1; }, 30000));
  // The same buyer may buy again; a stale sold-out flag lasts about a second.
  HttpResult again;
  ASSERT_TRUE(eventually(
      [&] {
        again = c().create_order(42, OrdersClient::order_body(sku, 1, sale_id),
                                 "flash-again-" + OrdersClient::fresh_nonce());
        return again.status == 201;
      },
      5000))
      << again.body;
  EXPECT_EQ(remaining(), 0);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.reserved, 1);
  EXPECT_EQ(s.available, 9);
  EXPECT_TRUE(s.balanced()) << s;
}

TEST_F(OrdersTimeoutTest, IdempotencyKeysAreKeptADay) {
  std::string sku = c().create_sku(7, 10);
  json body = OrdersClient::order_body(sku, 1);
  HttpResult first = c().create_order(42, body, "day-key");
  ASSERT_EQ(first.status, 201) << first.body;
  ASSERT_TRUE(c().move_clock(23LL * 3600 * 1000));
  HttpResult replay = c().create_order(42, body, "day-key");
  EXPECT_EQ(replay.status, 201) << replay.body;
  EXPECT_EQ(replay.body, first.body);
  EXPECT_EQ(replay.headers["idempotent-replayed"], "true");
  EXPECT_EQ(c().all_orders(42).size(), 1u);
}

TEST_F(OrdersTimeoutTest, PendingOrdersAndTheirTimersSurviveARestart) {
  std::string sku = c().create_sku(7, 10);
  json o = c().place_order(42, sku, 3);
  ASSERT_TRUE(o.is_object());
  ASSERT_TRUE(stack_->restart());
  c().set_clock_offset_ms(0);  // a new master starts with the real clock
  EXPECT_EQ(c().order_status(o["order_id"]), "PENDING_PAYMENT");
  EXPECT_EQ(c().stock(7, sku).reserved, 3);
  ASSERT_TRUE(c().move_clock(960'000));
  ASSERT_TRUE(eventually([&] { return c().order_status(o["order_id"]) == "CANCELLED"; }, 30000));
  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).reserved == 0; }, 30000))
      << c().stock(7, sku);
  EXPECT_EQ(c().stock(7, sku).available, 10);
  EXPECT_EQ(c().history_rows(o["order_id"]).size(), 2u);
}

TEST_F(OrdersTimeoutTest, DeadlineFollowsTheConfiguredTimeout) {
  std::string sku = c().create_sku(7, 10);
  json o = c().place_order(42, sku, 1);
  ASSERT_TRUE(o.is_object());
  // Fill the cache with the pending order (detail and first list page).
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(body_json(c().get_order(c().user(42), o["order_id"]))["status"], "PENDING_PAYMENT");
    EXPECT_EQ(c().all_orders(42).at(0)["status"], "PENDING_PAYMENT");
  }
  ASSERT_TRUE(c().move_clock(890'000));  // before the deadline: nothing happens
  json canary = c().place_order(43, sku, 1);
  ASSERT_TRUE(canary.is_object());
  EXPECT_EQ(c().order_status(o["order_id"]), "PENDING_PAYMENT");
  ASSERT_TRUE(c().move_clock(905'000));
  ASSERT_TRUE(eventually([&] { return c().order_status(o["order_id"]) == "CANCELLED"; }, 30000));
  EXPECT_EQ(c().order_status(canary["order_id"]), "PENDING_PAYMENT")
      << "created 890 s later, due 900 s after that";
  std::vector<json> rows = c().history_rows(o["order_id"]);
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_NE(rows[1]["actor"], "user:42");
  // The background worker's commit invalidates what the request workers cached.
  EXPECT_EQ(body_json(c().get_order(c().user(42), o["order_id"]))["status"], "CANCELLED");
  EXPECT_EQ(body_json(c().get_order(c().merchant(7), o["order_id"]))["status"], "CANCELLED");
  EXPECT_EQ(c().all_orders(42).at(0)["status"], "CANCELLED");
}

// Stock is reserved before the order commits. A worker killed in between
// leaves stock held for an order that does not exist: its key answers "in
// flight" while the attempt's mark lives, and the order's payment_timeout
// timer (committed with the reservation) gives the stock back at the deadline.
TEST_F(OrdersTimeoutTest, StockHeldByAnAttemptKilledBeforeItsOrderComesBackAtTheDeadline) {
  std::string sku = c().create_sku(7, 10);
  json body = OrdersClient::order_body(sku, 4);
  HttpResult killed = c().create_order(42, body, "killed-key",
                                       {{"X-Bazaar-Failpoint", "orders.create.after_reserve"}});
  ASSERT_EQ(killed.status, 502) << "is BAZAAR_FAILPOINTS on? " << killed.body;
  EXPECT_EQ(c().stock(7, sku).reserved, 4) << "held, with no order";

  HttpResult retry;
  ASSERT_TRUE(eventually([&] {  // the supervisor replaces the killed worker
    retry = c().create_order(42, body, "killed-key");
    return retry.status != 502 && retry.status != 503 && retry.status != 0;
  }, 20000));
  EXPECT_EQ(retry.status, 409) << retry.body;
  EXPECT_EQ(error_code(retry), "IDEMPOTENCY_IN_FLIGHT") << retry.body;
  EXPECT_TRUE(c().all_orders(42).empty());

  // Once the mark is gone (it expires; here the cache is flushed) the key runs again.
  ASSERT_TRUE(stack_->flush_memcached());
  HttpResult fresh = c().create_order(42, body, "killed-key");
  ASSERT_EQ(fresh.status, 201) << fresh.body;
  EXPECT_EQ(fresh.headers.count("idempotent-replayed"), 0u);
  json order = body_json(fresh);
  ASSERT_EQ(body_json(c().pay(order["order_id"], order["payable"], "txn-fresh"))["result"], "APPLIED");
  EXPECT_TRUE(eventually([&] {
    Stock s = c().stock(7, sku);
    return s.sold == 4 && s.reserved == 4;
  })) << "the dead attempt's units are still held: " << c().stock(7, sku);

  ASSERT_TRUE(c().move_clock(960'000));
  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).reserved == 0; }, 30000)) << c().stock(7, sku);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.sold, 4);
  EXPECT_EQ(s.available, 6);
  EXPECT_TRUE(s.balanced()) << s;
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_voided"), 1);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_orders"), 1);
  EXPECT_EQ(c().order_status(order["order_id"]), "PAID");
  HttpResult replay = c().create_order(42, body, "killed-key");
  EXPECT_EQ(replay.body, fresh.body);
}

// An attempt stuck between its reservation and its order past the payment
// deadline: the time-out voids its order id and releases the stock, and the
// attempt, when it goes on, can no longer commit. Exactly one of them wins.
TEST_F(OrdersTimeoutTest, AnAttemptThatOutlivesItsDeadlineNeverCommits) {
  std::string sku = c().create_sku(7, 10);
  json body = OrdersClient::order_body(sku, 2);
  const std::string go = stack_->dir() + "/release-held-attempt";
  HttpResult held;
  std::thread attempt([&] {
    held = c().create_order(42, body, "held-key",
                            {{"X-Bazaar-Failpoint", "orders.create.hold_before_commit"},
                             {"X-Bazaar-Failpoint-Until", go}});
  });
  bool reserved = eventually([&] { return c().stock(7, sku).reserved == 2; });
  bool moved = reserved && c().move_clock(960'000);
  bool released = moved && eventually([&] { return c().stock(7, sku).reserved == 0; }, 30000);
  std::ofstream(go) << "go\n";
  attempt.join();
  ASSERT_TRUE(released) << c().stock(7, sku);

  EXPECT_EQ(held.status, 409) << held.body;
  EXPECT_EQ(error_code(held), "ATTEMPT_EXPIRED") << held.body;
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_orders"), 0);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_idempotency"), 0);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.available, 10);
  EXPECT_TRUE(s.balanced()) << s;
  // Nothing of it stands: the key runs again.
  HttpResult retry = c().create_order(42, body, "held-key");
  EXPECT_EQ(retry.status, 201) << retry.body;
  EXPECT_EQ(retry.headers.count("idempotent-replayed"), 0u);
  EXPECT_EQ(c().stock(7, sku).reserved, 2);
}

}  // namespace
}  // namespace bazaar::testing
