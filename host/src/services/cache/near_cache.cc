#include "services/cache/near_cache.h"

#include <chrono>
#include <functional>

namespace bazaar::host {

namespace {

constexpr size_t kLocalSlots = 4096;
constexpr size_t kEntryOverhead = 96;  // map node, list node, bookkeeping: rough

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

NearCache::NearCache(NearStamps stamps, size_t max_bytes, Observer observe)
    : stamps_(stamps), observe_(std::move(observe)), max_bytes_per_shard_(max_bytes / kShards) {
  if (stamps_.sequence == nullptr || stamps_.slots == nullptr || stamps_.slot_count == 0) {
    local_slots_ = std::make_unique<std::atomic<uint64_t>[]>(kLocalSlots);
    stamps_ = {&local_sequence_, local_slots_.get(), kLocalSlots};
  }
}

std::atomic<uint64_t>& NearCache::slot_of(std::string_view key) const {
  return stamps_.slots[std::hash<std::string_view>{}(key) % stamps_.slot_count];
}

NearCache::Shard& NearCache::shard_of(std::string_view key) {
  // Other bits of the hash than slot_of uses: the 16 shards split every slot.
  return shards_[(std::hash<std::string_view>{}(key) >> 48) % kShards];
}

void NearCache::erase(Shard& shard, StringKeyMap<Entry>::iterator it) {
  shard.bytes -= it->first.size() + it->second.value.size() + kEntryOverhead;
  shard.oldest_first.erase(it->second.age);
  shard.entries.erase(it);
}

std::optional<std::string> NearCache::get(std::string_view key, int64_t max_age_ms) {
  std::optional<std::string> found = lookup(key, max_age_ms);
  if (observe_) observe_(found.has_value());
  return found;
}

std::optional<std::string> NearCache::lookup(std::string_view key, int64_t max_age_ms) {
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mu);
  auto it = shard.entries.find(key);
  if (it == shard.entries.end()) return std::nullopt;
  const bool current = slot_of(key).load() <= it->second.fetched_at;
  const bool young = steady_ms() - it->second.stored_ms <= max_age_ms;
  if (!current || !young) {
    erase(shard, it);
    return std::nullopt;
  }
  return it->second.value;
}

uint64_t NearCache::begin_fetch() const { return stamps_.sequence->load(); }

void NearCache::put(std::string_view key, std::string value, uint64_t fetched_at) {
  const size_t cost = key.size() + value.size() + kEntryOverhead;
  if (cost > max_bytes_per_shard_) return;
  // A change stamped since the fetch began: the value may be the old one.
  if (slot_of(key).load() > fetched_at) return;
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mu);
  if (auto it = shard.entries.find(key); it != shard.entries.end()) erase(shard, it);
  while (shard.bytes + cost > max_bytes_per_shard_ && !shard.oldest_first.empty()) {
    erase(shard, shard.entries.find(shard.oldest_first.front()));
  }
  shard.oldest_first.emplace_back(key);
  Entry entry{std::move(value), fetched_at, steady_ms(), std::prev(shard.oldest_first.end())};
  shard.entries.emplace(std::string(key), std::move(entry));
  shard.bytes += cost;
}

void NearCache::changed(std::string_view key) {
  // The stamp is what other processes see; the local drop only frees memory.
  // The slot only moves forward: of two changes racing on one slot, the later
  // stamp must stay.
  const uint64_t stamp = stamps_.sequence->fetch_add(1) + 1;
  std::atomic<uint64_t>& slot = slot_of(key);
  uint64_t seen = slot.load();
  while (seen < stamp && !slot.compare_exchange_weak(seen, stamp)) {
  }
  Shard& shard = shard_of(key);
  std::lock_guard lock(shard.mu);
  if (auto it = shard.entries.find(key); it != shard.entries.end()) erase(shard, it);
}

size_t NearCache::bytes() const {
  size_t total = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    total += s.bytes;
  }
  return total;
}

}  // namespace bazaar::host
