#include "services/cache/cache_helpers.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <latch>
#include <random>
#include <thread>
#include <vector>

#include "services/cache/memcached_cache.h"
#include "services/cache/memcached_test_server.h"

namespace bazaar::host {
namespace {

using Clock = std::chrono::steady_clock;
using Loaded = Result<std::optional<std::string>>;

TEST(JitterTtlTest, StaysWithinTenPercentAndSpreads) {
  std::mt19937_64 rng(42);
  uint32_t lo = UINT32_MAX, hi = 0;
  for (int i = 0; i < 10000; ++i) {
    uint32_t t = jitter_ttl(300, rng());
    lo = std::min(lo, t);
    hi = std::max(hi, t);
  }
  EXPECT_EQ(lo, 270u);
  EXPECT_EQ(hi, 330u);
  // Deterministic for a given random value; the ends of the range are reachable.
  EXPECT_EQ(jitter_ttl(300, 0), 270u);
  EXPECT_EQ(jitter_ttl(300, 60), 330u);
  EXPECT_EQ(jitter_ttl(300, 30), 300u);
  EXPECT_EQ(jitter_ttl(300, 12345), jitter_ttl(300, 12345));
}

TEST(JitterTtlTest, EdgeCases) {
  EXPECT_EQ(jitter_ttl(0, 7), 0u);  // no expiry stays no expiry
  for (uint64_t r = 0; r < 100; ++r) {
    EXPECT_EQ(jitter_ttl(1, r), 1u);
    EXPECT_EQ(jitter_ttl(9, r), 9u);  // under 10 s there is no whole second to spread
    uint32_t t = jitter_ttl(10, r);
    EXPECT_GE(t, 9u);
    EXPECT_LE(t, 11u);
  }
  uint32_t big = jitter_ttl(UINT32_MAX, UINT64_MAX);
  EXPECT_GE(big, UINT32_MAX - UINT32_MAX / 10);
}

TEST(CachedValueTest, EncodingRoundTrips) {
  for (std::optional<std::string> v :
       {std::optional<std::string>(), std::optional<std::string>(""),
        std::optional<std::string>("n"), std::optional<std::string>("v"),
        std::optional<std::string>(std::string("a\0b", 3))}) {
    auto decoded = decode_cached(encode_cached(v));
    ASSERT_TRUE(decoded.has_value());
    EXPECT_EQ(*decoded, v);
  }
  EXPECT_FALSE(decode_cached("").has_value());
  EXPECT_FALSE(decode_cached("raw value").has_value());
  EXPECT_EQ(lease_key("note:1"), "lease:note:1");
}

class GetOrLoadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(server_.start()) << "cannot start memcached on port " << server_.port();
    MemcachedOptions options;
    options.servers = server_.address();
    options.pool_size = 32;
    options.retry_timeout_s = 1;
    options.dead_timeout_s = 1;
    auto cache = MemcachedCache::create(options, nullptr);
    ASSERT_TRUE(cache.ok()) << cache.error().message();
    cache_ = std::move(*cache);
    options_.random = [] { return uint64_t{0}; };
  }

  // A loader that counts its calls and answers `answer`.
  CacheLoader counting(std::optional<std::string> answer) {
    return [this, answer]() -> Loaded {
      loads_.fetch_add(1);
      return answer;
    };
  }

  testing::MemcachedServer server_;
  std::unique_ptr<MemcachedCache> cache_;
  GetOrLoadOptions options_;
  std::atomic<int> loads_{0};
};

TEST_F(GetOrLoadTest, MissLoadsAndStoresThenHitsWithoutLoading) {
  auto first = get_or_load(*cache_, "t:1", options_, counting("value"));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "value");
  EXPECT_EQ(loads_.load(), 1);
  EXPECT_EQ(cache_->get("t:1"), "vvalue");              // stored with its marker
  EXPECT_EQ(cache_->get(lease_key("t:1")), std::nullopt);  // lease given back

  auto second = get_or_load(*cache_, "t:1", options_, counting("other"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, "value");
  EXPECT_EQ(loads_.load(), 1);
}

TEST_F(GetOrLoadTest, AnInvalidationDuringALoadKeepsTheOldValueOutOfTheCache) {
  auto first = get_or_load(*cache_, "t:race", options_, [&]() -> Loaded {
    invalidate(*cache_, "t:race");  // a writer commits while this load reads
    return std::optional<std::string>("old");
  });
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(*first, "old");
  EXPECT_EQ(cache_->get("t:race"), std::string(sdk::kInvalidated));
  auto second = get_or_load(*cache_, "t:race", options_, counting("new"));
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, "new");
  EXPECT_EQ(loads_.load(), 1);  // the marker read as a miss
  EXPECT_EQ(cache_->get("t:race"), std::string(sdk::kInvalidated));
}

TEST_F(GetOrLoadTest, NotFoundIsCachedBrieflyAsATombstone) {
  options_.negative_ttl_s = 1;
  auto first = get_or_load(*cache_, "t:none", options_, counting(std::nullopt));
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(first->has_value());
  EXPECT_EQ(cache_->get("t:none"), "n");

  auto second = get_or_load(*cache_, "t:none", options_, counting("appeared"));
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(second->has_value());  // answered by the tombstone
  EXPECT_EQ(loads_.load(), 1);

  // Once the tombstone expires the source is asked again.
  EXPECT_TRUE([&] {
    auto deadline = Clock::now() + std::chrono::seconds(5);
    while (Clock::now() < deadline) {
      if (!cache_->get("t:none")) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }());
  auto third = get_or_load(*cache_, "t:none", options_, counting("appeared"));
  ASSERT_TRUE(third.ok());
  EXPECT_EQ(*third, "appeared");
  EXPECT_EQ(loads_.load(), 2);
}

TEST_F(GetOrLoadTest, LoaderErrorsAreNotCachedAndFreeTheLease) {
  auto failed = get_or_load(*cache_, "t:err", options_, [&]() -> Loaded {
    loads_.fetch_add(1);
    return unavailable("DATABASE_BUSY", "busy");
  });
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), "DATABASE_BUSY");
  EXPECT_EQ(cache_->get("t:err"), std::nullopt);
  EXPECT_EQ(cache_->get(lease_key("t:err")), std::nullopt);
  auto retried = get_or_load(*cache_, "t:err", options_, counting("fine"));
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(*retried, "fine");
  EXPECT_EQ(loads_.load(), 2);
}

TEST_F(GetOrLoadTest, AValueNotWrittenByGetOrLoadIsAMiss) {
  ASSERT_EQ(cache_->set("t:raw", "plain", 60), CacheResult::kOk);
  auto r = get_or_load(*cache_, "t:raw", options_, counting("loaded"));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "loaded");
  // Fills are adds: whatever holds the key (here a foreign value, normally a
  // writer's marker) is left to its TTL, and every read loads until then.
  EXPECT_EQ(cache_->get("t:raw"), "plain");
}

TEST_F(GetOrLoadTest, TtlIsJittered) {
  options_.ttl_s = 100;
  options_.random = [] { return uint64_t{0}; };  // lowest: 90 s
  ASSERT_TRUE(get_or_load(*cache_, "t:ttl", options_, counting("v")).ok());
  // memcached reports the absolute expiry of an item in `mg <key> t` (remaining seconds).
  std::string meta = server_.command("mg t:ttl t");
  ASSERT_TRUE(meta.starts_with("HD t")) << meta;
  int remaining = std::stoi(meta.substr(4));
  EXPECT_GE(remaining, 85);
  EXPECT_LE(remaining, 90);
}

TEST_F(GetOrLoadTest, SixteenCallersOnAMissingKeyLoadOnce) {
  options_.max_wait = std::chrono::seconds(2);
  constexpr int kThreads = 16;
  std::latch go(kThreads);
  std::vector<std::thread> threads;
  std::vector<std::string> answers(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      go.arrive_and_wait();
      auto r = get_or_load(*cache_, "t:hot", options_, [&]() -> Loaded {
        loads_.fetch_add(1);
        std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a slow query
        return std::optional<std::string>("rebuilt");
      });
      answers[static_cast<size_t>(i)] = r.ok() && r->has_value() ? **r : "<none>";
    });
  }
  for (auto& t : threads) t.join();
  for (const auto& a : answers) EXPECT_EQ(a, "rebuilt");
  // One winner holds the lease and loads; the others wait for its value. A
  // second load is possible but rare: a caller that lost the lease and whose
  // wait (max_wait) ran out before the winner stored its value loads itself
  // rather than wait past its budget (a very slow or overloaded machine).
  EXPECT_GE(loads_.load(), 1);
  EXPECT_LE(loads_.load(), 2);
}

TEST_F(GetOrLoadTest, ALeaseLoserNeverWaitsPastItsBudget) {
  // Someone holds the lease and never stores a value (it crashed).
  ASSERT_EQ(cache_->add(lease_key("t:stuck"), "1", 30), CacheResult::kOk);
  options_.max_wait = std::chrono::milliseconds(50);
  auto start = Clock::now();
  auto r = get_or_load(*cache_, "t:stuck", options_, counting("self-loaded"));
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "self-loaded");
  EXPECT_EQ(loads_.load(), 1);
  EXPECT_EQ(cache_->get("t:stuck"), std::nullopt);  // the lease holder fills it, not us
}

TEST_F(GetOrLoadTest, WithMemcachedStoppedAnswersStayCorrectAndFast) {
  ASSERT_TRUE(get_or_load(*cache_, "t:k", options_, counting("v1")).ok());
  server_.stop();
  auto start = Clock::now();
  for (int i = 0; i < 5; ++i) {
    auto r = get_or_load(*cache_, "t:k", options_, counting("v2"));
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, "v2");  // from the source of truth, every time
  }
  EXPECT_LT(Clock::now() - start, std::chrono::seconds(1));
  EXPECT_EQ(loads_.load(), 6);
}

TEST(GetOrLoadNullCacheTest, WithoutACacheEveryCallLoads) {
  NullCache cache;
  int loads = 0;
  GetOrLoadOptions options;
  for (int i = 0; i < 3; ++i) {
    auto r = get_or_load(cache, "k", options, [&]() -> Loaded {
      ++loads;
      return std::optional<std::string>("v");
    });
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, "v");
  }
  EXPECT_EQ(loads, 3);
}

}  // namespace
}  // namespace bazaar::host
