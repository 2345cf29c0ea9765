// Test helper: a gtest fixture with a MemcachedCache (short time-outs, a
// small pool, metrics it counts into) over a real memcached of its own.
// Header-only; only the unit tests include it.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "common/shared_metrics.h"
#include "services/cache/memcached_cache.h"
#include "services/cache/memcached_test_server.h"

namespace bazaar::host::testing {

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

}  // namespace bazaar::host::testing
