// The host's cache interface (memcached behind it, or nothing at all).
//
// memcached is never the source of truth: every caller must give the same
// answer on a miss as on a hit, only slower. So every failure of the cache
// (a dead server, a time-out, an exhausted pool) reads as a miss or an error
// value, never as an exception or a wait longer than the configured time-out.
//
// Keys reach a Cache already namespaced ("<plugin>:<key>") and validated with
// valid_cache_key(). Every method is safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bazaar::host {

enum class CacheResult {
  kOk,      // stored / deleted (deleting a missing key is kOk)
  kExists,  // add: the key is already there (someone else holds the lease)
  kError,   // the cache could not answer; treat as "nothing known"
};

class Cache {
 public:
  virtual ~Cache() = default;

  // The value, or nullopt on a miss or any failure.
  virtual std::optional<std::string> get(std::string_view key) = 0;
  // ttl_s 0 = no expiry; above 30 days it is clamped (memcached would read it
  // as an absolute time).
  virtual CacheResult set(std::string_view key, std::string_view value, uint32_t ttl_s) = 0;
  virtual CacheResult add(std::string_view key, std::string_view value, uint32_t ttl_s) = 0;
  virtual CacheResult del(std::string_view key) = 0;
  // Adds delta to a counter, creating it as `delta` with ttl_s when missing.
  // nullopt when the cache cannot answer (a counter has no safe default).
  virtual std::optional<uint64_t> incr(std::string_view key, uint64_t delta, uint32_t ttl_s) = 0;
};

// No cache configured: every get misses, writes succeed as no-ops (so an
// `add` lease is always won and the caller loads), counters are unavailable.
class NullCache final : public Cache {
 public:
  std::optional<std::string> get(std::string_view) override { return std::nullopt; }
  CacheResult set(std::string_view, std::string_view, uint32_t) override { return CacheResult::kOk; }
  CacheResult add(std::string_view, std::string_view, uint32_t) override { return CacheResult::kOk; }
  CacheResult del(std::string_view) override { return CacheResult::kOk; }
  std::optional<uint64_t> incr(std::string_view, uint64_t, uint32_t) override { return std::nullopt; }
};

// memcached's limit on a whole key (the text protocol's rule, kept with the
// binary protocol so keys stay portable).
constexpr size_t kMaxCacheKeyBytes = 250;

// Non-empty, at most kMaxCacheKeyBytes, no space and no control character.
inline bool valid_cache_key(std::string_view key, size_t max_bytes = kMaxCacheKeyBytes) {
  if (key.empty() || key.size() > max_bytes) return false;
  for (char ch : key) {
    auto c = static_cast<unsigned char>(ch);
    if (c <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

}  // namespace bazaar::host
