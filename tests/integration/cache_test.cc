// The cache through the real stack (fx notes are cache-aside under
// "note:<id>"): invalidation after commit, identical answers with memcached
// running, flushed, stopped and restarted, and the cache metrics.
#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <string>
#include <vector>

#include "stack.h"

namespace bazaar::testing {
namespace {

using nlohmann::json;
using Headers = std::vector<std::pair<std::string, std::string>>;

Headers auth(const Stack& s, long long user) {
  return {{"Authorization", "Bearer " + s.token("user", user)}};
}

StackOptions with_memcached() {
  StackOptions options;
  options.memcached = true;
  return options;
}

std::string create_note(const Stack& s, const Headers& who, const std::string& text) {
  HttpResult created = s.post("/api/v1/fx/notes", json{{"text", text}}.dump(), who);
  EXPECT_EQ(created.status, 201) << created.body;
  return created.status == 201 ? json::parse(created.body)["id"].get<std::string>() : "";
}

HttpResult put(const Stack& s, const std::string& path, const std::string& body, const Headers& who) {
  return http_request(s.port(), "PUT", path, body, who);
}

// The body without what differs per request (an error's request_id).
std::string normalized(const std::string& body) {
  json doc = json::parse(body, nullptr, false);
  if (doc.is_object() && doc.contains("error") && doc["error"].is_object()) {
    doc["error"].erase("request_id");
  }
  return doc.is_discarded() ? body : doc.dump();
}

// Sum of one series of bazaar_cache_requests_total on /metrics.
uint64_t cache_count(const Stack& s, const std::string& op, const std::string& result) {
  HttpResult m = s.get("/metrics");
  std::regex line("bazaar_cache_requests_total\\{op=\"" + op + "\",result=\"" + result +
                  "\"\\} ([0-9]+)");
  std::smatch match;
  if (!std::regex_search(m.body, match, line)) return 0;
  return std::stoull(match[1]);
}

TEST(CacheTest, ReadAfterUpdateReturnsTheNewText) {
  auto stack = Stack::start(with_memcached());
  ASSERT_NE(stack, nullptr);
  ASSERT_GT(stack->memcached_pid(), 0);
  auto alice = auth(*stack, 2001);
  std::string id = create_note(*stack, alice, "first");
  const std::string path = "/api/v1/fx/notes/" + id;

  for (int i = 0; i < 3; ++i) {  // the first fills the cache, the others hit it
    HttpResult read = stack->get(path, alice);
    ASSERT_EQ(read.status, 200) << read.body;
    EXPECT_EQ(json::parse(read.body)["text"], "first");
  }
  HttpResult updated = put(*stack, path, R"({"text":"second"})", alice);
  ASSERT_EQ(updated.status, 200) << updated.body;
  HttpResult read = stack->get(path, alice);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(json::parse(read.body)["text"], "second");  // deleted after commit, reloaded

  // Ownership is checked on cached answers too; only the owner updates.
  auto bob = auth(*stack, 2002);
  EXPECT_EQ(stack->get(path, bob).status, 404);
  EXPECT_EQ(put(*stack, path, R"({"text":"bob's"})", bob).status, 404);
  EXPECT_EQ(json::parse(stack->get(path, alice).body)["text"], "second");
}

TEST(CacheTest, AnswersStayIdenticalWithMemcachedRunningFlushedStoppedAndRestarted) {
  auto stack = Stack::start(with_memcached());
  ASSERT_NE(stack, nullptr);
  auto alice = auth(*stack, 3001);
  std::vector<std::string> paths;
  for (int i = 0; i < 4; ++i) {
    paths.push_back("/api/v1/fx/notes/" + create_note(*stack, alice, "note " + std::to_string(i)));
  }
  paths.push_back("/api/v1/fx/notes/12345");  // never existed: negative-cached 404
  std::map<std::string, std::pair<int, std::string>> expected;
  for (const auto& p : paths) {
    HttpResult r = stack->get(p, alice);
    expected[p] = {r.status, normalized(r.body)};
  }

  // Every request answers within the deadline, and exactly as before.
  auto check_all = [&](const std::string& phase) {
    for (int round = 0; round < 3; ++round) {
      for (const auto& p : paths) {
        auto start = std::chrono::steady_clock::now();
        HttpResult r = stack->get(p, alice);
        auto took = std::chrono::steady_clock::now() - start;
        EXPECT_LT(took, std::chrono::seconds(2)) << phase << " " << p;
        EXPECT_EQ(r.status, expected[p].first) << phase << " " << p << ": " << r.body;
        EXPECT_EQ(normalized(r.body), expected[p].second) << phase << " " << p;
      }
    }
  };
  check_all("running");
  ASSERT_TRUE(stack->flush_memcached());
  check_all("flushed");

  ASSERT_TRUE(stack->stop_memcached());
  EXPECT_FALSE(process_alive(stack->memcached_pid()));
  check_all("stopped");
  // Writes keep working too (the delete after commit fails quietly).
  auto start = std::chrono::steady_clock::now();
  HttpResult updated = put(*stack, paths[0], R"({"text":"changed while down"})", alice);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_EQ(updated.status, 200) << updated.body;
  expected[paths[0]] = {200, normalized(stack->get(paths[0], alice).body)};
  EXPECT_EQ(json::parse(expected[paths[0]].second)["text"], "changed while down");
  check_all("stopped, after a write");

  ASSERT_TRUE(stack->start_memcached());
  check_all("restarted");
  // Once the failed server's retry time passes the cache is used again.
  uint64_t hits = cache_count(*stack, "get", "hit");
  EXPECT_TRUE(eventually(
      [&] {
        check_all("recovering");
        return cache_count(*stack, "get", "hit") > hits;
      },
      30000));
}

TEST(CacheTest, MetricsCountHitsAndMisses) {
  auto stack = Stack::start(with_memcached());
  ASSERT_NE(stack, nullptr);
  auto alice = auth(*stack, 4001);
  std::string id = create_note(*stack, alice, "counted");
  for (int i = 0; i < 5; ++i) ASSERT_EQ(stack->get("/api/v1/fx/notes/" + id, alice).status, 200);
  EXPECT_GE(cache_count(*stack, "get", "miss"), 1u);
  EXPECT_GE(cache_count(*stack, "get", "hit"), 4u);
  EXPECT_GE(cache_count(*stack, "add", "ok"), 2u);  // the lease, then the fill
  EXPECT_EQ(cache_count(*stack, "get", "error"), 0u);
}

TEST(CacheTest, WithoutMemcachedTheCacheIsANoOp) {
  auto stack = Stack::start();  // memcached_servers empty
  ASSERT_NE(stack, nullptr);
  auto alice = auth(*stack, 5001);
  std::string id = create_note(*stack, alice, "uncached");
  const std::string path = "/api/v1/fx/notes/" + id;
  EXPECT_EQ(json::parse(stack->get(path, alice).body)["text"], "uncached");
  ASSERT_EQ(put(*stack, path, R"({"text":"updated"})", alice).status, 200);
  EXPECT_EQ(json::parse(stack->get(path, alice).body)["text"], "updated");
  EXPECT_EQ(stack->get("/metrics").body.find("bazaar_cache_requests_total"), std::string::npos);
}

}  // namespace
}  // namespace bazaar::testing
