// A process-local copy of cache values in front of memcached ("near cache"),
// for the keys a plugin reads with cache_get_near (plugin.h, ABI 1.3).
//
// memcached costs a network round trip (~30 µs and two system calls) on every
// read; a hot key read by thousands of requests a second is cheaper from this
// process's memory. The copy answers as memcached would, across processes:
//
//   - every set, delete or stored add of a key (a commit's invalidation marker,
//     a cache-aside fill), by any worker of the node, first changes
//     memcached and then stamps the key's slot in shared memory with the next
//     value of a node-wide sequence (changed());
//   - a copy remembers the sequence as it was *before* its value was fetched
//     from memcached (begin_fetch()), and is served only while its slot's stamp
//     is not newer, and for at most the reader's max_age_ms.
//
// So once a writer's changed() has returned, no worker serves the old value
// again (a reader that fetched the old value before the delete holds an older
// sequence than the stamp). Keys share slots by hash: a collision only costs
// a refetch. Values are bounded in total bytes; the oldest go first.
//
// Counters (cache_incr) are not stamped: read them with cache_get, never near.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "common/string_key_map.h"

namespace bazaar::host {

// The node-wide part, in shared memory (NodeState): a sequence and the
// stamps of the key slots. A default-constructed NearStamps (null) makes the
// near cache process-local only (tests).
struct NearStamps {
  std::atomic<uint64_t>* sequence = nullptr;
  std::atomic<uint64_t>* slots = nullptr;
  size_t slot_count = 0;
};

class NearCache {
 public:
  // Called on every get(): true = answered from memory (metrics).
  using Observer = std::function<void(bool hit)>;
  NearCache(NearStamps stamps, size_t max_bytes, Observer observe = {});
  NearCache(const NearCache&) = delete;
  NearCache& operator=(const NearCache&) = delete;

  // The local copy of `key` if it is still current and at most max_age_ms old.
  std::optional<std::string> get(std::string_view key, int64_t max_age_ms);
  // Call before fetching a value from memcached; pass the result to put().
  uint64_t begin_fetch() const;
  void put(std::string_view key, std::string value, uint64_t fetched_at);
  // After memcached's value of `key` changed (set, delete): no worker serves
  // an older copy from now on.
  void changed(std::string_view key);

  size_t bytes() const;

 private:
  struct Entry {
    std::string value;
    uint64_t fetched_at = 0;  // the sequence before the fetch
    int64_t stored_ms = 0;    // steady clock
    std::list<std::string>::iterator age;
  };
  struct Shard {
    mutable std::mutex mu;
    StringKeyMap<Entry> entries;
    std::list<std::string> oldest_first;
    size_t bytes = 0;
  };
  static constexpr size_t kShards = 16;

  std::optional<std::string> lookup(std::string_view key, int64_t max_age_ms);
  std::atomic<uint64_t>& slot_of(std::string_view key) const;
  Shard& shard_of(std::string_view key);
  static void erase(Shard& shard, StringKeyMap<Entry>::iterator it);

  NearStamps stamps_;
  Observer observe_;
  std::atomic<uint64_t> local_sequence_{0};  // when no shared stamps are given
  std::unique_ptr<std::atomic<uint64_t>[]> local_slots_;
  size_t max_bytes_per_shard_;
  Shard shards_[kShards];
};

}  // namespace bazaar::host
