// Cross-plugin services through the host: the callee joins the caller's
// transaction, so both plugins' rows commit or roll back together.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include "stack.h"

namespace bazaar::testing {
namespace {

using nlohmann::json;

int64_t count_rows(const Stack& stack, const std::string& table) {
  int64_t total = 0;
  for (int s = 0; s < 8; ++s) {
    char file[64];
    snprintf(file, sizeof(file), "/data/shard-%03d.db", s);
    sqlite3* db = nullptr;
    sqlite3_open_v2((stack.dir() + file).c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, ("SELECT count(*) FROM " + table).c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      total += sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
  }
  return total;
}

TEST(ServicesTest, CalleeJoinsTheCallersTransaction) {
  auto stack = Stack::start({{"fxev", "fxsvc"}});
  ASSERT_NE(stack, nullptr);

  HttpResult ok = stack->post("/api/v1/fxev/order", R"({"key":11})");
  ASSERT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(json::parse(ok.body)["reservation"]["joined"], true);
  EXPECT_EQ(count_rows(*stack, "fxev_orders"), 1);
  EXPECT_EQ(count_rows(*stack, "fxsvc_reservations"), 1);

  // The caller fails after the service wrote: neither row survives.
  HttpResult rolled = stack->post("/api/v1/fxev/order", R"({"key":12,"fail":true})");
  EXPECT_EQ(rolled.status, 422) << rolled.body;
  EXPECT_EQ(count_rows(*stack, "fxev_orders"), 1);
  EXPECT_EQ(count_rows(*stack, "fxsvc_reservations"), 1);

  // The service refuses (key 11 is taken): the caller's order rolls back too,
  // and the callee's stable code reaches the client.
  HttpResult taken = stack->post("/api/v1/fxev/order", R"({"key":11})");
  EXPECT_EQ(taken.status, 409) << taken.body;
  EXPECT_NE(taken.body.find("ALREADY_RESERVED"), std::string::npos);
  EXPECT_EQ(count_rows(*stack, "fxev_orders"), 1);
}

// Host::has_service (ABI 1.4 service_exists) against the node's registry,
// which the host fills once every plugin's init has returned: during init the
// answer is "maybe" (true), from the first request on it is exact.
json service_probe(const Stack& stack, const std::string& name) {
  HttpResult r = stack.get("/api/v1/fxev/services/" + name);
  EXPECT_EQ(r.status, 200) << r.body;
  return json::parse(r.body, nullptr, false);
}

TEST(ServicesTest, HasServiceKnowsWhatTheNodeOffersOnceEveryPluginIsLoaded) {
  auto stack = Stack::start({{"fxev", "fxsvc"}});
  ASSERT_NE(stack, nullptr);
  json offered = service_probe(*stack, "fxsvc.reserve");
  EXPECT_EQ(offered["exists"], true) << offered;
  EXPECT_EQ(offered["exists_at_init"], true) << offered;
  json missing = service_probe(*stack, "fxsvc.cancel");
  EXPECT_EQ(missing["exists"], false) << missing;
}

TEST(ServicesTest, AMissingServiceIsAClear503AndWritesNothing) {
  auto stack = Stack::start({{"fxev"}});
  ASSERT_NE(stack, nullptr);
  json probe = service_probe(*stack, "fxsvc.reserve");
  EXPECT_EQ(probe["exists"], false) << probe;
  EXPECT_EQ(probe["exists_at_init"], true) << probe;  // not known yet during init
  HttpResult r = stack->post("/api/v1/fxev/order", R"({"key":5})");
  EXPECT_EQ(r.status, 503) << r.body;
  EXPECT_NE(r.body.find("SERVICE_UNAVAILABLE"), std::string::npos) << r.body;
  EXPECT_NE(r.body.find("fxsvc.reserve"), std::string::npos) << r.body;
  EXPECT_EQ(count_rows(*stack, "fxev_orders"), 0);
}

}  // namespace
}  // namespace bazaar::testing
