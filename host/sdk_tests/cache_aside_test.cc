// The one cache-aside implementation (bazaar/sdk/cache.hpp) over a fake
// cache, for the paths a real memcached makes hard to reach (a failing add, a
// throwing loader, a value landing between the miss and the lease). The host's
// cache/cache_helpers_test.cc runs the same code against memcached.
#include <bazaar/sdk/cache.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>

namespace bazaar::sdk {
namespace {

using Loaded = Result<std::optional<std::string>>;

struct FakeCache {
  std::map<std::string, std::string, std::less<>> values;
  std::map<std::string, uint32_t, std::less<>> ttls;
  bool add_fails = false;
  int gets = 0;
  std::function<void()> after_add;  // runs once the lease is taken

  std::optional<std::string> first_get(std::string_view key) { return get(key); }
  std::optional<std::string> get(std::string_view key) {
    ++gets;
    auto it = values.find(key);
    if (it == values.end()) return std::nullopt;
    return it->second;
  }
  CacheAdd add(std::string_view key, std::string_view value, uint32_t ttl_s) {
    if (add_fails) return CacheAdd::kCacheFailed;
    if (values.contains(key)) return CacheAdd::kExists;
    set(key, value, ttl_s);
    if (after_add && key.starts_with("lease:")) after_add();
    return CacheAdd::kStored;
  }
  void set(std::string_view key, std::string_view value, uint32_t ttl_s) {
    values[std::string(key)] = std::string(value);
    ttls[std::string(key)] = ttl_s;
  }
  void del(std::string_view key) {
    if (auto it = values.find(key); it != values.end()) values.erase(it);
  }
  uint64_t random(std::string_view) { return 0; }  // the lowest jitter: -10%
};

class CacheAsideTest : public ::testing::Test {
 protected:
  Loaded load(std::string_view key, std::optional<std::string> answer) {
    return cache_aside(cache_, key, options_, [&]() -> Loaded {
      ++loads_;
      return answer;
    });
  }
  FakeCache cache_;
  CacheOptions options_;
  int loads_ = 0;
};

TEST_F(CacheAsideTest, AMissLoadsStoresWithJitterAndGivesTheLeaseBack) {
  Loaded r = load("k", "value");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "value");
  EXPECT_EQ(cache_.values.at("k"), "vvalue");
  EXPECT_EQ(cache_.ttls.at("k"), 270u);  // 300 s less 10%
  EXPECT_FALSE(cache_.values.contains("lease:k"));
  EXPECT_EQ(*load("k", "other"), "value");
  EXPECT_EQ(loads_, 1);
}

// A writer commits while the loader reads the old rows: its marker stays, the
// old value is answered once but never cached, and the next read loads again.
TEST_F(CacheAsideTest, ALoadOverlappingACommitNeverFillsOverTheWritersMarker) {
  Loaded r = cache_aside(cache_, "k", options_, [&]() -> Loaded {
    ++loads_;
    cache_.set("k", kInvalidated, kInvalidatedHoldS);  // the writer's txn_commit
    return std::optional<std::string>("old");
  });
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "old");
  EXPECT_EQ(cache_.values.at("k"), kInvalidated);
  EXPECT_FALSE(cache_.values.contains("lease:k"));
  EXPECT_EQ(*load("k", "new"), "new");  // the marker reads as a miss
  EXPECT_EQ(loads_, 2);
  cache_.del("k");  // the marker expired
  EXPECT_EQ(*load("k", "new"), "new");
  EXPECT_EQ(cache_.values.at("k"), "vnew");
}

TEST_F(CacheAsideTest, NotFoundIsATombstoneWithTheNegativeTtl) {
  EXPECT_FALSE(load("gone", std::nullopt)->has_value());
  EXPECT_EQ(cache_.values.at("gone"), "n");
  EXPECT_EQ(cache_.ttls.at("gone"), 9u);
  EXPECT_FALSE(load("gone", "appeared")->has_value());
  EXPECT_EQ(loads_, 1);
}

TEST_F(CacheAsideTest, ALeaseLoserPastItsBudgetLoadsWithoutWriting) {
  cache_.values["lease:k"] = "1";
  options_.max_wait_ms = 0;  // a caller whose deadline has passed
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(*load("k", "self"), "self");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  EXPECT_FALSE(cache_.values.contains("k"));
  EXPECT_TRUE(cache_.values.contains("lease:k"));  // the holder's, untouched
}

TEST_F(CacheAsideTest, ACacheThatCannotAnswerIsLeftAlone) {
  cache_.add_fails = true;
  EXPECT_EQ(*load("k", "v"), "v");
  EXPECT_TRUE(cache_.values.empty());
  EXPECT_EQ(cache_.gets, 1);  // the first look only: every call could cost a time-out
}

TEST_F(CacheAsideTest, AValueStoredBetweenTheMissAndTheLeaseSavesTheLoad) {
  cache_.after_add = [&] { cache_.values["k"] = "vfrom the winner"; };
  EXPECT_EQ(*load("k", "mine"), "from the winner");
  EXPECT_EQ(loads_, 0);
  EXPECT_FALSE(cache_.values.contains("lease:k"));
}

TEST_F(CacheAsideTest, LoaderErrorsAreNotCachedAndAThrowingLoaderFreesTheLease) {
  Loaded failed = cache_aside(cache_, "k", options_,
                              []() -> Loaded { return unavailable("DATABASE_BUSY", "busy"); });
  EXPECT_EQ(failed.error().code(), "DATABASE_BUSY");
  EXPECT_TRUE(cache_.values.empty());
  EXPECT_THROW(
      (void)cache_aside(cache_, "k", options_, []() -> Loaded { throw std::runtime_error("boom"); }),
      std::runtime_error);
  EXPECT_TRUE(cache_.values.empty());  // no lease left behind
}

}  // namespace
}  // namespace bazaar::sdk
