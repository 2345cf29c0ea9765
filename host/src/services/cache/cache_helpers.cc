#include "services/cache/cache_helpers.h"

#include <algorithm>
#include <thread>

namespace bazaar::host {
namespace {

uint64_t splitmix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

uint64_t default_random(std::string_view key) {
  uint64_t h = 14695981039346656037ULL;  // FNV-1a
  for (char c : key) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  auto now = std::chrono::steady_clock::now().time_since_epoch().count();
  return splitmix64(h ^ static_cast<uint64_t>(now));
}

}  // namespace

uint32_t jitter_ttl(uint32_t ttl_s, uint64_t random) {
  if (ttl_s == 0) return 0;
  const uint64_t spread = ttl_s / 10;  // ±10%
  if (spread == 0) return ttl_s;
  const uint64_t offset = random % (2 * spread + 1);  // 0 .. 2*spread
  const uint64_t jittered = uint64_t{ttl_s} - spread + offset;
  return static_cast<uint32_t>(std::max<uint64_t>(jittered, 1));
}

std::string encode_cached(const std::optional<std::string>& value) {
  return value ? "v" + *value : std::string("n");
}

std::optional<std::optional<std::string>> decode_cached(std::string_view stored) {
  if (stored == "n") return std::optional<std::string>();
  if (!stored.empty() && stored.front() == 'v') {
    return std::optional<std::string>(std::string(stored.substr(1)));
  }
  return std::nullopt;
}

std::string lease_key(std::string_view key) { return "lease:" + std::string(key); }

Result<std::optional<std::string>> get_or_load(Cache& cache, std::string_view key,
                                               const GetOrLoadOptions& options,
                                               const CacheLoader& loader) {
  if (auto stored = cache.get(key)) {
    if (auto decoded = decode_cached(*stored)) return *decoded;
  }
  const std::string lease = lease_key(key);
  CacheResult won = cache.add(lease, "1", options.lease_ttl_s);
  if (won == CacheResult::kExists) {
    // Someone else is loading: poll for their value, backing off 1, 2, 4 .. 16 ms.
    const auto deadline = std::chrono::steady_clock::now() + options.max_wait;
    auto pause = std::chrono::milliseconds(1);
    while (true) {
      auto now = std::chrono::steady_clock::now();
      if (now >= deadline) break;
      std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
      pause = std::min(pause * 2, std::chrono::milliseconds(16));
      if (auto stored = cache.get(key)) {
        if (auto decoded = decode_cached(*stored)) return *decoded;
      }
    }
    // The winner is slow or gone: answer from the source without touching the
    // cache (the winner, or the next caller once the lease expires, fills it).
    return loader();
  }
  if (won == CacheResult::kOk) {
    // A winner that finished between our miss and our add has left its value:
    // one more round trip here saves a second load.
    if (auto stored = cache.get(key)) {
      if (auto decoded = decode_cached(*stored)) {
        cache.del(lease);
        return *decoded;
      }
    }
  }
  Result<std::optional<std::string>> loaded = loader();
  // After a cache error (server down) skip further calls: each could cost a time-out.
  if (won == CacheResult::kOk) {
    if (loaded.ok()) {
      const uint64_t random = options.random ? options.random() : default_random(key);
      const uint32_t ttl = jitter_ttl(loaded->has_value() ? options.ttl_s : options.negative_ttl_s, random);
      cache.set(key, encode_cached(*loaded), ttl);
    }
    cache.del(lease);
  }
  return loaded;
}

}  // namespace bazaar::host
