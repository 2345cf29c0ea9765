#include "services/cache/cache_helpers.h"

namespace bazaar::host {
namespace {

// The host's Cache as sdk::cache_aside() wants it.
struct CacheOps {
  Cache& cache;
  const std::function<uint64_t()>& random_fn;

  std::optional<std::string> first_get(std::string_view key) { return cache.get(key); }
  std::optional<std::string> get(std::string_view key) { return cache.get(key); }
  sdk::CacheAdd add(std::string_view key, std::string_view value, uint32_t ttl_s) {
    switch (cache.add(key, value, ttl_s)) {
      case CacheResult::kOk: return sdk::CacheAdd::kStored;
      case CacheResult::kExists: return sdk::CacheAdd::kExists;
      case CacheResult::kError: break;
    }
    return sdk::CacheAdd::kCacheFailed;
  }
  void del(std::string_view key) { cache.del(key); }
  uint64_t random(std::string_view key) {
    if (random_fn) return random_fn();
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    return sdk::cache_detail::mix(sdk::cache_detail::hash(key) ^ static_cast<uint64_t>(now));
  }
};

}  // namespace

void invalidate(Cache& cache, std::string_view key) {
  cache.set(key, sdk::kInvalidated, sdk::kInvalidatedHoldS);
}

Result<std::optional<std::string>> get_or_load(Cache& cache, std::string_view key,
                                               const GetOrLoadOptions& options,
                                               const CacheLoader& loader) {
  sdk::CacheOptions rules;
  rules.ttl_s = options.ttl_s;
  rules.negative_ttl_s = options.negative_ttl_s;
  rules.lease_ttl_s = options.lease_ttl_s;
  rules.max_wait_ms = options.max_wait.count();
  CacheOps ops{cache, options.random};
  return sdk::cache_aside(ops, key, rules, loader);
}

}  // namespace bazaar::host
