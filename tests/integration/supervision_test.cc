// Worker supervision and the master's signals, under real traffic.
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "stack.h"

namespace bazaar::testing {
namespace {

using nlohmann::json;

int ready_request_workers(const Stack& stack) {
  std::string out;
  if (stack.ctl("status", &out) != 0) return -1;
  int ready = 0;
  const json status = json::parse(out);
  for (const auto& w : status["workers"]) {
    if (w["role"] == "request" && w["ready"] == true && w["draining"] == false) ++ready;
  }
  return ready;
}

TEST(SupervisionTest, ACrashingRequestGets502AndItsWorkerIsReplaced) {
  auto stack = Stack::start({{"fx_v1"}});
  ASSERT_NE(stack, nullptr);
  HttpResult crash = stack->get("/api/v1/fx/crash");
  EXPECT_EQ(crash.status, 502);
  EXPECT_NE(crash.body.find("UPSTREAM_FAILED"), std::string::npos) << crash.body;

  // Requests right after the crash are served by the surviving worker.
  for (int i = 0; i < 20; ++i) ASSERT_EQ(stack->get("/api/v1/fx/version").status, 200) << i;

  EXPECT_TRUE(eventually([&] { return ready_request_workers(*stack) == 2; }));
  HttpResult metrics = stack->get("/metrics");
  EXPECT_NE(metrics.body.find("bazaar_worker_crashes_total{role=\"request\"} 1"), std::string::npos)
      << metrics.body;
  EXPECT_NE(metrics.body.find("bazaar_worker_restarts_total{role=\"request\"} 1"), std::string::npos);
}

// Four clients alternate GET and POST (nginx never retries a POST that fails on
// a connection) while the host rolls from fx_v1 to fx_v2: none may fail.
void expect_a_roll_under_load_loses_nothing(const StackOptions& options) {
  auto stack = Stack::start(options);
  ASSERT_NE(stack, nullptr);
  long long before = stack->generation();

  std::atomic<bool> stop{false};
  std::atomic<int> ok{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t) {
    load.emplace_back([&] {
      // Bounded: at most 20,000 requests per thread, and it stops when told.
      for (int i = 0; i < 20000 && !stop; ++i) {
        HttpResult r = i % 2 == 0 ? stack->get("/api/v1/fx/version")
                                  : stack->post("/api/v1/fx/echo", R"({"n":1})");
        (r.status == 200 ? ok : failed)++;
      }
    });
  }
  ASSERT_TRUE(eventually([&] { return ok.load() > 200; }));

  stack->remove_plugin("fx_v1");
  stack->install_plugin("fx_v2");
  ASSERT_EQ(kill(stack->host_pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually([&] { return stack->generation() == before + 1; }, 20000));
  int at_roll = ok.load();
  EXPECT_TRUE(eventually([&] { return ok.load() > at_roll + 200; }));
  stop = true;
  for (auto& t : load) t.join();

  EXPECT_EQ(failed.load(), 0) << "of " << ok.load() + failed.load() << " requests";
  // The old generation's workers drained and left (with keep-alive, once nginx
  // closed the connections it kept to them: until then they answer on those).
  EXPECT_TRUE(eventually([&] {
    std::string out;
    stack->ctl("status", &out);
    return json::parse(out)["workers"].size() == 3u;
  }));
  HttpResult r = stack->get("/api/v1/fx/version");
  EXPECT_NE(r.body.find("2.0.0"), std::string::npos) << r.body;
  // The old version's staged copy went when the new generation took over,
  // while the draining workers still ran it (no request above failed).
  std::vector<std::string> staged = stack->state_files("plugins");
  ASSERT_EQ(staged.size(), 1u) << ::testing::PrintToString(staged);
  EXPECT_TRUE(staged[0].ends_with("-fx_v2.so")) << staged[0];
  // So did the old generation's manifest (and both candidates).
  EXPECT_EQ(stack->state_files("generations"),
            std::vector<std::string>{std::to_string(stack->generation()) + ".json"});
}

TEST(SupervisionTest, SighupUnderLoadLosesNoRequestAndTheNewVersionAnswers) {
  StackOptions options;
  options.keep_conn = "off";  // a new FastCGI connection per request
  expect_a_roll_under_load_loses_nothing(options);
}

TEST(SupervisionTest, SighupUnderLoadWithKeptConnectionsLosesNoRequest) {
  // nginx keeps connections to the old workers: they serve them until nginx
  // closes them (keepalive_time), and the new ones take every new connection.
  StackOptions options;
  options.keep_conn = "on";
  expect_a_roll_under_load_loses_nothing(options);
}

TEST(SupervisionTest, SigtermLetsInFlightRequestsFinish) {
  auto stack = Stack::start({{"fx_v1"}});
  ASSERT_NE(stack, nullptr);
  pid_t host = stack->host_pid();

  std::vector<HttpResult> results(6);
  std::vector<std::thread> slow;
  for (size_t i = 0; i < results.size(); ++i) {
    slow.emplace_back([&, i] { results[i] = stack->get("/api/v1/fx/slow?ms=1500"); });
  }
  // Wait until all six are inside the handler (the fixture logs as it enters).
  ASSERT_TRUE(eventually([&] {
    std::string log = stack->read_log();
    size_t entered = 0;
    for (size_t p = log.find("slow request started"); p != std::string::npos;
         p = log.find("slow request started", p + 1)) {
      ++entered;
    }
    return entered == results.size();
  }));
  ASSERT_EQ(kill(host, SIGTERM), 0);
  for (auto& t : slow) t.join();
  for (const auto& r : results) {
    EXPECT_EQ(r.status, 200) << r.body << r.error;
    EXPECT_NE(r.body.find("\"slept_ms\":1500"), std::string::npos);
  }
  EXPECT_TRUE(eventually([&] { return !process_alive(host); }, 15000)) << "host did not exit";
}

}  // namespace
}  // namespace bazaar::testing
