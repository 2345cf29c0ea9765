// FastCGI keep-alive (docs/ARCHITECTURE.md, "FastCGI keep-alive"): connections
// are not tied to request threads, a draining worker serves the connections it
// kept until they are closed and then leaves, and the rule on kept connections
// is enforced where the configuration is made (render) and where it can change
// (the host, at start and at reload). The tests speak FastCGI to the host's
// socket themselves (fcgi_client.h) to hold connections open exactly as nginx
// does; the roll through nginx with keep-alive on is in supervision_test.cc.
#include <gtest/gtest.h>
#include <signal.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "fcgi_client.h"
#include "stack.h"

namespace bazaar::testing {
namespace {

using nlohmann::json;

constexpr char kVersion[] = "/api/v1/fx/version";

StackOptions one_worker(int threads) {
  StackOptions options;
  options.workers = 1;
  options.threads = threads;
  return options;
}

std::unique_ptr<FcgiConnection> connect(const Stack& stack) {
  std::string error;
  auto conn = FcgiConnection::open(stack.fcgi_socket(), &error);
  EXPECT_NE(conn, nullptr) << error;
  return conn;
}

// Draining workers of `role` ("request", "background"; empty: any) per bazaarctl status.
int draining_workers(const Stack& stack, const std::string& role = "") {
  std::string out;
  if (stack.ctl("status", &out) != 0) return -1;
  int draining = 0;
  const json status = json::parse(out);
  for (const auto& w : status["workers"]) {
    if (w["draining"] == true && (role.empty() || w["role"] == role)) ++draining;
  }
  return draining;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(KeepAliveTest, AnIdleKeptConnectionHoldsNoThread) {
  auto stack = Stack::start(one_worker(1));  // one request thread in all
  ASSERT_NE(stack, nullptr);
  auto kept = connect(*stack);
  ASSERT_NE(kept, nullptr);
  EXPECT_EQ(kept->get(kVersion, /*keep=*/true).status, 200);
  // libfcgi alone would now block the only thread reading `kept`'s next request.
  auto other = connect(*stack);
  ASSERT_NE(other, nullptr);
  FcgiAnswer answer = other->get(kVersion, /*keep=*/false, 3000);
  EXPECT_EQ(answer.status, 200) << "a second connection waited behind an idle kept one";
  EXPECT_TRUE(other->closed_by_server(3000)) << "not kept: the host closes it after the answer";
  // The kept connection stayed open and serves its next request.
  FcgiAnswer again = kept->get(kVersion, /*keep=*/true);
  EXPECT_EQ(again.status, 200);
  EXPECT_NE(again.body.find("1.0.0"), std::string::npos) << again.body;
}

TEST(KeepAliveTest, AConnectionThatSendsNothingHoldsNoThread) {
  auto stack = Stack::start(one_worker(1));
  ASSERT_NE(stack, nullptr);
  auto silent = connect(*stack);  // connects and never writes
  ASSERT_NE(silent, nullptr);
  auto other = connect(*stack);
  ASSERT_NE(other, nullptr);
  // libfcgi's own accept waits up to 2 s for a new connection's first bytes.
  EXPECT_EQ(other->get(kVersion, /*keep=*/false, 1500).status, 200);
}

TEST(KeepAliveTest, ADrainingWorkerServesItsKeptConnectionUntilItClosesThenLeaves) {
  auto stack = Stack::start(one_worker(2));
  ASSERT_NE(stack, nullptr);
  auto kept = connect(*stack);
  ASSERT_NE(kept, nullptr);
  FcgiAnswer first = kept->get(kVersion, /*keep=*/true);
  ASSERT_EQ(first.status, 200);
  ASSERT_NE(first.body.find("1.0.0"), std::string::npos) << first.body;

  long long before = stack->generation();
  stack->remove_plugin("fx_v1");
  stack->install_plugin("fx_v2");
  ASSERT_EQ(kill(stack->host_pid(), SIGHUP), 0);
  ASSERT_TRUE(eventually([&] { return stack->generation() == before + 1; }, 20000));
  // New connections reach the new generation...
  EXPECT_TRUE(eventually([&] {
    auto fresh = FcgiConnection::open(stack->fcgi_socket());
    return fresh != nullptr && fresh->get(kVersion, false).body.find("2.0.0") != std::string::npos;
  }));
  // ...while the old worker, draining, still answers on the connection it kept:
  // closing it could lose a request nginx is writing into it at that moment.
  ASSERT_TRUE(eventually([&] {
    return stack->read_log().find("serving the open connections until nginx closes them") !=
           std::string::npos;
  }));
  FcgiAnswer during = kept->get(kVersion, /*keep=*/true);
  EXPECT_EQ(during.status, 200);
  EXPECT_NE(during.body.find("1.0.0"), std::string::npos) << during.body;
  EXPECT_EQ(draining_workers(*stack, "request"), 1);

  kept.reset();  // what nginx does at keepalive_time or keepalive_timeout
  EXPECT_TRUE(eventually([&] { return draining_workers(*stack) == 0; }, 5000))
      << "the old worker did not leave once its last connection closed";
}

TEST(KeepAliveTest, SigtermStopsOnceTheKeptConnectionsAreClosed) {
  auto stack = Stack::start(one_worker(2));
  ASSERT_NE(stack, nullptr);
  pid_t host = stack->host_pid();
  auto kept = connect(*stack);
  ASSERT_NE(kept, nullptr);
  ASSERT_EQ(kept->get(kVersion, /*keep=*/true).status, 200);

  ASSERT_EQ(kill(host, SIGTERM), 0);
  ASSERT_TRUE(eventually([&] {
    return stack->read_log().find("serving the open connections until nginx closes them") !=
           std::string::npos;
  }));
  EXPECT_EQ(kept->get(kVersion, /*keep=*/true).status, 200) << "stopping, yet still serving it";
  EXPECT_TRUE(process_alive(host));
  kept.reset();
  EXPECT_TRUE(eventually([&] { return !process_alive(host); }, 5000)) << "host did not exit";
}

TEST(KeepAliveTest, TheRenderedPairKeepsConnectionsWithinTheRequestThreads) {
  StackOptions options;  // 2 workers x 8 threads behind 2 nginx workers
  options.keep_conn = "on";
  options.nginx_workers = 2;
  auto stack = Stack::start(options);
  ASSERT_NE(stack, nullptr);
  std::string nginx = read_file(stack->dir() + "/nginx.conf");
  EXPECT_NE(nginx.find("fastcgi_keep_conn on;"), std::string::npos);
  EXPECT_NE(nginx.find("keepalive 8;"), std::string::npos) << "2 x 8 = the 16 request threads";
  EXPECT_NE(read_file(stack->dir() + "/bazaar.conf").find("fastcgi_kept_connections = 16"),
            std::string::npos);
  EXPECT_EQ(stack->get(kVersion).status, 200);

  // An explicit keepalive beyond the rule is refused before anything starts.
  std::string out;
  EXPECT_EQ(run_shell(source_dir() + "/scripts/fastcgi-keepalive.sh on 2 2 8 9 2>&1", &out), 1);
  EXPECT_NE(out.find("18 kept connections, more than the 2 workers x 8 threads = 16"),
            std::string::npos)
      << out;
}

TEST(KeepAliveTest, AReloadThatWouldOutnumberTheThreadsIsRefused) {
  StackOptions options;
  options.keep_conn = "on";
  auto stack = Stack::start(options);  // 16 kept connections for 2 x 8 threads
  ASSERT_NE(stack, nullptr);
  long long before = stack->generation();
  // An operator lowers threads but leaves nginx as it is.
  std::string conf = read_file(stack->dir() + "/bazaar.conf");
  size_t at = conf.find("threads = 8");
  ASSERT_NE(at, std::string::npos);
  conf.replace(at, 11, "threads = 4");
  std::ofstream(stack->dir() + "/bazaar.conf") << conf;

  ASSERT_EQ(kill(stack->host_pid(), SIGHUP), 0);
  EXPECT_TRUE(eventually([&] {
    std::string log = stack->read_log();
    return log.find("configuration not reloaded") != std::string::npos &&
           log.find("fastcgi_kept_connections = 16") != std::string::npos &&
           log.find("workers x threads = 8") != std::string::npos;
  }));
  EXPECT_EQ(stack->get(kVersion).status, 200) << "the running workers keep serving";
  // bazaarctl reads the file too: put it back to ask the master its generation.
  conf.replace(at, 11, "threads = 8");
  std::ofstream(stack->dir() + "/bazaar.conf") << conf;
  EXPECT_EQ(stack->generation(), before);
}

}  // namespace
}  // namespace bazaar::testing
