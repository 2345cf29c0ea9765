// What other plugins get from orders (docs/API.md, "Orders services"):
// orders.get, orders.refund exactly once under a storm, orders.cancel, holds
// placed by a participant or a service and released by a service, and the
// risk check with every order.create fact. The fixture fxpart calls the
// services over the real stack (POST /api/v1/fxpart/call/<service>) as
// another plugin would.
#include <gtest/gtest.h>

#include <atomic>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

class OrdersServicesTest : public OrdersTest {
 protected:
  static StackOptions services_options(std::vector<std::string> plugins = {"fxpart"},
                                       std::string chain = "promo=fxpart:after") {
    StackOptions o = options();
    o.plugins = std::move(plugins);
    o.config_lines = {"plugin.orders.participants = " + chain};
    return o;
  }
  // orders.<service> called by the fxpart fixture with `input`.
  HttpResult call(const std::string& service, const json& input) {
    return c().request("POST", "/api/v1/fxpart/call/" + service, input.dump(), c().ops());
  }
  json paid(const std::string& sku, const json& extra = json::object(), long long qty = 1) {
    json body = OrdersClient::order_body(sku, qty);
    body.update(extra);
    HttpResult created = c().create_order(42, body, "k-" + std::to_string(++keys_));
    EXPECT_EQ(created.status, 201) << created.body;
    json o = body_json(created);
    HttpResult p = c().pay(o["order_id"], o["payable"], "t-" + o["order_id"].get<std::string>());
    EXPECT_EQ(body_json(p)["result"], "APPLIED") << p.body;
    return body_json(c().get_order(c().user(42), o["order_id"]));
  }
  HttpResult ship(const std::string& id) {
    return c().request("POST", "/api/v1/merchant/orders/" + id + "/ship", "{}", c().merchant(7));
  }
  int keys_ = 0;
};

TEST_F(OrdersServicesTest, RefundCalledTwentyTimesAtOnceRefundsOnceWithOneEvent) {
  ASSERT_TRUE(start(services_options()));
  const std::string sku = c().create_sku(7, 10, 1999);
  const json order = paid(sku, {{"promo", {{"off", 99}}}}, 2);
  const std::string id = order["order_id"];
  ASSERT_EQ(order["status"], "PAID") << order;

  std::atomic<int> refunded{0}, already{0}, failed{0};
  run_concurrently(20, 20, [&](size_t) {
    HttpResult r = call("refund", {{"order_id", id}, {"reason", "group failed"}, {"actor", "groupbuy"}});
    const json answer = body_json(r);
    if (r.status == 200 && answer["result"] == "REFUNDED") {
      ++refunded;
    } else if (r.status == 200 && answer["result"] == "ALREADY_REFUNDED") {
      ++already;
    } else {
      ++failed;
      ADD_FAILURE() << r.status << " " << r.body;
    }
  });
  EXPECT_EQ(refunded, 1);
  EXPECT_EQ(already, 19);
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(c().order_status(id), "REFUNDED");
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_refunds WHERE order_id = " + id), 1);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COALESCE(SUM(amount), 0) FROM orders_refunds WHERE order_id = " + id),
            order["payable"].get<long long>());
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM bazaar_outbox WHERE topic = 'order.refunded.' "
                                     "AND payload LIKE '%\"" + id + "\"%'"),
            1);
  // Released as a merchant's full refund releases: the participant is
  // cancelled once (reason refund), the units go back to stock.
  EXPECT_TRUE(eventually([&] { return c().stock(7, sku).returned == 2; })) << c().stock(7, sku);
  EXPECT_TRUE(c().stock(7, sku).balanced());
  int cancels = 0;
  const json calls = body_json(stack_->get("/api/v1/fxpart/calls/" + id))["calls"];
  for (const auto& call : calls) {
    if (call["verb"] == "cancel") {
      ++cancels;
      EXPECT_EQ(call["reason"], "refund");
    }
  }
  EXPECT_EQ(cancels, 1);
  // The history names the calling plugin.
  bool by_plugin = false;
  for (const auto& row : c().history_rows(id)) by_plugin = by_plugin || row["actor"] == "plugin:groupbuy";
  EXPECT_TRUE(by_plugin);
}

TEST_F(OrdersServicesTest, RefundAndCancelRefuseWhatTheyCannotDo) {
  ASSERT_TRUE(start(services_options()));
  const std::string sku = c().create_sku(7, 10, 500);
  const json pending = c().place_order(42, sku, 1);
  const std::string id = pending["order_id"];
  HttpResult unpaid = call("refund", {{"order_id", id}});
  EXPECT_EQ(unpaid.status, 409) << unpaid.body;
  EXPECT_EQ(error_code(unpaid), "BAD_ORDER_STATUS");
  EXPECT_EQ(error_code(call("refund", {{"order_id", "7205759403792793600"}})), "ORDER_NOT_FOUND");
  EXPECT_EQ(error_code(call("refund", {{"order_id", "x"}})), "BAD_ORDER_ID");

  // orders.cancel: an unpaid order, idempotently; a paid one is refused.
  for (int i = 0; i < 2; ++i) {
    HttpResult cancelled = call("cancel", {{"order_id", id}, {"reason", "group expired"}});
    EXPECT_EQ(cancelled.status, 200) << cancelled.body;
    EXPECT_EQ(body_json(cancelled)["order"]["status"], "CANCELLED");
  }
  EXPECT_EQ(c().stock(7, sku).available, 10);
  const json done = paid(sku);
  HttpResult late = call("cancel", {{"order_id", done["order_id"]}});
  EXPECT_EQ(late.status, 409) << late.body;
  EXPECT_EQ(error_code(late), "ORDER_NOT_CANCELLABLE");

  // orders.get: the order with its participants.
  HttpResult got = call("get", {{"order_id", done["order_id"]}});
  ASSERT_EQ(got.status, 200) << got.body;
  EXPECT_EQ(body_json(got)["status"], "PAID");
  EXPECT_EQ(body_json(got)["participants"], json::array({{{"name", "stock"}, {"state", "CONFIRMED"}}}));
}

TEST_F(OrdersServicesTest, AHeldOrderShipsOnlyOnceEveryHoldIsReleased) {
  ASSERT_TRUE(start(services_options()));
  const std::string sku = c().create_sku(7, 10, 800);
  // Held by the participant's try, and by another plugin through orders.place_hold.
  const json order = paid(sku, {{"promo", {{"hold", "group"}}}});
  const std::string id = order["order_id"];
  ASSERT_EQ(order["holds"].size(), 1u) << order;
  EXPECT_EQ(order["holds"][0]["name"], "group");
  EXPECT_EQ(order["holds"][0]["placed_by"], "fxpart");
  HttpResult placed = call("place_hold", {{"order_id", id}, {"name", "risk_review"}, {"reason", "large order"}});
  ASSERT_EQ(placed.status, 200) << placed.body;
  EXPECT_EQ(body_json(placed)["order"]["holds"].size(), 2u);

  HttpResult held = ship(id);
  EXPECT_EQ(held.status, 409) << held.body;
  EXPECT_EQ(error_code(held), "ORDER_ON_HOLD");
  EXPECT_EQ(body_json(call("release_hold", {{"order_id", id}, {"name", "group"}})), json({{"released", true}}));
  EXPECT_EQ(error_code(ship(id)), "ORDER_ON_HOLD");  // one still open
  EXPECT_EQ(body_json(call("release_hold", {{"order_id", id}, {"name", "risk_review"}})), json({{"released", true}}));
  // Releasing again is harmless; an unknown hold is not found.
  HttpResult again = call("release_hold", {{"order_id", id}, {"name", "group"}});
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(body_json(again), json({{"released", false}}));
  EXPECT_EQ(error_code(call("release_hold", {{"order_id", id}, {"name", "nope"}})), "HOLD_NOT_FOUND");
  EXPECT_EQ(error_code(call("release_hold", {{"order_id", id}, {"name", "Bad Name"}})), "BAD_HOLD_NAME");
  HttpResult shipped = ship(id);
  EXPECT_EQ(shipped.status, 200) << shipped.body;
  EXPECT_EQ(body_json(shipped)["status"], "SHIPPED");
  EXPECT_TRUE(body_json(c().get_order(c().user(42), id))["holds"].empty());
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM bazaar_outbox WHERE topic = 'order.hold_released.'"), 2);
  // A shipped order takes no new hold.
  EXPECT_EQ(error_code(call("place_hold", {{"order_id", id}, {"name", "late"}})), "BAD_ORDER_STATUS");
}

TEST_F(OrdersServicesTest, AHoldPlacedAtConfirmationKeepsThePaidOrderFromShipping) {
  ASSERT_TRUE(start(services_options()));
  const std::string sku = c().create_sku(7, 10, 800);
  const json order = paid(sku, {{"promo", {{"confirm_hold", "group"}}}});
  const std::string id = order["order_id"];
  ASSERT_EQ(order["holds"].size(), 1u) << order;
  EXPECT_EQ(error_code(ship(id)), "ORDER_ON_HOLD");
  EXPECT_EQ(body_json(call("release_hold", {{"order_id", id}, {"name", "group"}})), json({{"released", true}}));
  EXPECT_EQ(ship(id).status, 200);
}

TEST_F(OrdersServicesTest, TheRiskCheckReceivesEveryOrderCreateFactAfterPricing) {
  ASSERT_TRUE(start(services_options({"fxpart", "fxrisk"}, "coupon=fxpart:discount")));
  const std::string a = c().create_sku(7, 10, 1000);
  const std::string b = c().create_sku(7, 10, 250);
  json body = OrdersClient::order_body(a, 2);
  body["items"].push_back({{"sku_id", b}, {"qty", 3}});
  body["coupon"] = {{"code", "SAVE5"}, {"off", 500}};
  Headers device = {{"X-Device-Id", "dev-42"}};
  const long long before_ms = (c().node_now_s() - 1) * 1000;
  HttpResult created = c().create_order(42, body, "risk-1", device);
  ASSERT_EQ(created.status, 201) << created.body;
  const long long after_ms = (c().node_now_s() + 1) * 1000;
  const std::string id = body_json(created)["order_id"];
  const json checks = body_json(stack_->get("/api/v1/fxrisk/checks/" + id))["checks"];
  ASSERT_EQ(checks.size(), 1u) << checks;
  EXPECT_EQ(checks[0]["point"], "order.create");
  const json f = checks[0]["facts"];
  EXPECT_EQ(f["order.amount"], 2750 - 500);  // after the coupon: what the buyer pays
  EXPECT_EQ(f["order.total"], 2750);
  EXPECT_EQ(f["order.item_count"], 2);
  EXPECT_EQ(f["order.quantity"], 5);
  EXPECT_EQ(f["order.sku_ids"], json::array({a, b}));
  EXPECT_EQ(f["order.merchant_ids"], json::array({"7"}));
  EXPECT_EQ(f["order.coupon_code"], "SAVE5");
  EXPECT_EQ(f["user.id"], "42");
  EXPECT_EQ(f["request.ip"], "127.0.0.1");
  EXPECT_EQ(f["device.id"], "dev-42");
  EXPECT_GE(f["request.time"].get<long long>(), before_ms);
  EXPECT_LE(f["request.time"].get<long long>(), after_ms);

  // deny: nothing reserved, nothing kept; review: the order waits on a hold.
  HttpResult denied = c().create_order(42, OrdersClient::order_body(a, 1), "risk-2", {{"X-Device-Id", "deny"}});
  EXPECT_EQ(denied.status, 403) << denied.body;
  EXPECT_EQ(error_code(denied), "FX_RISK_DENIED");
  EXPECT_EQ(c().stock(7, a).reserved, 2) << c().stock(7, a);
  HttpResult review = c().create_order(42, OrdersClient::order_body(a, 1), "risk-3", {{"X-Device-Id", "review"}});
  ASSERT_EQ(review.status, 201) << review.body;
  EXPECT_EQ(body_json(review)["holds"][0]["name"], "risk_review");
}

}  // namespace
}  // namespace bazaar::testing
