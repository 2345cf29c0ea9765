// The open participant chain (docs/PLUGINS.md, "The participant chain"): a
// third plugin's participants reached through configuration alone, tried,
// confirmed and cancelled in order; a failing try undoes everything before
// it, joined to the order's transaction or not; a field no loaded plugin
// serves; the checkout preview against the created order.
#include <gtest/gtest.h>

#include <random>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

// fxhold (its own transactions, in meta) then fxpart (joined to the order's),
// after the built-in flash participant.
const char* kChain =
    "plugin.orders.participants = flash_sale_id=flash:activity hold=fxhold:discount promo=fxpart:after";

class OrdersChainTest : public OrdersTest {
 protected:
  static StackOptions chain_options() {
    StackOptions o = options();
    o.plugins = {"fxpart", "fxhold"};
    o.config_lines = {kChain};
    return o;
  }
  json calls(const std::string& order_id) {
    return body_json(stack_->get("/api/v1/fxpart/calls/" + order_id))["calls"];
  }
  json state(const std::string& order_id) { return body_json(stack_->get("/api/v1/fxpart/state/" + order_id)); }
  // The verbs of calls, as "prefix verb[:reason]".
  std::vector<std::string> verbs(const std::string& order_id) {
    std::vector<std::string> out;
    for (const auto& c : calls(order_id)) {
      std::string v = c["prefix"].get<std::string>() + " " + c["verb"].get<std::string>();
      if (!c["reason"].get<std::string>().empty()) v += ":" + c["reason"].get<std::string>();
      out.push_back(v);
    }
    return out;
  }
  json order_of(const std::string& sku, long long qty, const json& extra) {
    json body = OrdersClient::order_body(sku, qty);
    body.update(extra);
    return body;
  }
};

TEST_F(OrdersChainTest, AThirdPluginsParticipantsRunThroughConfigurationAlone) {
  ASSERT_TRUE(start(chain_options()));
  const std::string sku = c().create_sku(7, 10, 1000);
  HttpResult created = c().create_order(42, order_of(sku, 2, {{"hold", {{"off", 100}}}, {"promo", {{"off", 300}}}}), "k1");
  ASSERT_EQ(created.status, 201) << created.body;
  json o = body_json(created);
  const std::string id = o["order_id"];
  EXPECT_EQ(o["total"], 2000);
  EXPECT_EQ(o["discount"], 400);
  EXPECT_EQ(o["payable"], 1600);
  EXPECT_EQ(verbs(id), (std::vector<std::string>{"fxhold try", "fxpart try"}));
  EXPECT_EQ(state(id), json({{"fxhold", "TRIED"}, {"fxpart", "TRIED"}}));

  HttpResult paid = c().pay(id, 1600, "t-" + id);
  ASSERT_EQ(body_json(paid)["result"], "APPLIED") << paid.body;
  EXPECT_TRUE(eventually([&] { return state(id) == json({{"fxhold", "CONFIRMED"}, {"fxpart", "CONFIRMED"}}); }))
      << state(id);
  // Confirmed in the order they were tried.
  EXPECT_EQ(verbs(id), (std::vector<std::string>{"fxhold try", "fxpart try", "fxhold confirm:paid",
                                                 "fxpart confirm:paid"}));

  // Another order, cancelled: released in reverse order, once.
  json other = body_json(c().create_order(42, order_of(sku, 1, {{"hold", json::object()}, {"promo", json::object()}}), "k2"));
  const std::string other_id = other["order_id"];
  ASSERT_EQ(c().cancel(42, other_id).status, 200);
  ASSERT_EQ(c().cancel(42, other_id).status, 200);  // again: harmless
  EXPECT_TRUE(eventually([&] { return state(other_id) == json({{"fxhold", "CANCELLED"}, {"fxpart", "CANCELLED"}}); }));
  EXPECT_EQ(verbs(other_id), (std::vector<std::string>{"fxhold try", "fxpart try", "fxpart cancel:cancel",
                                                       "fxhold cancel:cancel"}));
  Stock s = c().stock(7, sku);
  EXPECT_TRUE(s.balanced()) << s;
  EXPECT_EQ(s.sold, 2);
  EXPECT_EQ(s.reserved, 0);
}

TEST_F(OrdersChainTest, AFailingTryUndoesStockAndEveryParticipantBeforeIt) {
  ASSERT_TRUE(start(chain_options()));
  const std::string sku = c().create_sku(7, 5, 1000);
  const std::string sale = c().create_flash_sale(7, sku, 3, /*per_user_limit=*/1, /*price=*/500);
  ASSERT_FALSE(sale.empty());
  json body = OrdersClient::order_body(sku, 1, sale);
  body["hold"] = {{"off", 100}};
  body["promo"] = {{"fail", "PROMO_REFUSED"}};
  HttpResult refused = c().create_order(42, body, "k-fail");
  EXPECT_EQ(refused.status, 422) << refused.body;
  EXPECT_EQ(error_code(refused), "PROMO_REFUSED") << refused.body;

  // Stock, the flash unit and the buyer's allowance are back; nothing is held anywhere.
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.available, 5) << s;
  EXPECT_EQ(s.reserved, 0) << s;
  EXPECT_EQ(body_json(stack_->get("/api/v1/flash-sales/" + sale))["remaining"], 3);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_reservations"), 0);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_flash_holds WHERE state = 'HELD'"), 0);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COALESCE(SUM(qty), 0) FROM orders_flash_buyers"), 0);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM bazaar_timers WHERE kind = 'payment_timeout'"), 0);
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_orders"), 0);
  // fxhold committed its own hold: it was cancelled ("abandoned"); fxpart's
  // joined the order's transaction and went with its rollback.
  const json all = body_json(stack_->get("/api/v1/fxpart/calls"))["calls"];
  ASSERT_FALSE(all.empty()) << all;
  const std::string attempt = all[0]["order_id"];
  EXPECT_EQ(verbs(attempt), (std::vector<std::string>{"fxhold try", "fxpart try", "fxhold cancel:abandoned"}));
  EXPECT_EQ(state(attempt), json({{"fxhold", "CANCELLED"}, {"fxpart", nullptr}}));

  // The buyer may buy again at once (the unit and the allowance came back).
  body["promo"] = json::object();
  HttpResult retried = c().create_order(42, body, "k-fail-2");
  ASSERT_EQ(retried.status, 201) << retried.body;
  EXPECT_EQ(body_json(retried)["payable"], 500 - 100);
}

TEST_F(OrdersChainTest, AFieldNoLoadedPluginServesIs422AndChangesNothing) {
  StackOptions o = options();
  o.config_lines = {"plugin.orders.participants = coupon=coupons:discount promo=nothere:after"};
  ASSERT_TRUE(start(o));
  const std::string sku = c().create_sku(7, 5, 1000);
  HttpResult coupon = c().create_order(42, order_of(sku, 1, {{"coupon", "SAVE10"}}), "k1");
  EXPECT_EQ(coupon.status, 422) << coupon.body;
  EXPECT_EQ(error_code(coupon), "COUPON_NOT_SUPPORTED") << coupon.body;
  HttpResult promo = c().create_order(42, order_of(sku, 1, {{"promo", 1}}), "k2");
  EXPECT_EQ(promo.status, 422) << promo.body;
  EXPECT_EQ(error_code(promo), "PROMO_NOT_SUPPORTED") << promo.body;
  // A field the chain does not name at all is an unknown field, as before.
  HttpResult points = c().create_order(42, order_of(sku, 1, {{"points", 100}}), "k3");
  EXPECT_EQ(points.status, 400) << points.body;
  EXPECT_EQ(error_code(points), "UNKNOWN_FIELD") << points.body;
  // Refused before anything was reserved.
  Stock s = c().stock(7, sku);
  EXPECT_EQ(s.available, 5) << s;
  EXPECT_EQ(sum_over_shards(*stack_, "SELECT COUNT(*) FROM orders_reservations"), 0);
  // The preview refuses the same way.
  HttpResult preview = c().request("POST", "/api/v1/orders/preview", order_of(sku, 1, {{"coupon", "X"}}).dump(),
                                   c().user(42));
  EXPECT_EQ(error_code(preview), "COUPON_NOT_SUPPORTED") << preview.body;
}

// For random carts through the whole chain, the preview's amounts are the
// created order's, line by line; and a preview writes nothing.
TEST_F(OrdersChainTest, ThePreviewOfARandomCartEqualsTheOrderCreatedFromIt) {
  ASSERT_TRUE(start(chain_options()));
  std::vector<std::string> skus;
  for (long long price : {1999, 1, 333, 10007, 250, 4999}) skus.push_back(c().create_sku(7, 100000, price));
  std::mt19937 random(1206);
  for (int round = 0; round < 15; ++round) {
    json items = json::array();
    std::vector<std::string> pool = skus;
    std::shuffle(pool.begin(), pool.end(), random);
    const size_t lines = 1 + random() % 4;
    for (size_t i = 0; i < lines; ++i) items.push_back({{"sku_id", pool[i]}, {"qty", 1 + random() % 5}});
    json body = OrdersClient::order_body(skus[0], 1);
    body["items"] = items;
    switch (random() % 3) {
      case 0: body["hold"] = {{"off", random() % 3000}}; break;
      case 1: body["hold"] = {{"lines", {{"1", 1}}}}; break;  // every line costs at least 1 fen
      default: break;
    }
    if (random() % 2 == 0) body["promo"] = {{"off", random() % 20000}};

    const Stock before = c().stock(7, pool[0]);
    HttpResult preview = c().request("POST", "/api/v1/orders/preview", body.dump(), c().user(42));
    ASSERT_EQ(preview.status, 200) << preview.body;
    EXPECT_EQ(c().stock(7, pool[0]).available, before.available) << "a preview reserved stock";
    HttpResult created = c().create_order(42, body, "cart-" + std::to_string(round));
    ASSERT_EQ(created.status, 201) << created.body;
    const json p = body_json(preview);
    const json o = body_json(created);
    EXPECT_EQ(p["total"], o["total"]) << p << "\n" << o;
    EXPECT_EQ(p["discount"], o["discount"]) << p << "\n" << o;
    EXPECT_EQ(p["payable"], o["payable"]) << p << "\n" << o;
    ASSERT_EQ(p["items"].size(), o["items"].size());
    for (size_t i = 0; i < p["items"].size(); ++i) {
      EXPECT_EQ(p["items"][i]["unit_price"], o["items"][i]["unit_price"]) << round << " line " << i;
      EXPECT_EQ(p["items"][i]["amount"], o["items"][i]["amount"]) << round << " line " << i;
      EXPECT_EQ(p["items"][i]["discount"], o["items"][i]["discount"]) << round << " line " << i;
      EXPECT_EQ(p["items"][i]["payable"], o["items"][i]["paid_amount"]) << round << " line " << i;
    }
  }
}

TEST_F(OrdersChainTest, ThePreviewListsWhatWouldRefuseAndStillPricesTheRest) {
  ASSERT_TRUE(start(chain_options()));
  const std::string short_sku = c().create_sku(7, 1, 1000);
  json body = order_of(short_sku, 3, {{"hold", {{"off", 100}}}, {"promo", {{"fail", "PROMO_REFUSED"}}}});
  HttpResult preview = c().request("POST", "/api/v1/orders/preview", body.dump(), c().user(42));
  ASSERT_EQ(preview.status, 200) << preview.body;
  const json p = body_json(preview);
  EXPECT_EQ(p["total"], 3000);
  EXPECT_EQ(p["discount"], 100);
  EXPECT_EQ(p["payable"], 2900);
  ASSERT_EQ(p["participants"].size(), 3u) << p;
  EXPECT_EQ(p["participants"][0]["name"], "stock");
  EXPECT_EQ(p["participants"][0]["ok"], false);
  EXPECT_EQ(p["participants"][0]["error"]["code"], "SOLD_OUT");
  EXPECT_EQ(p["participants"][1]["name"], "fxhold");
  EXPECT_EQ(p["participants"][1]["discount"], 100);
  EXPECT_EQ(p["participants"][1]["ok"], true);
  EXPECT_EQ(p["participants"][2]["name"], "fxpart");
  EXPECT_EQ(p["participants"][2]["ok"], false);
  EXPECT_EQ(p["participants"][2]["error"]["code"], "PROMO_REFUSED");
  // Quotes only: no try, nothing written.
  const json calls = body_json(stack_->get("/api/v1/fxpart/calls"))["calls"];
  EXPECT_FALSE(calls.empty());
  for (const auto& call : calls) EXPECT_EQ(call["verb"], "quote");
  EXPECT_EQ(c().stock(7, short_sku).available, 1);
  HttpResult unknown = c().request("POST", "/api/v1/orders/preview",
                                   OrdersClient::order_body("7205759403792793600", 1).dump(), c().user(42));
  EXPECT_EQ(error_code(unknown), "UNKNOWN_SKU") << unknown.body;
}

}  // namespace
}  // namespace bazaar::testing
