#include "services/ids/id_generator.h"

#include <algorithm>

namespace bazaar::host {

namespace {
constexpr uint32_t kSequenceMax = 31;
}

IdGenerator::IdGenerator(const Clock& clock, uint32_t node, uint32_t worker,
                         std::atomic<int64_t>* floor)
    : clock_(clock), node_(node & kMaxNode), worker_(worker & kMaxWorker), floor_(floor) {
  // A previous incarnation of this worker id may have used up to *floor_: start
  // every shard as if that millisecond were full, so the first id uses the next.
  int64_t start = floor_ != nullptr ? floor_->load() : -1;
  for (auto& s : shards_) {
    s.last_ms = start;
    s.sequence = kSequenceMax;
  }
}

Result<int64_t> IdGenerator::next(uint32_t shard) {
  if (shard > kMaxShard) return invalid_argument("BAD_SHARD", "shard out of range for ids");
  int64_t now = clock_.now_ms() - kEpochMs;
  std::lock_guard lock(mu_);
  ShardState& s = shards_[shard];
  if (now > s.last_ms) {
    s.last_ms = now;
    s.sequence = 0;
  } else if (++s.sequence > kSequenceMax) {
    // Same millisecond exhausted, or the clock went back: borrow the next one.
    ++s.last_ms;
    s.sequence = 0;
  }
  if (floor_ != nullptr) {
    int64_t seen = floor_->load(std::memory_order_relaxed);
    while (seen < s.last_ms && !floor_->compare_exchange_weak(seen, s.last_ms)) {
    }
  }
  return (s.last_ms << 23) | (int64_t{node_} << 15) | (int64_t{shard} << 10) |
         (int64_t{worker_} << 5) | int64_t{s.sequence};
}

}  // namespace bazaar::host
