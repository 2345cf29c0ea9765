// Cache-aside on top of a Cache: TTL jitter, negative caching and a
// single-flight rebuild that uses `add` as a lease. The SDK (sdk.hpp,
// Host::get_or_load) follows the same rules and the same value format, so
// host and plugin code can share keys.
//
// Rules (docs/ARCHITECTURE.md, "Cache"):
// - the loader reads the source of truth; the cache only saves its work, so
//   with the cache down, flushed or unconfigured the answer is the same;
// - writers delete the key after their transaction commits, never before;
// - "not found" is cached too (a tombstone) but briefly, so a burst of
//   requests for ids that do not exist does not reach the database each time;
// - TTLs are spread by up to ±10% so keys filled together do not expire together;
// - on a miss one caller wins `add("lease:<key>")` and loads; the others wait
//   a little for its value, then load themselves (never past their budget).
#pragma once

#include <bazaar/result.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "services/cache/cache.h"

namespace bazaar::host {

// ttl_s spread by up to ±10% (at least ±1 s when ttl_s >= 10), chosen by `random`
// (any uniformly distributed 64-bit value). 0 stays 0 (no expiry); never below 1.
uint32_t jitter_ttl(uint32_t ttl_s, uint64_t random);

// What get_or_load stores: "v" + value for a found value, "n" for "not found".
std::string encode_cached(const std::optional<std::string>& value);
// Outer nullopt: not a value written by encode_cached (treated as a miss).
std::optional<std::optional<std::string>> decode_cached(std::string_view stored);

std::string lease_key(std::string_view key);  // "lease:<key>"

struct GetOrLoadOptions {
  uint32_t ttl_s = 300;          // for a found value, before jitter
  uint32_t negative_ttl_s = 10;  // for "not found", before jitter
  uint32_t lease_ttl_s = 2;      // a crashed loader's lease frees itself after this
  // How long a caller that lost the lease waits for the winner's value before
  // loading itself. Callers cap it by their own deadline.
  std::chrono::milliseconds max_wait{100};
  // Randomness for the jitter; default: derived from the key and the time.
  std::function<uint64_t()> random;
};

// Found value, nullopt for "not found", or the loader's error (never cached).
using CacheLoader = std::function<Result<std::optional<std::string>>()>;

Result<std::optional<std::string>> get_or_load(Cache& cache, std::string_view key,
                                               const GetOrLoadOptions& options,
                                               const CacheLoader& loader);

}  // namespace bazaar::host
