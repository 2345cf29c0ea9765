// ABI 1.2: cache (1.3: cache_get_near). Keys are namespaced per plugin
// ("<plugin>:<key>") so two plugins never see each other's entries. With no cache configured
// (services->cache null) every call behaves like NullCache: memcached is
// never the source of truth.
#include <chrono>
#include <cstring>

#include "abi/host_api_internal.h"
#include "services/cache/cache.h"
#include "services/cache/cache_helpers.h"
#include "services/cache/near_cache.h"

namespace bazaar::host::api {
namespace {

// A plugin's key: at most this long (the namespace prefix takes the rest of
// memcached's 250 bytes), no spaces and no control characters.
constexpr size_t kMaxPluginKeyBytes = 200;

NullCache& null_cache() {
  static NullCache cache;  // stateless
  return cache;
}

Cache& cache_of(bz_host* host) {
  Cache* c = host->services != nullptr ? host->services->cache : nullptr;
  return c != nullptr ? *c : null_cache();
}

// "<plugin>:<key>", or nullopt when the key is refused.
std::optional<std::string> namespaced(bz_host* host, bz_str key) {
  std::string_view k = sv(key);
  if (!valid_cache_key(k, kMaxPluginKeyBytes)) return std::nullopt;
  std::string full = host->plugin_name + ":" + std::string(k);
  if (!valid_cache_key(full)) return std::nullopt;
  return full;
}

bz_status status_of(CacheResult r) {
  switch (r) {
    case CacheResult::kOk: return BZ_OK;
    case CacheResult::kExists: return BZ_CONFLICT;
    case CacheResult::kError: return BZ_UNAVAILABLE;
  }
  return BZ_UNAVAILABLE;
}

// A value too large for the caller's buffer, kept briefly so the retry with
// a larger buffer (plugin.h: "call again") answers the same bytes without a
// second round trip. Per thread: a plugin retries on the thread that asked.
struct Oversize {
  std::string key;
  std::string value;
  std::chrono::steady_clock::time_point until;
};
thread_local Oversize t_oversize;
constexpr auto kOversizeKeep = std::chrono::milliseconds(100);

int64_t copy_out(const std::string& value, char* buf, size_t cap) {
  if (buf != nullptr && cap > 0) std::memcpy(buf, value.data(), std::min(cap, value.size()));
  return static_cast<int64_t>(value.size());
}

// After memcached's value of `full` changed (even if that failed: the old
// value may still be there, but no near copy of it may be served).
void changed(bz_host* host, const std::string& full) {
  if (host->services != nullptr && host->services->near_cache != nullptr) {
    host->services->near_cache->changed(full);
  }
}

}  // namespace

int64_t cache_get(bz_host* host, bz_str key, char* buf, size_t cap) {
  auto full = namespaced(host, key);
  if (!full) return -1;
  Oversize& kept = t_oversize;
  if (!kept.key.empty()) {
    bool reuse = kept.key == *full && kept.value.size() <= cap &&
                 std::chrono::steady_clock::now() < kept.until;
    std::string value = std::move(kept.value);
    kept = Oversize{};
    if (reuse) return copy_out(value, buf, cap);
  }
  std::optional<std::string> value = cache_of(host).get(*full);
  if (!value) return -1;
  if (value->size() > cap) {
    kept = {*full, *value, std::chrono::steady_clock::now() + kOversizeKeep};
  }
  return copy_out(*value, buf, cap);
}

int64_t cache_get_near(bz_host* host, bz_str key, uint32_t max_age_ms, char* buf, size_t cap) {
  NearCache* near = host->services != nullptr ? host->services->near_cache : nullptr;
  if (near == nullptr) return cache_get(host, key, buf, cap);
  auto full = namespaced(host, key);
  if (!full) return -1;
  if (std::optional<std::string> copy = near->get(*full, max_age_ms)) return copy_out(*copy, buf, cap);
  const uint64_t fetched_at = near->begin_fetch();
  std::optional<std::string> value = cache_of(host).get(*full);
  if (!value) return -1;
  int64_t n = copy_out(*value, buf, cap);  // a too-small buffer: the retry finds the copy
  near->put(*full, std::move(*value), fetched_at);
  return n;
}

bz_status cache_set(bz_host* host, bz_str key, bz_str value, uint32_t ttl_s) {
  auto full = namespaced(host, key);
  if (!full) return BZ_INVALID_ARGUMENT;
  bz_status stored = status_of(cache_of(host).set(*full, sv(value), ttl_s));
  changed(host, *full);
  return stored;
}

bz_status cache_add(bz_host* host, bz_str key, bz_str value, uint32_t ttl_s) {
  auto full = namespaced(host, key);
  if (!full) return BZ_INVALID_ARGUMENT;
  CacheResult added = cache_of(host).add(*full, sv(value), ttl_s);
  // A stored add is a new value (a cache-aside fill): copies of what was
  // there before (a writer's marker) must not outlive it.
  if (added == CacheResult::kOk) changed(host, *full);
  return status_of(added);
}

bz_status cache_delete(bz_host* host, bz_str key) {
  auto full = namespaced(host, key);
  if (!full) return BZ_INVALID_ARGUMENT;
  bz_status deleted = status_of(cache_of(host).del(*full));
  changed(host, *full);
  return deleted;
}

void cache_invalidate_committed(bz_host* host, std::string_view key) {
  auto full = namespaced(host, {key.data(), key.size()});
  if (!full) return;  // refused when it was queued
  invalidate(cache_of(host), *full);
  changed(host, *full);
}

bz_status cache_delete_after_commit(bz_txn* txn, bz_str key) {
  // Checked now so the plugin hears about a bad key; txn_commit invalidates
  // it (cache_invalidate_committed) only after a successful commit.
  if (!namespaced(txn->host, key)) return BZ_INVALID_ARGUMENT;
  txn->cache_deletes.emplace_back(sv(key));
  return BZ_OK;
}

bz_status cache_incr(bz_host* host, bz_str key, uint64_t delta, uint32_t ttl_s, uint64_t* value) {
  auto full = namespaced(host, key);
  if (!full) return BZ_INVALID_ARGUMENT;
  std::optional<uint64_t> v = cache_of(host).incr(*full, delta, ttl_s);
  if (!v) return BZ_UNAVAILABLE;
  if (value != nullptr) *value = *v;
  return BZ_OK;
}

}  // namespace bazaar::host::api
