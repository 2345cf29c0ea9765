// Builds the process's cache from the host configuration: MemcachedCache when
// memcached_servers is set, NullCache otherwise.
#pragma once

#include <bazaar/result.hpp>

#include <memory>

#include "common/config.h"
#include "common/shared_metrics.h"
#include "services/cache/cache.h"

namespace bazaar::host {

// Never connects (servers are reached on first use). `metrics` may be null and
// must otherwise outlive the cache.
Result<std::unique_ptr<Cache>> cache_from_config(const HostConfig& config,
                                                 const SharedMetrics* metrics);

}  // namespace bazaar::host
