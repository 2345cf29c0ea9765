// Coupon templates over the real stack (docs/API.md, "Coupons plugin"): a
// template's life from DRAFT through the coupon centre, tenancy (another
// merchant's template is 404, a user is 403), bad input refused with a
// stable code and nothing written, concurrent edits of one version (exactly
// one wins), and orders still refusing a "coupon" field while the coupons
// plugin offers no participant.
#include <gtest/gtest.h>

#include <atomic>

#include "orders_client.h"

namespace bazaar::testing {
namespace {

constexpr long long kA = 7, kB = 8;
const std::string kBase = "/api/v1/merchant/coupon-templates";

class CouponsTemplatesTest : public OrdersTest {
 protected:
  static StackOptions coupons_options() {
    StackOptions o = options();
    o.product_plugins = {"orders", "coupons"};
    return o;
  }

  long long now_ms() { return c().node_now_s() * 1000; }

  // amount_off 10 yuan at 100, valid 7 days from the claim, claimable from a
  // minute ago for an hour.
  json amount_off() {
    const long long now = now_ms();
    return {{"name", "10 off 100"},         {"kind", "amount_off"},
            {"threshold", 10000},           {"amount", 1000},
            {"valid_days", 7},              {"claim_from_ms", now - 60'000},
            {"claim_until_ms", now + 3'600'000}, {"total", 100}};
  }

  HttpResult send(long long merchant, const std::string& method, const std::string& path,
                  const std::string& body = "") {
    return c().request(method, path, body, c().merchant(merchant));
  }
  // A new template of `merchant` (201 expected); its JSON.
  json create(long long merchant, const json& body) {
    HttpResult r = send(merchant, "POST", kBase, body.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return body_json(r);
  }
  HttpResult move(long long merchant, const std::string& id, const std::string& verb) {
    return send(merchant, "POST", kBase + "/" + id + "/" + verb);
  }
  // The template ids the public centre lists for `merchant`.
  std::vector<std::string> centre(long long merchant) {
    HttpResult r = c().request("GET", "/api/v1/coupon-templates?merchant_id=" + std::to_string(merchant));
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> ids;
    const json page = body_json(r);  // alive for the loop (a temporary's member would not be)
    for (const json& t : page["templates"]) ids.push_back(t["template_id"]);
    return ids;
  }
  long long rows() { return sum_over_shards(*stack_, "SELECT COUNT(*) FROM coupons_templates"); }
};

TEST_F(CouponsTemplatesTest, ADraftIsEditedActivatedShownInTheCentrePausedAndEnded) {
  StackOptions o = coupons_options();
  o.memcached = true;  // the centre is cached: every move must show through it
  ASSERT_TRUE(start(o));
  json created = create(kA, amount_off());
  ASSERT_TRUE(created.is_object());
  const std::string id = created["template_id"];
  EXPECT_EQ(created["status"], "DRAFT");
  EXPECT_EQ(created["version"], 1);
  EXPECT_EQ(created["claimed"], 0);
  EXPECT_EQ(created["merchant_id"], "7");
  EXPECT_EQ(created["amount"], 1000);

  HttpResult read = send(kA, "GET", kBase + "/" + id);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(body_json(read), created);
  EXPECT_TRUE(centre(kA).empty());  // a draft is not in the centre (and this fills the cache)

  HttpResult edited = send(kA, "PATCH", kBase + "/" + id, R"({"version":1,"name":"Spring","total":200})");
  ASSERT_EQ(edited.status, 200) << edited.body;
  EXPECT_EQ(body_json(edited)["name"], "Spring");
  EXPECT_EQ(body_json(edited)["total"], 200);
  EXPECT_EQ(body_json(edited)["amount"], 1000);  // untouched fields stay
  EXPECT_EQ(body_json(edited)["version"], 2);

  HttpResult active = move(kA, id, "activate");
  ASSERT_EQ(active.status, 200) << active.body;
  EXPECT_EQ(body_json(active)["status"], "ACTIVE");
  EXPECT_EQ(centre(kA), std::vector<std::string>{id});
  HttpResult shown = c().request("GET", "/api/v1/coupon-templates?merchant_id=7");
  EXPECT_EQ(body_json(shown)["templates"][0]["name"], "Spring") << shown.body;
  EXPECT_FALSE(body_json(shown)["templates"][0].contains("claimed")) << shown.body;
  EXPECT_TRUE(centre(kB).empty());

  // Active, but its claim window opens tomorrow: not in the centre yet.
  json later = amount_off();
  later["claim_from_ms"] = now_ms() + 86'400'000;
  later["claim_until_ms"] = now_ms() + 2 * 86'400'000;
  const std::string later_id = create(kA, later)["template_id"];
  ASSERT_EQ(move(kA, later_id, "activate").status, 200);
  EXPECT_EQ(centre(kA), std::vector<std::string>{id});

  ASSERT_EQ(move(kA, id, "pause").status, 200);
  EXPECT_TRUE(centre(kA).empty());
  ASSERT_EQ(move(kA, id, "activate").status, 200);
  EXPECT_EQ(centre(kA), std::vector<std::string>{id});
  HttpResult ended = move(kA, id, "end");
  ASSERT_EQ(ended.status, 200) << ended.body;
  EXPECT_EQ(body_json(ended)["status"], "ENDED");
  EXPECT_TRUE(centre(kA).empty());

  // Wrong moves: 409 with the current status; an ended template edits no more.
  HttpResult again = move(kA, id, "activate");
  EXPECT_EQ(again.status, 409) << again.body;
  EXPECT_EQ(error_code(again), "TEMPLATE_STATUS");
  EXPECT_NE(body_json(again)["error"]["message"].get<std::string>().find("ENDED"), std::string::npos) << again.body;
  const std::string draft = create(kA, amount_off())["template_id"];
  for (const char* verb : {"pause", "end"}) {
    HttpResult r = move(kA, draft, verb);
    EXPECT_EQ(r.status, 409) << verb << ": " << r.body;
    EXPECT_EQ(error_code(r), "TEMPLATE_STATUS") << r.body;
  }
  HttpResult frozen = send(kA, "PATCH", kBase + "/" + id, R"({"version":6,"name":"x"})");
  EXPECT_EQ(frozen.status, 422) << frozen.body;
  EXPECT_EQ(error_code(frozen), "TEMPLATE_ENDED") << frozen.body;

  // The merchant's list, newest first, in cursor pages.
  HttpResult page1 = send(kA, "GET", kBase + "?limit=2");
  ASSERT_EQ(page1.status, 200) << page1.body;
  ASSERT_EQ(body_json(page1)["templates"].size(), 2u);
  EXPECT_EQ(body_json(page1)["templates"][0]["template_id"], draft);
  const std::string cursor = body_json(page1)["next_cursor"];
  HttpResult page2 = send(kA, "GET", kBase + "?limit=2&cursor=" + cursor);
  ASSERT_EQ(body_json(page2)["templates"].size(), 1u) << page2.body;
  EXPECT_EQ(body_json(page2)["templates"][0]["template_id"], id);
  EXPECT_TRUE(body_json(page2)["next_cursor"].is_null());
}

TEST_F(CouponsTemplatesTest, AnotherMerchantsTemplateIsNotFoundAndUsersAreForbidden) {
  ASSERT_TRUE(start(coupons_options()));
  const std::string id = create(kA, amount_off())["template_id"];
  ASSERT_FALSE(id.empty());
  create(kB, amount_off());  // B has one of its own

  auto expect_404 = [&](const std::string& method, const std::string& path, const std::string& body) {
    HttpResult r = send(kB, method, path, body);
    EXPECT_EQ(r.status, 404) << method << " " << path << ": " << r.body;
    EXPECT_EQ(error_code(r), "TEMPLATE_NOT_FOUND") << method << " " << path << ": " << r.body;
  };
  expect_404("GET", kBase + "/" + id, "");
  expect_404("PATCH", kBase + "/" + id, R"({"version":1,"name":"stolen"})");
  for (const char* verb : {"activate", "pause", "end"}) expect_404("POST", kBase + "/" + id + "/" + verb, "");
  expect_404("GET", kBase + "/not-an-id", "");
  expect_404("GET", kBase + "/12345", "");
  HttpResult list = send(kB, "GET", kBase);
  ASSERT_EQ(list.status, 200) << list.body;
  ASSERT_EQ(body_json(list)["templates"].size(), 1u);
  EXPECT_NE(body_json(list)["templates"][0]["template_id"], id);

  // A user may not use the merchant routes at all.
  for (const auto& [method, path] : std::vector<std::pair<std::string, std::string>>{
           {"GET", kBase}, {"POST", kBase}, {"GET", kBase + "/" + id}, {"PATCH", kBase + "/" + id},
           {"POST", kBase + "/" + id + "/activate"}}) {
    HttpResult r = c().request(method, path, amount_off().dump(), c().user(42));
    EXPECT_EQ(r.status, 403) << method << " " << path << ": " << r.body;
  }
  EXPECT_EQ(c().request("GET", kBase).status, 401);

  // Nothing changed for A.
  json a = body_json(send(kA, "GET", kBase + "/" + id));
  EXPECT_EQ(a["status"], "DRAFT");
  EXPECT_EQ(a["version"], 1);
  EXPECT_EQ(a["name"], "10 off 100");
  EXPECT_EQ(rows(), 2);
}

TEST_F(CouponsTemplatesTest, BadInputIsRefusedWithAStableCodeAndWritesNothing) {
  ASSERT_TRUE(start(coupons_options()));
  auto with = [&](const char* field, json value) {
    json body = amount_off();
    body[field] = std::move(value);
    return body.dump();
  };
  auto percent = [&](int value) {
    json body = amount_off();
    body.erase("amount");
    body.update({{"kind", "percent_off"}, {"cap", 500}, {"percent", value}});
    return body.dump();
  };
  json reversed = amount_off();
  reversed["claim_until_ms"] = reversed["claim_from_ms"].get<long long>() - 1;
  const std::vector<std::tuple<std::string, int, std::string>> cases = {
      {with("amount", -1), 400, "INVALID_AMOUNT"},
      {with("amount", 1'000'000'001LL), 400, "INVALID_AMOUNT"},
      {percent(0), 400, "INVALID_PERCENT"},
      {percent(100), 400, "INVALID_PERCENT"},
      {reversed.dump(), 400, "INVALID_WINDOW"},
      {with("colour", "red"), 400, "UNKNOWN_FIELD"},
      {with("total", 0), 400, "INVALID_QUANTITY"},
      {"{\"name\":", 400, "INVALID_JSON"},
      {"[1,2]", 400, "INVALID_BODY"},
      {"{\"name\":\"" + std::string(2 * 1024 * 1024, 'x') + "\"}", 413, "PAYLOAD_TOO_LARGE"},
  };
  for (const auto& [body, status, code] : cases) {
    HttpResult r = send(kA, "POST", kBase, body);
    EXPECT_EQ(r.status, status) << code << ": " << r.body.substr(0, 300);
    EXPECT_EQ(error_code(r), code) << r.body.substr(0, 300);
  }
  EXPECT_EQ(rows(), 0);

  // A bad edit leaves the template as it was.
  const std::string id = create(kA, amount_off())["template_id"];
  for (const auto& [body, code] : std::vector<std::pair<std::string, std::string>>{
           {R"({"version":1,"amount":-5})", "INVALID_AMOUNT"},
           {R"({"version":1,"percent":10})", "FIELD_NOT_FOR_KIND"},
           {R"({"version":1,"unknown":1})", "UNKNOWN_FIELD"},
           {R"({"name":"no version"})", "INVALID_VERSION"}}) {
    HttpResult r = send(kA, "PATCH", kBase + "/" + id, body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(error_code(r), code) << r.body;
  }
  json a = body_json(send(kA, "GET", kBase + "/" + id));
  EXPECT_EQ(a["version"], 1);
  EXPECT_EQ(a["amount"], 1000);
  EXPECT_EQ(rows(), 1);
  HttpResult no_merchant = c().request("GET", "/api/v1/coupon-templates");
  EXPECT_EQ(no_merchant.status, 400) << no_merchant.body;
  EXPECT_EQ(error_code(no_merchant), "BAD_MERCHANT_ID");
}

TEST_F(CouponsTemplatesTest, OfTwentyConcurrentEditsOfOneVersionExactlyOneWinsAndOfTenEndsOne) {
  ASSERT_TRUE(start(coupons_options()));
  const std::string id = create(kA, amount_off())["template_id"];
  ASSERT_FALSE(id.empty());
  constexpr size_t kEdits = 20;
  std::atomic<int> won{0}, stale{0};
  run_concurrently(kEdits, kEdits, [&](size_t i) {
    json body = {{"version", 1}, {"name", "edit " + std::to_string(i)}, {"total", 100 + as_ll(i)}};
    HttpResult r = send(kA, "PATCH", kBase + "/" + id, body.dump());
    if (r.status == 200) {
      ++won;
    } else if (r.status == 409 && error_code(r) == "TEMPLATE_VERSION") {
      ++stale;
    } else {
      ADD_FAILURE() << r.status << " " << r.body;
    }
  });
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(stale.load(), static_cast<int>(kEdits) - 1);
  json a = body_json(send(kA, "GET", kBase + "/" + id));
  EXPECT_EQ(a["version"], 2);
  // The winner's edit, whole: its name and its total together.
  const std::string name = a["name"];
  EXPECT_EQ(a["total"], 100 + std::stoll(name.substr(5)));

  // Racing moves: of ten "end"s of one active template, one ends it.
  ASSERT_EQ(move(kA, id, "activate").status, 200);
  std::atomic<int> ended{0}, refused{0};
  run_concurrently(10, 10, [&](size_t) {
    HttpResult r = move(kA, id, "end");
    if (r.status == 200) ++ended;
    if (r.status == 409 && error_code(r) == "TEMPLATE_STATUS") ++refused;
  });
  EXPECT_EQ(ended.load(), 1);
  EXPECT_EQ(refused.load(), 9);
  EXPECT_EQ(body_json(send(kA, "GET", kBase + "/" + id))["version"], 4);
}

TEST_F(CouponsTemplatesTest, OrdersStillRefuseACouponWhileCouponsOffersNoParticipant) {
  ASSERT_TRUE(start(coupons_options()));  // the default chain names coupon=coupons:discount
  const std::string sku = c().create_sku(kA, 5, 1000);
  json body = OrdersClient::order_body(sku, 1);
  body["coupon"] = "SAVE10";
  HttpResult order = c().create_order(42, body, "coupon-1");
  EXPECT_EQ(order.status, 422) << order.body;
  EXPECT_EQ(error_code(order), "COUPON_NOT_SUPPORTED") << order.body;
  HttpResult preview = c().request("POST", "/api/v1/orders/preview", body.dump(), c().user(42));
  EXPECT_EQ(error_code(preview), "COUPON_NOT_SUPPORTED") << preview.body;
  EXPECT_EQ(c().stock(kA, sku).available, 5);
}

}  // namespace
}  // namespace bazaar::testing
