#include "worker/router.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace bazaar::host {
namespace {

using Outcome = Router::Outcome;

// Route ids used across the tests; distinct so a wrong match is visible.
constexpr size_t kListOrders = 10;
constexpr size_t kMine = 11;
constexpr size_t kOrderById = 12;
constexpr size_t kOrderItems = 13;
constexpr size_t kMineItems = 14;
constexpr size_t kDeleteOrder = 15;
constexpr size_t kCreateOrder = 16;

Router orders_router() {
  Router r;
  EXPECT_TRUE(r.add("GET", "/orders", kListOrders).ok());
  EXPECT_TRUE(r.add("POST", "/orders", kCreateOrder).ok());
  EXPECT_TRUE(r.add("GET", "/orders/mine", kMine).ok());
  EXPECT_TRUE(r.add("GET", "/orders/{id}", kOrderById).ok());
  EXPECT_TRUE(r.add("DELETE", "/orders/{id}", kDeleteOrder).ok());
  EXPECT_TRUE(r.add("GET", "/orders/{id}/items", kOrderItems).ok());
  EXPECT_TRUE(r.add("GET", "/orders/mine/summary", kMineItems).ok());
  return r;
}

TEST(RouterTest, LiteralSegmentWinsOverParameter) {
  Router r = orders_router();
  Router::Match m = r.match("GET", "/orders/mine");
  ASSERT_EQ(m.outcome, Outcome::kFound);
  EXPECT_EQ(m.route_id, kMine);
  EXPECT_TRUE(m.param_values.empty());
}

TEST(RouterTest, ParameterMatchesOtherValues) {
  Router r = orders_router();
  Router::Match m = r.match("GET", "/orders/42");
  ASSERT_EQ(m.outcome, Outcome::kFound);
  EXPECT_EQ(m.route_id, kOrderById);
  EXPECT_EQ(m.param_values, std::vector<std::string>{"42"});
}

TEST(RouterTest, BacktracksFromLiteralToParameterWhenDeeperSegmentsFail) {
  Router r = orders_router();
  // "mine" matches the literal, but /orders/mine/items exists only as /orders/{id}/items.
  Router::Match m = r.match("GET", "/orders/mine/items");
  ASSERT_EQ(m.outcome, Outcome::kFound);
  EXPECT_EQ(m.route_id, kOrderItems);
  EXPECT_EQ(m.param_values, std::vector<std::string>{"mine"});

  Router::Match summary = r.match("GET", "/orders/mine/summary");
  ASSERT_EQ(summary.outcome, Outcome::kFound);
  EXPECT_EQ(summary.route_id, kMineItems);
}

TEST(RouterTest, BacktracksToParameterRouteThatServesTheMethod) {
  Router r = orders_router();
  // GET /orders/mine is a literal route, but DELETE /orders/{id} serves "mine" as an id.
  Router::Match m = r.match("DELETE", "/orders/mine");
  ASSERT_EQ(m.outcome, Outcome::kFound);
  EXPECT_EQ(m.route_id, kDeleteOrder);
  EXPECT_EQ(m.param_values, std::vector<std::string>{"mine"});
}

TEST(RouterTest, SeveralParametersInPatternOrder) {
  Router r;
  ASSERT_TRUE(r.add("GET", "/shops/{shop_id}/products/{product_id}", 7).ok());
  Router::Match m = r.match("GET", "/shops/s1/products/p2");
  ASSERT_EQ(m.outcome, Outcome::kFound);
  EXPECT_EQ(m.route_id, 7u);
  EXPECT_EQ(m.param_values, (std::vector<std::string>{"s1", "p2"}));

  auto names = Router::parameter_names("/shops/{shop_id}/products/{product_id}");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"shop_id", "product_id"}));
}

TEST(RouterTest, ParameterValuesArePercentDecoded) {
  Router r = orders_router();
  Router::Match m = r.match("GET", "/orders/a%20b%2Fc%c3%A9");
  ASSERT_EQ(m.outcome, Outcome::kFound);
  EXPECT_EQ(m.route_id, kOrderById);
  EXPECT_EQ(m.param_values, std::vector<std::string>{"a b/c\xc3\xa9"});
}

TEST(RouterTest, UnknownPathIsNotFound) {
  Router r = orders_router();
  EXPECT_EQ(r.match("GET", "/customers").outcome, Outcome::kNotFound);
  EXPECT_EQ(r.match("GET", "/orders/1/items/2").outcome, Outcome::kNotFound);
  EXPECT_EQ(r.match("GET", "/").outcome, Outcome::kNotFound);
}

TEST(RouterTest, KnownPathWithOtherMethodIsMethodNotAllowedWithAllowList) {
  Router r = orders_router();
  Router::Match m = r.match("PUT", "/orders");
  EXPECT_EQ(m.outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, "GET, POST");

  Router::Match by_id = r.match("PATCH", "/orders/5");
  EXPECT_EQ(by_id.outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(by_id.allowed, "DELETE, GET");
}

TEST(RouterTest, AllowListCoversEveryRouteThatMatchesThePath) {
  Router r = orders_router();
  // /orders/mine is served by GET (literal) and DELETE (through {id}).
  Router::Match m = r.match("PUT", "/orders/mine");
  EXPECT_EQ(m.outcome, Outcome::kMethodNotAllowed);
  EXPECT_EQ(m.allowed, "DELETE, GET");
}

TEST(RouterTest, MethodsAreCaseSensitive) {
  Router r = orders_router();
  EXPECT_EQ(r.match("get", "/orders").outcome, Outcome::kMethodNotAllowed);
}

TEST(RouterTest, DotSegmentsAreBadPaths) {
  Router r = orders_router();
  EXPECT_EQ(r.match("GET", "/orders/..").outcome, Outcome::kBadPath);
  EXPECT_EQ(r.match("GET", "/orders/.").outcome, Outcome::kBadPath);
  EXPECT_EQ(r.match("GET", "/../orders").outcome, Outcome::kBadPath);
  EXPECT_EQ(r.match("GET", "/orders/../admin").outcome, Outcome::kBadPath);
}

TEST(RouterTest, PathsNotStartingWithSlashAreBadPaths) {
  Router r = orders_router();
  EXPECT_EQ(r.match("GET", "").outcome, Outcome::kBadPath);
  EXPECT_EQ(r.match("GET", "orders").outcome, Outcome::kBadPath);
  EXPECT_EQ(r.match("GET", "*").outcome, Outcome::kBadPath);
}

TEST(RouterTest, MalformedPercentEscapesInParametersAreBadPaths) {
  Router r = orders_router();
  for (const char* path :
       {"/orders/%", "/orders/%4", "/orders/%zz", "/orders/%4g", "/orders/a%", "/orders/%%41"}) {
    Router::Match m = r.match("GET", path);
    EXPECT_EQ(m.outcome, Outcome::kBadPath) << path;
    EXPECT_TRUE(m.param_values.empty()) << path;
  }
}

TEST(RouterTest, EncodedNulIsABadPath) {
  Router r = orders_router();
  EXPECT_EQ(r.match("GET", "/orders/%00").outcome, Outcome::kBadPath);
  EXPECT_EQ(r.match("GET", "/orders/ab%00cd").outcome, Outcome::kBadPath);
}

TEST(RouterTest, EscapeAtTheVeryEndDecodes) {
  Router r = orders_router();
  Router::Match m = r.match("GET", "/orders/x%41");
  ASSERT_EQ(m.outcome, Outcome::kFound);
  EXPECT_EQ(m.param_values, std::vector<std::string>{"xA"});
}

TEST(RouterTest, TrailingSlashAndEmptySegmentsDoNotMatch) {
  Router r = orders_router();
  EXPECT_EQ(r.match("GET", "/orders/").outcome, Outcome::kNotFound);
  EXPECT_EQ(r.match("GET", "//orders").outcome, Outcome::kNotFound);
  EXPECT_EQ(r.match("GET", "/orders//items").outcome, Outcome::kNotFound);
  EXPECT_EQ(r.match("GET", "/orders/5/items/").outcome, Outcome::kNotFound);
}

TEST(RouterTest, DuplicateRouteIsRefused) {
  Router r;
  ASSERT_TRUE(r.add("GET", "/orders/{id}", 1).ok());
  Status again = r.add("GET", "/orders/{id}", 2);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code(), "DUPLICATE_ROUTE");
  EXPECT_NE(again.error().message().find("GET /orders/{id}"), std::string::npos);
  // The first registration still wins.
  EXPECT_EQ(r.match("GET", "/orders/9").route_id, 1u);
  // Same shape, another method, is fine.
  EXPECT_TRUE(r.add("PUT", "/orders/{id}", 3).ok());
}

TEST(RouterTest, RenamedParameterAtSamePositionIsRefused) {
  Router r;
  ASSERT_TRUE(r.add("GET", "/orders/{id}", 1).ok());
  Status renamed = r.add("DELETE", "/orders/{order_id}", 2);
  ASSERT_FALSE(renamed.ok());
  EXPECT_EQ(renamed.error().code(), "BAD_ROUTE");
  EXPECT_NE(renamed.error().message().find("{order_id}"), std::string::npos);
  EXPECT_NE(renamed.error().message().find("{id}"), std::string::npos);

  Status deeper = r.add("GET", "/orders/{oid}/items", 3);
  EXPECT_FALSE(deeper.ok());
  EXPECT_EQ(r.match("DELETE", "/orders/1").outcome, Outcome::kMethodNotAllowed);
}

TEST(RouterTest, MalformedPatternsAreRefused) {
  for (const char* pattern : {"",
                              "orders",
                              "/",
                              "/orders/",
                              "//orders",
                              "/orders//x",
                              "/orders/{}",
                              "/orders/{Id}",
                              "/orders/{id",
                              "/orders/id}",
                              "/orders/{id}x",
                              "/orders/x{id}",
                              "/orders/{a-b}",
                              "/orders/{id}/{id}",
                              "/orders/..",
                              "/orders/.",
                              "/orders/%20",
                              "/orders?x",
                              "/orders#frag",
                              "/orders/{ id }"}) {
    Router r;
    Status st = r.add("GET", pattern, 1);
    EXPECT_FALSE(st.ok()) << "pattern accepted: '" << pattern << "'";
    if (!st.ok()) {
      EXPECT_EQ(st.error().code(), "BAD_ROUTE") << pattern;
    }
    EXPECT_FALSE(Router::parameter_names(pattern).ok()) << pattern;
  }
}

TEST(RouterTest, UnknownMethodsAreRefused) {
  for (const char* method : {"HEAD", "OPTIONS", "TRACE", "CONNECT", "get", "", "GETX"}) {
    Router r;
    Status st = r.add(method, "/orders", 1);
    EXPECT_FALSE(st.ok()) << method;
    if (!st.ok()) {
      EXPECT_EQ(st.error().code(), "BAD_ROUTE") << method;
    }
  }
  Router r;
  for (const char* method : {"GET", "POST", "PUT", "PATCH", "DELETE"}) {
    EXPECT_TRUE(r.add(method, "/orders", 1).ok()) << method;
  }
}

TEST(RouterTest, MovedRouterKeepsItsRoutes) {
  Router r = orders_router();
  Router moved = std::move(r);
  EXPECT_EQ(moved.match("GET", "/orders/mine").route_id, kMine);
}

}  // namespace
}  // namespace bazaar::host
