// 64-bit, time-ordered, positive ids from which the owning shard is read back.
//
//   bit 63        0 (ids are positive int64)
//   bits 62..23   milliseconds since 2025-01-01T00:00:00Z (40 bits: until 2059)
//   bits 22..15   node id (0..255)
//   bits 14..10   shard (0..31)
//   bits  9..5    worker id (0..31: slot + 16 × generation parity, so the old and
//                 new generation's workers never share one during a roll)
//   bits  4..0    sequence within the millisecond, per shard (32)
//
// Monotonic per (worker, shard) even when the wall clock steps back: time never
// goes below the last millisecond used, and a full millisecond borrows the next
// one. Unique across a worker's restarts: the last millisecond used is kept in
// the node's shared segment (`floor`), and a new incarnation starts after it.
#pragma once

#include <bazaar/result.hpp>

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>

#include "common/clock.h"

namespace bazaar::host {

class IdGenerator {
 public:
  static constexpr int64_t kEpochMs = 1735689600000;  // 2025-01-01T00:00:00Z
  static constexpr uint32_t kMaxNode = 255;
  static constexpr uint32_t kMaxShard = 31;
  static constexpr uint32_t kMaxWorker = 31;

  // `floor` (may be null in tests) holds the last millisecond (since kEpochMs)
  // this worker id used; it outlives the process.
  IdGenerator(const Clock& clock, uint32_t node, uint32_t worker, std::atomic<int64_t>* floor);

  // Thread-safe. Fails only for a shard out of range.
  Result<int64_t> next(uint32_t shard);

  static uint32_t shard_of(int64_t id) { return static_cast<uint32_t>((id >> 10) & 0x1F); }
  static uint32_t node_of(int64_t id) { return static_cast<uint32_t>((id >> 15) & 0xFF); }
  static uint32_t worker_of(int64_t id) { return static_cast<uint32_t>((id >> 5) & 0x1F); }
  static int64_t time_ms_of(int64_t id) { return (id >> 23) + kEpochMs; }
  // The smallest id of millisecond `unix_ms` (0 before the epoch): every id
  // made earlier is below it.
  static int64_t first_id_at(int64_t unix_ms) {
    return unix_ms > kEpochMs ? (unix_ms - kEpochMs) << 23 : 0;
  }

 private:
  struct ShardState {
    int64_t last_ms = -1;
    uint32_t sequence = 0;
  };
  const Clock& clock_;
  uint32_t node_;
  uint32_t worker_;
  std::atomic<int64_t>* floor_;
  std::mutex mu_;
  std::array<ShardState, kMaxShard + 1> shards_{};
};

}  // namespace bazaar::host
