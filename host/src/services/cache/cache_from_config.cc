#include "services/cache/cache_from_config.h"

#include "services/cache/memcached_cache.h"

namespace bazaar::host {

Result<std::unique_ptr<Cache>> cache_from_config(const HostConfig& config,
                                                 const SharedMetrics* metrics) {
  if (config.memcached_servers.empty()) return std::unique_ptr<Cache>(new NullCache());
  MemcachedOptions options;
  options.servers = config.memcached_servers;
  options.timeout_ms = config.cache_timeout_ms;
  options.pool_size = static_cast<uint32_t>(config.cache_pool_size > 0 ? config.cache_pool_size
                                                                       : config.threads);
  auto cache = MemcachedCache::create(options, metrics);
  if (!cache.ok()) return cache.error();
  return std::unique_ptr<Cache>(std::move(*cache));
}

}  // namespace bazaar::host
