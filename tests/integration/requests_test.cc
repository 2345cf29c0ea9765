// Requests through the real nginx and bazaar-host: routing, the error
// envelope, body limits, identity and the built-in endpoints.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "stack.h"

namespace bazaar::testing {
namespace {

using nlohmann::json;

// Checks the envelope and that its request id is the one nginx assigned.
void expect_envelope(const HttpResult& r, int status, const std::string& code) {
  EXPECT_EQ(r.status, status) << r.body;
  auto doc = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << r.body;
  EXPECT_EQ(doc["error"]["code"], code) << r.body;
  EXPECT_FALSE(doc["error"]["message"].get<std::string>().empty());
  ASSERT_EQ(r.headers.count("x-request-id"), 1u);
  EXPECT_EQ(doc["error"]["request_id"], r.headers.at("x-request-id"));
  EXPECT_EQ(r.headers.at("content-type").rfind("application/json", 0), 0u);
}

class RequestsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { stack_ = Stack::start().release(); }
  static void TearDownTestSuite() {
    delete stack_;
    stack_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(stack_, nullptr); }
  static Stack* stack_;
};
Stack* RequestsTest::stack_ = nullptr;

TEST_F(RequestsTest, PluginRouteRoundTripsJson) {
  json sent = {{"text", "拼团 ok"}, {"n", 3}, {"list", {1, 2, 3}}};
  HttpResult r = stack_->post("/api/v1/fx/echo", sent.dump());
  ASSERT_EQ(r.status, 200) << r.body << r.error;
  auto doc = json::parse(r.body);
  EXPECT_EQ(doc["echo"], sent);
  EXPECT_EQ(doc["request_id"], r.headers.at("x-request-id"));
}

TEST_F(RequestsTest, UnknownPathsAndMethodsAnswerWithTheEnvelope) {
  expect_envelope(stack_->get("/api/v1/nothing-here"), 404, "NOT_FOUND");
  expect_envelope(stack_->get("/not-api-at-all"), 404, "NOT_FOUND");
  HttpResult r = stack_->post("/api/v1/fx/version", "{}");
  expect_envelope(r, 405, "METHOD_NOT_ALLOWED");
  EXPECT_EQ(r.headers["allow"], "GET");
}

TEST_F(RequestsTest, MalformedJsonIs400) {
  expect_envelope(stack_->post("/api/v1/fx/echo", "{\"text\": "), 400, "INVALID_JSON");
  expect_envelope(stack_->post("/api/v1/fx/echo", "\xff\xfe not json"), 400, "INVALID_JSON");
}

TEST_F(RequestsTest, OversizedBodyIs413BeforeReachingAWorker) {
  std::string big(2 * 1024 * 1024, 'x');
  expect_envelope(stack_->post("/api/v1/fx/echo", big), 413, "PAYLOAD_TOO_LARGE");
}

TEST_F(RequestsTest, NonJsonBodyIs415) {
  expect_envelope(stack_->post("/api/v1/fx/echo", "a=b", {{"Content-Type", "text/plain"}}), 415,
                  "UNSUPPORTED_MEDIA_TYPE");
}

TEST_F(RequestsTest, RolesAreCheckedOnEveryRequest) {
  expect_envelope(stack_->get("/api/v1/fx/ops"), 401, "UNAUTHENTICATED");
  expect_envelope(stack_->get("/api/v1/fx/ops", {{"Authorization", "Bearer not.a.token"}}), 401,
                  "INVALID_TOKEN");
  std::string user = stack_->token("user", 7);
  expect_envelope(stack_->get("/api/v1/fx/ops", {{"Authorization", "Bearer " + user}}), 403,
                  "FORBIDDEN");
  std::string ops = stack_->token("ops", 1);
  HttpResult r = stack_->get("/api/v1/fx/ops", {{"Authorization", "Bearer " + ops}});
  EXPECT_EQ(r.status, 200) << r.body;
  std::string tampered = ops;
  tampered[tampered.size() / 2] = tampered[tampered.size() / 2] == 'A' ? 'B' : 'A';
  expect_envelope(stack_->get("/api/v1/fx/ops", {{"Authorization", "Bearer " + tampered}}), 401,
                  "INVALID_TOKEN");
}

TEST_F(RequestsTest, PluginExceptionIs500ForThatRequestOnly) {
  expect_envelope(stack_->get("/api/v1/fx/throws"), 500, "INTERNAL");
  EXPECT_EQ(stack_->get("/api/v1/fx/version").status, 200);
}

TEST_F(RequestsTest, BuiltinsReportHealthReadinessAndMetrics) {
  EXPECT_EQ(stack_->get("/healthz").status, 200);
  HttpResult ready = stack_->get("/readyz");
  ASSERT_EQ(ready.status, 200) << ready.body;
  auto doc = json::parse(ready.body);
  EXPECT_EQ(doc["status"], "ready");
  EXPECT_EQ(doc["workers_ready"], 2);

  ASSERT_EQ(stack_->get("/api/v1/fx/version").status, 200);
  HttpResult metrics = stack_->get("/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find("bazaar_requests_total{route=\"GET /api/v1/fx/version\",status=\"200\"}"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("bazaar_request_duration_seconds_bucket{route=\"GET /api/v1/fx/version\",le=\"+Inf\"}"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("bazaar_plugin_loaded{plugin=\"fx\",version=\"1.0.0\"} 1"),
            std::string::npos);

  std::string ops = stack_->token("ops", 1);
  HttpResult plugins = stack_->get("/api/v1/admin/plugins", {{"Authorization", "Bearer " + ops}});
  ASSERT_EQ(plugins.status, 200);
  auto list = json::parse(plugins.body);
  ASSERT_EQ(list["plugins"].size(), 1u);
  EXPECT_EQ(list["plugins"][0]["name"], "fx");
  EXPECT_EQ(list["plugins"][0]["version"], "1.0.0");
  EXPECT_EQ(list["plugins"][0]["sha256"].get<std::string>().size(), 64u);
}

TEST(ClockTest, RequestsStillSucceedAfterTheTestClockMovesHoursAhead) {
  StackOptions options;
  options.test_clock = true;
  auto stack = Stack::start(options);
  ASSERT_NE(stack, nullptr);
  std::string out;
  ASSERT_EQ(stack->ctl("clock-offset 7200000", &out), 0) << out;
  HttpResult r = stack->get("/api/v1/fx/version");
  EXPECT_EQ(r.status, 200) << r.body;
  // Tokens are checked against the moved clock: one valid for an hour is expired now.
  std::string minted = stack->token("ops", 1);
  HttpResult expired = stack->get("/api/v1/fx/ops", {{"Authorization", "Bearer " + minted}});
  EXPECT_EQ(expired.status, 401) << expired.body;
  EXPECT_NE(expired.body.find("TOKEN_EXPIRED"), std::string::npos);
}

}  // namespace
}  // namespace bazaar::testing
