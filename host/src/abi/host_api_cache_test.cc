// The ABI's cache calls over a real memcached: per-plugin namespaces, key
// rules, copy semantics, and what they do with no cache configured.
#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "abi/host_api.h"
#include "abi/host_api_internal.h"
#include <bazaar/sdk/cache.hpp>
#include "services/cache/memcached_cache_fixture.h"

namespace bazaar::host {
namespace {

using testing::MemcachedCacheTest;

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

TEST_F(HostApiCacheTest, ACommittedWriteLeavesAMarkerThatAFillCannotOverwrite) {
  ASSERT_EQ(api::cache_set(&a_, s("order"), s("vold"), 60), BZ_OK);
  api::cache_invalidate_committed(&a_, "order");
  EXPECT_EQ(cache_->get("alpha:order"), std::string(sdk::kInvalidated));
  // A reader that loaded the old rows before the commit fills with add: refused.
  EXPECT_EQ(api::cache_add(&a_, s("order"), s("vold"), 60), BZ_CONFLICT);
  EXPECT_EQ(cache_->get("alpha:order"), std::string(sdk::kInvalidated));
  api::cache_invalidate_committed(&a_, "bad key");  // refused keys are skipped
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
