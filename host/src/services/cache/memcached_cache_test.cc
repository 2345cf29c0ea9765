#include "services/cache/memcached_cache.h"

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "services/cache/memcached_cache_fixture.h"
#include "services/cache/memcached_test_server.h"

namespace bazaar::host {
namespace {

using Clock = std::chrono::steady_clock;
using testing::MemcachedCacheTest;
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

}  // namespace
}  // namespace bazaar::host
