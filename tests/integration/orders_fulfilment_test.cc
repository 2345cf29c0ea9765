// Fulfilment and refunds (docs/API.md, "Fulfilment and refunds"): ship,
// deliver, partial and full refunds, and the stock equation after a
// restocking refund.
#include <gtest/gtest.h>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

class OrdersFulfilmentTest : public OrdersTest {
 protected:
  HttpResult merchant_post(const std::string& id, const std::string& action,
                           const std::string& body = "{}", long long merchant = 7) {
    return c().request("POST", "/api/v1/merchant/orders/" + id + "/" + action, body,
                       c().merchant(merchant));
  }
  // The order's status as its buyer (detail and first list page) and seller read it,
  // each read twice so that the second may come from the cache.
  void expect_everyone_reads(const std::string& id, const std::string& status) {
    for (int i = 0; i < 2; ++i) {
      EXPECT_EQ(body_json(c().get_order(c().user(42), id))["status"], status) << "buyer, read " << i;
      EXPECT_EQ(body_json(c().get_order(c().merchant(7), id))["status"], status) << "seller, read " << i;
      bool listed = false;
      for (const auto& o : c().all_orders(42)) {
        if (o["order_id"] == id) {
          listed = true;
          EXPECT_EQ(o["status"], status) << "buyer's list, read " << i;
        }
      }
      EXPECT_TRUE(listed) << id;
    }
  }
  // A paid order of qty units of `sku` (merchant 7) by user 42, once the stock is settled.
  json paid_order(const std::string& sku, long long qty) {
    long long sold = c().stock(7, sku).sold;
    json o = c().place_order(42, sku, qty);
    if (!o.is_object()) return o;
    HttpResult p = c().pay(o["order_id"], o["payable"], "txn-" + o["order_id"].get<std::string>());
    EXPECT_EQ(body_json(p)["result"], "APPLIED") << p.body;
    EXPECT_TRUE(eventually([&] { return c().stock(7, sku).sold == sold + qty; }))
        << c().stock(7, sku);
    return body_json(c().get_order(c().user(42), o["order_id"]));
  }
};

TEST_F(OrdersFulfilmentTest, ShipDeliverAndRefundWithRestock) {
  StackOptions options_with_cache = options();
  options_with_cache.memcached = true;  // every move must reach the cached detail and list
  ASSERT_TRUE(start(options_with_cache));
  std::string sku = c().create_sku(7, 10, 1999, /*restock_on_refund=*/true);
  json pending = c().place_order(42, sku, 1);
  ASSERT_TRUE(pending.is_object());
  HttpResult early = merchant_post(pending["order_id"], "ship");
  EXPECT_EQ(early.status, 409) << early.body;
  EXPECT_EQ(error_code(early), "BAD_ORDER_STATUS") << early.body;
  HttpResult refund_unpaid = merchant_post(pending["order_id"], "refunds",
                                           R"({"lines":[{"line":1,"qty":1}],"reason":"x"})");
  EXPECT_EQ(refund_unpaid.status, 409) << refund_unpaid.body;

  json o = paid_order(sku, 2);
  ASSERT_EQ(o["status"], "PAID");
  std::string id = o["order_id"];
  expect_everyone_reads(id, "PAID");
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.sold, 2);
  EXPECT_EQ(s.available, 7);  // 10 - 2 sold - 1 reserved by the pending order
  HttpResult cancel_paid = c().cancel(42, id);
  EXPECT_EQ(cancel_paid.status, 409) << cancel_paid.body;
  EXPECT_EQ(error_code(cancel_paid), "ORDER_NOT_CANCELLABLE") << cancel_paid.body;
  HttpResult deliver_early = merchant_post(id, "deliver");
  EXPECT_EQ(deliver_early.status, 409) << deliver_early.body;
  EXPECT_EQ(error_code(deliver_early), "BAD_ORDER_STATUS");

  HttpResult shipped = merchant_post(id, "ship", R"({"carrier":"SF","tracking":"SF123"})");
  ASSERT_EQ(shipped.status, 200) << shipped.body;
  EXPECT_EQ(body_json(shipped)["status"], "SHIPPED");
  expect_everyone_reads(id, "SHIPPED");
  HttpResult twice = merchant_post(id, "ship");
  EXPECT_EQ(twice.status, 409) << twice.body;
  EXPECT_EQ(error_code(twice), "BAD_ORDER_STATUS");
  HttpResult delivered = merchant_post(id, "deliver");
  ASSERT_EQ(delivered.status, 200) << delivered.body;
  EXPECT_EQ(body_json(delivered)["status"], "DELIVERED");
  expect_everyone_reads(id, "DELIVERED");

  // Partial refund: one unit at the default amount (its share of paid_amount).
  HttpResult partial =
      merchant_post(id, "refunds", R"({"lines":[{"line":1,"qty":1}],"reason":"broken"})");
  ASSERT_EQ(partial.status, 201) << partial.body;
  json p = body_json(partial);
  EXPECT_TRUE(p["refund_id"].is_string());
  EXPECT_EQ(p["order_id"], id);
  EXPECT_EQ(p["amount"], 1999);
  EXPECT_EQ(p["order"]["status"], "DELIVERED");
  EXPECT_EQ(p["order"]["refunded"], 1999);
  EXPECT_EQ(p["order"]["items"][0]["refunded_qty"], 1);
  EXPECT_EQ(body_json(c().get_order(c().user(42), id))["refunded"], 1999) << "cached detail";

  HttpResult too_much = merchant_post(
      id, "refunds", R"({"lines":[{"line":1,"qty":1,"amount":2000}],"reason":"x"})");
  EXPECT_EQ(too_much.status, 422) << too_much.body;
  EXPECT_EQ(error_code(too_much), "REFUND_EXCEEDS_PAID") << too_much.body;
  HttpResult too_many = merchant_post(id, "refunds", R"({"lines":[{"line":1,"qty":2}],"reason":"x"})");
  EXPECT_EQ(too_many.status, 422) << too_many.body;
  HttpResult bad_line = merchant_post(id, "refunds", R"({"lines":[{"line":9,"qty":1}],"reason":"x"})");
  EXPECT_EQ(bad_line.status, 400) << bad_line.body;
  EXPECT_EQ(error_code(bad_line), "BAD_LINE") << bad_line.body;

  HttpResult rest = merchant_post(id, "refunds", R"({"lines":[{"line":1,"qty":1}],"reason":"x"})");
  ASSERT_EQ(rest.status, 201) << rest.body;
  EXPECT_EQ(body_json(rest)["order"]["status"], "REFUNDED");
  EXPECT_EQ(body_json(rest)["order"]["refunded"], 3998);
  expect_everyone_reads(id, "REFUNDED");
  HttpResult after = merchant_post(id, "refunds", R"({"lines":[{"line":1,"qty":1}],"reason":"x"})");
  EXPECT_GE(after.status, 409) << after.body;
  EXPECT_LE(after.status, 422) << after.body;

  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).sold == 0; })) << c().stock(7, sku);
  s = c().stock(7, sku);
  EXPECT_EQ(s.returned, 2);
  EXPECT_EQ(s.available, 9) << "both units back, one still reserved by the pending order";
  EXPECT_EQ(s.reserved, 1);
  EXPECT_TRUE(s.balanced()) << s;

  // The status path; a partial refund may add a row that keeps the status.
  std::vector<std::string> path;
  for (const auto& h : c().history_rows(id)) {
    if (h["from"] != h["to"]) path.push_back(h["to"]);
  }
  EXPECT_EQ(path, (std::vector<std::string>{"PENDING_PAYMENT", "PAID", "SHIPPED", "DELIVERED",
                                            "REFUNDED"}));
  HttpResult as_user = c().request("POST", "/api/v1/merchant/orders/" + id + "/ship", "{}", c().user(42));
  EXPECT_EQ(as_user.status, 403);
}

TEST_F(OrdersFulfilmentTest, RefundsRacingForTheLastUnitsRestockOnce) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10, 1000, /*restock_on_refund=*/true);
  json o = paid_order(sku, 2);
  ASSERT_EQ(o["status"], "PAID");
  std::string id = o["order_id"];
  // Ten refunds of both units at once: one may pass, the rest exceed what is left.
  std::vector<HttpResult> answers(10);
  run_concurrently(10, 10, [&](size_t i) {
    answers[i] = merchant_post(id, "refunds", R"({"lines":[{"line":1,"qty":2}],"reason":"race"})");
  });
  int refunded = 0;
  for (const auto& r : answers) {
    if (r.status == 201) {
      ++refunded;
    } else {
      EXPECT_TRUE(r.status == 422 || r.status == 409) << r.status << " " << r.body;
    }
  }
  EXPECT_EQ(refunded, 1);
  json after = body_json(c().get_order(c().ops(), id));
  EXPECT_EQ(after["status"], "REFUNDED");
  EXPECT_EQ(after["refunded"], 2000);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_refunds WHERE order_id = " + id), 1);
  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).sold == 0; })) << c().stock(7, sku);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.returned, 2);
  EXPECT_EQ(s.available, 10) << s;
  EXPECT_TRUE(s.balanced()) << s;
}

// Units whose money is all paid back already still go back: a refund line of
// 0 fen (explicit, or the default share of a line with nothing left) returns
// them, and the order becomes REFUNDED once every unit is back.
TEST_F(OrdersFulfilmentTest, UnitsWithNoMoneyLeftCanStillBeRefunded) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10, 1, /*restock_on_refund=*/true);
  json o = paid_order(sku, 3);
  ASSERT_EQ(o["status"], "PAID");
  ASSERT_EQ(o["items"][0]["paid_amount"], 3);
  std::string id = o["order_id"];
  auto refund = [&](const std::string& line) {
    return merchant_post(id, "refunds", R"({"lines":[)" + line + R"(],"reason":"returned"})");
  };

  HttpResult all_money = refund(R"({"line":1,"qty":1,"amount":3})");
  ASSERT_EQ(all_money.status, 201) << all_money.body;
  HttpResult negative = refund(R"({"line":1,"qty":1,"amount":-1})");
  EXPECT_EQ(negative.status, 400) << negative.body;
  EXPECT_EQ(error_code(negative), "BAD_AMOUNT") << negative.body;
  HttpResult over = refund(R"({"line":1,"qty":1,"amount":1})");
  EXPECT_EQ(over.status, 422) << over.body;
  EXPECT_EQ(error_code(over), "REFUND_EXCEEDS_PAID") << over.body;

  HttpResult explicit_zero = refund(R"({"line":1,"qty":1,"amount":0})");
  ASSERT_EQ(explicit_zero.status, 201) << explicit_zero.body;
  EXPECT_EQ(body_json(explicit_zero)["amount"], 0);
  EXPECT_EQ(body_json(explicit_zero)["order"]["status"], "PAID");
  HttpResult default_zero = refund(R"({"line":1,"qty":1})");
  ASSERT_EQ(default_zero.status, 201) << default_zero.body;
  json last = body_json(default_zero);
  EXPECT_EQ(last["amount"], 0);
  EXPECT_EQ(last["order"]["status"], "REFUNDED");
  EXPECT_EQ(last["order"]["refunded"], 3);
  EXPECT_EQ(last["order"]["items"][0]["refunded_qty"], 3);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_refunds WHERE order_id = " + id), 3);

  ASSERT_TRUE(eventually([&] { return c().stock(7, sku).returned == 3; })) << c().stock(7, sku);
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.sold, 0);
  EXPECT_EQ(s.available, 10);
  EXPECT_TRUE(s.balanced()) << s;
}

TEST_F(OrdersFulfilmentTest, RefundWithoutRestockKeepsUnitsSold) {
  ASSERT_TRUE(start());
  std::string sku = c().create_sku(7, 10, 500, /*restock_on_refund=*/false);
  json o = paid_order(sku, 3);
  ASSERT_EQ(o["status"], "PAID");
  HttpResult full = merchant_post(o["order_id"], "refunds",
                                  R"({"lines":[{"line":1,"qty":3}],"reason":"lost parcel"})");
  ASSERT_EQ(full.status, 201) << full.body;
  EXPECT_EQ(body_json(full)["amount"], 1500);
  EXPECT_EQ(body_json(full)["order"]["status"], "REFUNDED");
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.sold, 3);
  EXPECT_EQ(s.returned, 0);
  EXPECT_EQ(s.available, 7);
  EXPECT_TRUE(s.balanced()) << s;
}

}  // namespace
}  // namespace bazaar::testing
