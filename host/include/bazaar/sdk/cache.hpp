// Cache-aside, written once: the rules and the value format that both the
// SDK's Host::get_or_load (plugins, over the ABI's cache calls) and the host's
// own cache/cache_helpers.h (over its Cache) follow, so host and plugin code
// can share keys. Header-only, no state; see docs/ARCHITECTURE.md, "Cache".
//
// The rules:
// - the loader reads the source of truth; the cache only saves its work, so
//   with the cache down, flushed or unconfigured the answer is the same;
// - values are stored as "v" + bytes, "not found" as the tombstone "n" (cached
//   too, but briefly); anything else in the cache reads as a miss;
// - TTLs are spread by up to ±10% so keys filled together do not expire together;
// - on a miss one caller wins add("lease:<key>") and loads; the others poll
//   for its value (1, 2, 4 .. 16 ms) for at most max_wait_ms, then load
//   themselves without writing the cache. Loader errors are never cached.
// - writers invalidate the key after their transaction commits, never before,
//   by writing the marker "i" for kInvalidatedHoldS seconds (the host does it
//   for Txn::delete_after_commit), and fills are `add`s: a load that read the
//   old rows before the commit and finishes after it finds the marker and
//   leaves the cache alone, where a delete followed by that load's `set` would
//   have cached the old value for the whole TTL. The marker reads as a miss,
//   so for those seconds readers load from the source without filling.
#pragma once

#include <bazaar/result.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <thread>

namespace bazaar::sdk {

// How a cache-aside read caches. TTLs get ±10% jitter.
struct CacheOptions {
  uint32_t ttl_s = 300;          // a found value
  uint32_t negative_ttl_s = 10;  // "not found" (a tombstone), kept short
  uint32_t lease_ttl_s = 2;      // a crashed loader's lease frees itself after this
  int64_t max_wait_ms = 100;     // a lease loser waits this long (capped by the deadline)
  // > 0: the first look is cache_get_near with this max age (a hot key is
  // answered from the worker's memory; see cache_get_near). SDK only.
  uint32_t near_max_age_ms = 0;
};

namespace cache_detail {

inline uint64_t mix(uint64_t x) {  // splitmix64
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}
inline uint64_t hash(std::string_view s) {  // FNV-1a
  uint64_t h = 14695981039346656037ULL;
  for (char c : s) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

}  // namespace cache_detail

// ttl_s spread by up to ±10% (at least ±1 s when ttl_s >= 10), chosen by
// `random` (any uniformly distributed 64-bit value); 0 stays 0 (no expiry),
// never below 1.
inline uint32_t jitter_ttl(uint32_t ttl_s, uint64_t random) {
  if (ttl_s == 0) return 0;
  const uint64_t spread = ttl_s / 10;
  if (spread == 0) return ttl_s;
  const uint64_t jittered = uint64_t{ttl_s} - spread + random % (2 * spread + 1);
  return static_cast<uint32_t>(jittered < 1 ? 1 : jittered);
}

// "v" + value for a found value, "n" for "not found".
inline std::string encode_cached(const std::optional<std::string>& value) {
  return value ? "v" + *value : std::string("n");
}
// Outer nullopt: not written by encode_cached (read as a miss).
inline std::optional<std::optional<std::string>> decode_cached(std::string_view stored) {
  if (stored == "n") return std::optional<std::string>();
  if (!stored.empty() && stored.front() == 'v') {
    return std::optional<std::string>(std::string(stored.substr(1)));
  }
  return std::nullopt;
}

// What a writer leaves in place of a value it changed (read as a miss), and
// for how long. A loader slower than this may still fill an old value: the
// lease it holds expires after CacheOptions::lease_ttl_s (2 s) as well.
inline constexpr std::string_view kInvalidated = "i";
inline constexpr uint32_t kInvalidatedHoldS = 2;

// The single-flight lease of `key`: "lease:<key>".
inline std::string lease_key(std::string_view key) { return "lease:" + std::string(key); }

// What an `add` did: stored (the lease is ours), the key exists (someone else
// holds it), or the cache could not answer.
enum class CacheAdd { kStored, kExists, kCacheFailed };

// Cache-aside read of `key`: the cached answer, or `loader()` (a
// Result<std::optional<std::string>>, nullopt meaning "not found"), by the
// rules above. `ops` is the cache, with these members (none may throw):
//   std::optional<std::string> first_get(std::string_view key);  // the first look
//   std::optional<std::string> get(std::string_view key);        // every later look
//   CacheAdd add(std::string_view key, std::string_view value, uint32_t ttl_s);
//   void del(std::string_view key);
//   uint64_t random(std::string_view key);  // randomness for the TTL jitter
// A caller with a deadline passes options.max_wait_ms already capped by it.
// A loader that throws still gives the lease back.
template <class Ops, class Loader>
Result<std::optional<std::string>> cache_aside(Ops& ops, std::string_view key,
                                               const CacheOptions& options, Loader&& loader) {
  if (auto stored = ops.first_get(key)) {
    if (auto decoded = decode_cached(*stored)) return *decoded;
  }
  const std::string lease = lease_key(key);
  const CacheAdd won = ops.add(lease, "1", options.lease_ttl_s);
  if (won == CacheAdd::kExists) {
    // Someone else is loading: poll for their value, backing off 1, 2, 4 .. 16 ms.
    using Clock = std::chrono::steady_clock;
    const auto deadline = Clock::now() + std::chrono::milliseconds(std::max<int64_t>(options.max_wait_ms, 0));
    auto pause = std::chrono::milliseconds(1);
    while (true) {
      auto now = Clock::now();
      if (now >= deadline) break;
      std::this_thread::sleep_for(std::min<Clock::duration>(pause, deadline - now));
      pause = std::min(pause * 2, std::chrono::milliseconds(16));
      if (auto stored = ops.get(key)) {
        if (auto decoded = decode_cached(*stored)) return *decoded;
      }
    }
    // The winner is slow or gone: answer from the source without touching the
    // cache (the winner, or the next caller once the lease expires, fills it).
    return loader();
  }
  // Cache down: skip further calls, each could cost a time-out.
  if (won == CacheAdd::kCacheFailed) return loader();
  struct LeaseGuard {  // gives the lease back however this scope ends
    Ops& ops;
    const std::string& lease;
    ~LeaseGuard() { ops.del(lease); }
  } guard{ops, lease};
  // A winner that finished between our miss and our add has left its value:
  // one more round trip here saves a second load.
  if (auto stored = ops.get(key)) {
    if (auto decoded = decode_cached(*stored)) return *decoded;
  }
  Result<std::optional<std::string>> loaded = loader();
  if (loaded.ok()) {
    const uint32_t ttl =
        jitter_ttl(loaded->has_value() ? options.ttl_s : options.negative_ttl_s, ops.random(key));
    ops.add(key, encode_cached(*loaded), ttl);  // never over a writer's marker
  }
  return loaded;
}

}  // namespace bazaar::sdk
