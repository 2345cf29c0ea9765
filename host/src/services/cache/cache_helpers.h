// Cache-aside on top of the host's Cache: TTL jitter, negative caching and a
// single-flight rebuild that uses `add` as a lease. The rules and the value
// format are written once, in the SDK (<bazaar/sdk/cache.hpp>), which plugins
// use through Host::get_or_load: this file runs that same code over a Cache,
// so host and plugin code can share keys. See docs/ARCHITECTURE.md, "Cache".
#pragma once

#include <bazaar/result.hpp>
#include <bazaar/sdk/cache.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "services/cache/cache.h"

namespace bazaar::host {

// The shared pieces, under the host's names.
using sdk::decode_cached;  // outer nullopt: not a value encode_cached wrote (a miss)
using sdk::encode_cached;  // "v" + value for a found value, "n" for "not found"
using sdk::jitter_ttl;     // ±10%, chosen by a random value; 0 stays 0, never below 1
using sdk::lease_key;      // "lease:<key>"

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

// What a writer does to `key` once its transaction has committed: leaves the
// short-lived marker sdk::kInvalidated (a miss to readers) so that a load
// that read the old rows cannot fill them back (sdk/cache.hpp, the rules).
void invalidate(Cache& cache, std::string_view key);

Result<std::optional<std::string>> get_or_load(Cache& cache, std::string_view key,
                                               const GetOrLoadOptions& options,
                                               const CacheLoader& loader);

}  // namespace bazaar::host
