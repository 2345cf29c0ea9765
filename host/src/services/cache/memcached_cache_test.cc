#include "services/cache/memcached_cache.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "abi/host_api.h"
#include "abi/host_api_internal.h"
#include "services/cache/memcached_test_server.h"

namespace bazaar::host {
namespace {

using Clock = std::chrono::steady_clock;
using testing::MemcachedServer;

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return condition();
}

std::chrono::milliseconds elapsed_since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
}

class MemcachedCacheTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto m = SharedMetrics::create(256);
    ASSERT_TRUE(m.ok()) << m.error().message();
    metrics_ = std::make_unique<SharedMetrics>(std::move(*m));
    ASSERT_TRUE(server_.start()) << "cannot start memcached on port " << server_.port();
    options_.servers = server_.address();
    options_.timeout_ms = 50;
    options_.pool_size = 4;
    options_.retry_timeout_s = 1;
    options_.dead_timeout_s = 1;
    auto cache = MemcachedCache::create(options_, metrics_.get());
    ASSERT_TRUE(cache.ok()) << cache.error().message();
    cache_ = std::move(*cache);
  }

  uint64_t count(const char* op, const char* result) const {
    return metrics_
        ->counter("bazaar_cache_requests_total",
                  SharedMetrics::label("op", op) + "," + SharedMetrics::label("result", result))
        .value();
  }

  std::unique_ptr<SharedMetrics> metrics_;
  MemcachedServer server_;
  MemcachedOptions options_;
  std::unique_ptr<MemcachedCache> cache_;
};

TEST_F(MemcachedCacheTest, SetGetAddDeleteIncr) {
  EXPECT_EQ(cache_->get("t:a"), std::nullopt);
  EXPECT_EQ(cache_->set("t:a", "one", 60), CacheResult::kOk);
  EXPECT_EQ(cache_->get("t:a"), "one");
  EXPECT_EQ(cache_->set("t:a", "two", 60), CacheResult::kOk);
  EXPECT_EQ(cache_->get("t:a"), "two");

  // add only stores a missing key: the lease primitive.
  EXPECT_EQ(cache_->add("t:a", "three", 60), CacheResult::kExists);
  EXPECT_EQ(cache_->get("t:a"), "two");
  EXPECT_EQ(cache_->add("t:b", "first", 60), CacheResult::kOk);
  EXPECT_EQ(cache_->add("t:b", "second", 60), CacheResult::kExists);
  EXPECT_EQ(cache_->get("t:b"), "first");

  EXPECT_EQ(cache_->del("t:a"), CacheResult::kOk);
  EXPECT_EQ(cache_->get("t:a"), std::nullopt);
  EXPECT_EQ(cache_->del("t:a"), CacheResult::kOk);  // deleting a missing key is fine

  // Empty and binary values survive.
  EXPECT_EQ(cache_->set("t:empty", "", 60), CacheResult::kOk);
  EXPECT_EQ(cache_->get("t:empty"), "");
  std::string binary("a\0b\r\nc", 6);
  EXPECT_EQ(cache_->set("t:bin", binary, 60), CacheResult::kOk);
  EXPECT_EQ(cache_->get("t:bin"), binary);

  // A counter starts at delta, then adds.
  EXPECT_EQ(cache_->incr("t:n", 5, 60), 5u);
  EXPECT_EQ(cache_->incr("t:n", 2, 60), 7u);
  EXPECT_EQ(cache_->incr("t:n", 1, 60), 8u);

  EXPECT_GE(count("get", "hit"), 6u);
  EXPECT_GE(count("get", "miss"), 2u);
  EXPECT_EQ(count("get", "error"), 0u);
  EXPECT_EQ(count("add", "exists"), 2u);
  EXPECT_EQ(count("incr", "ok"), 3u);
}

TEST_F(MemcachedCacheTest, ExpiredEntriesMiss) {
  ASSERT_EQ(cache_->set("t:short", "x", 1), CacheResult::kOk);
  EXPECT_EQ(cache_->get("t:short"), "x");
  EXPECT_TRUE(eventually([&] { return !cache_->get("t:short").has_value(); },
                         std::chrono::seconds(5)));
}

TEST_F(MemcachedCacheTest, KeysMemcachedCannotTakeAreErrorsNotCrashes) {
  EXPECT_EQ(cache_->set(std::string(251, 'k'), "v", 60), CacheResult::kError);
  EXPECT_EQ(cache_->set("has space", "v", 60), CacheResult::kError);
  EXPECT_EQ(cache_->get(""), std::nullopt);
  EXPECT_EQ(count("get", "error"), 1u);
  EXPECT_EQ(cache_->set(std::string(250, 'k'), "v", 60), CacheResult::kOk);
}

TEST_F(MemcachedCacheTest, KilledServerAnswersMissWithinTimeoutThenRecoversAfterRestart) {
  ASSERT_EQ(cache_->set("t:k", "v", 60), CacheResult::kOk);
  server_.stop();

  auto start = Clock::now();
  EXPECT_EQ(cache_->get("t:k"), std::nullopt);
  EXPECT_LT(elapsed_since(start), std::chrono::seconds(1));
  start = Clock::now();
  EXPECT_EQ(cache_->set("t:k", "w", 60), CacheResult::kError);
  EXPECT_EQ(cache_->add("t:k2", "w", 60), CacheResult::kError);
  EXPECT_EQ(cache_->del("t:k"), CacheResult::kError);
  EXPECT_EQ(cache_->incr("t:n", 1, 60), std::nullopt);
  EXPECT_LT(elapsed_since(start), std::chrono::seconds(1));
  EXPECT_GE(count("get", "error"), 1u);

  // Same port again: after the retry time-out the server is used again.
  ASSERT_TRUE(server_.start());
  EXPECT_TRUE(eventually([&] { return cache_->set("t:k", "back", 60) == CacheResult::kOk; },
                         std::chrono::seconds(10)));
  EXPECT_EQ(cache_->get("t:k"), "back");
}

// A server that accepts connections but never answers: the worst case, each
// call would wait for the time-out. After one failure the server is skipped.
TEST(MemcachedCacheBlackholeTest, SilentServerCostsOneTimeoutThenIsSkipped) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  ASSERT_EQ(listen(fd, 16), 0);  // the kernel completes connects; nobody reads
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);

  MemcachedOptions options;
  options.servers = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  options.timeout_ms = 200;
  options.pool_size = 1;
  options.retry_timeout_s = 30;
  auto cache = MemcachedCache::create(options, nullptr);
  ASSERT_TRUE(cache.ok()) << cache.error().message();

  auto start = Clock::now();
  EXPECT_EQ((*cache)->get("t:k"), std::nullopt);
  EXPECT_LT(elapsed_since(start), std::chrono::seconds(1));  // not libmemcached's 5 s default

  // Skipped now: well under one time-out per call.
  start = Clock::now();
  EXPECT_EQ((*cache)->get("t:k"), std::nullopt);
  EXPECT_EQ((*cache)->set("t:k", "v", 60), CacheResult::kError);
  EXPECT_LT(elapsed_since(start), std::chrono::milliseconds(options.timeout_ms));
  close(fd);
}

TEST(MemcachedCacheCreateTest, RefusesAnUnusableServerList) {
  MemcachedOptions options;
  options.servers = "";
  EXPECT_FALSE(MemcachedCache::create(options, nullptr).ok());
  options.servers = "127.0.0.1:11211";
  options.pool_size = 0;
  EXPECT_FALSE(MemcachedCache::create(options, nullptr).ok());
}

TEST_F(MemcachedCacheTest, PoolExhaustionIsAnErrorNotAWait) {
  MemcachedOptions options = options_;
  options.pool_size = 1;
  options.pool_wait_ms = 10;
  auto cache = MemcachedCache::create(options, nullptr);
  ASSERT_TRUE(cache.ok());
  // Many threads on one handle: every call ends (hit or error), none hangs.
  std::vector<std::thread> threads;
  std::atomic<int> answered{0};
  ASSERT_EQ((*cache)->set("t:p", "v", 60), CacheResult::kOk);
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int j = 0; j < 50; ++j) {
        (void)(*cache)->get("t:p");
        answered.fetch_add(1);
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(answered.load(), 400);
}

// ---- the ABI layer over a real cache: namespacing, key rules, copy semantics ----

class HostApiCacheTest : public MemcachedCacheTest {
 protected:
  void SetUp() override {
    MemcachedCacheTest::SetUp();
    services_.cache = cache_.get();
    a_.plugin_name = "alpha";
    a_.services = &services_;
    b_.plugin_name = "beta";
    b_.services = &services_;
  }
  static bz_str s(std::string_view v) { return {v.data(), v.size()}; }

  HostServices services_;
  bz_host a_, b_;
};

TEST_F(HostApiCacheTest, KeysAreNamespacedPerPlugin) {
  ASSERT_EQ(api::cache_set(&a_, s("k"), s("from alpha"), 60), BZ_OK);
  char buf[64];
  EXPECT_EQ(api::cache_get(&b_, s("k"), buf, sizeof(buf)), -1);
  int64_t n = api::cache_get(&a_, s("k"), buf, sizeof(buf));
  ASSERT_EQ(n, 10);
  EXPECT_EQ(std::string(buf, 10), "from alpha");
  EXPECT_EQ(cache_->get("alpha:k"), "from alpha");  // what memcached holds

  EXPECT_EQ(api::cache_add(&a_, s("k"), s("x"), 60), BZ_CONFLICT);
  EXPECT_EQ(api::cache_add(&b_, s("k"), s("from beta"), 60), BZ_OK);
  uint64_t v = 0;
  EXPECT_EQ(api::cache_incr(&a_, s("n"), 3, 60, &v), BZ_OK);
  EXPECT_EQ(v, 3u);
  EXPECT_EQ(api::cache_incr(&b_, s("n"), 1, 60, &v), BZ_OK);
  EXPECT_EQ(v, 1u);
  EXPECT_EQ(api::cache_delete(&a_, s("k")), BZ_OK);
  EXPECT_EQ(api::cache_get(&a_, s("k"), buf, sizeof(buf)), -1);
  EXPECT_EQ(cache_->get("beta:k"), "from beta");
}

TEST_F(HostApiCacheTest, BadKeysAreRefused) {
  const std::string too_long(201, 'k');
  for (std::string_view key : {std::string_view("has space"), std::string_view("tab\there"),
                               std::string_view("nl\n"), std::string_view(""),
                               std::string_view("del\x7f"), std::string_view(too_long)}) {
    EXPECT_EQ(api::cache_set(&a_, s(key), s("v"), 60), BZ_INVALID_ARGUMENT) << key;
    EXPECT_EQ(api::cache_add(&a_, s(key), s("v"), 60), BZ_INVALID_ARGUMENT) << key;
    EXPECT_EQ(api::cache_delete(&a_, s(key)), BZ_INVALID_ARGUMENT) << key;
    uint64_t v = 0;
    EXPECT_EQ(api::cache_incr(&a_, s(key), 1, 60, &v), BZ_INVALID_ARGUMENT) << key;
    char buf[8];
    EXPECT_EQ(api::cache_get(&a_, s(key), buf, sizeof(buf)), -1) << key;
  }
  EXPECT_EQ(api::cache_set(&a_, s(std::string(200, 'k')), s("v"), 60), BZ_OK);
}

TEST_F(HostApiCacheTest, GetReportsTheFullLengthAndARetryGetsTheBytes) {
  const std::string big(1000, 'x');
  ASSERT_EQ(api::cache_set(&a_, s("big"), s(big), 60), BZ_OK);
  char small[10];
  EXPECT_EQ(api::cache_get(&a_, s("big"), small, sizeof(small)), 1000);
  EXPECT_EQ(std::string(small, 10), std::string(10, 'x'));
  std::string large(1000, '\0');
  EXPECT_EQ(api::cache_get(&a_, s("big"), large.data(), large.size()), 1000);
  EXPECT_EQ(large, big);
  EXPECT_EQ(api::cache_get(&a_, s("big"), nullptr, 0), 1000);  // length only
}

TEST(HostApiNoCacheTest, WithoutACacheEveryCallIsANoOpMiss) {
  HostServices services;  // cache == nullptr: nothing configured
  bz_host host;
  host.plugin_name = "alpha";
  host.services = &services;
  bz_str key{"k", 1};
  bz_str value{"v", 1};
  EXPECT_EQ(api::cache_set(&host, key, value, 60), BZ_OK);
  EXPECT_EQ(api::cache_add(&host, key, value, 60), BZ_OK);
  char buf[8];
  EXPECT_EQ(api::cache_get(&host, key, buf, sizeof(buf)), -1);
  EXPECT_EQ(api::cache_delete(&host, key), BZ_OK);
  uint64_t v = 0;
  EXPECT_EQ(api::cache_incr(&host, key, 1, 60, &v), BZ_UNAVAILABLE);
  bz_str bad{"a b", 3};
  EXPECT_EQ(api::cache_set(&host, bad, value, 60), BZ_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace bazaar::host
