// The host clock. Everything that expires (tokens, deadlines, timers) reads
// time through a Clock so tests can move it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace bazaar::host {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual int64_t now_ms() const = 0;  // UTC milliseconds
};

class SystemClock final : public Clock {
 public:
  int64_t now_ms() const override {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
  }
};

// System time plus an offset shared by every process of the node. The master
// changes the offset only when the configuration enables test_clock, so
// integration tests can jump a whole node hours ahead.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(const std::atomic<int64_t>* offset_ms) : offset_ms_(offset_ms) {}
  int64_t now_ms() const override {
    return system_.now_ms() + offset_ms_->load(std::memory_order_relaxed);
  }

 private:
  SystemClock system_;
  const std::atomic<int64_t>* offset_ms_;
};

// Milliseconds on the steady clock: for deadlines and back-offs, which a step
// of the wall clock must not move. Not a time of day.
inline int64_t monotonic_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// A clock that only moves when told to (unit tests).
class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t start_ms) : now_(start_ms) {}
  int64_t now_ms() const override { return now_.load(); }
  void advance(int64_t ms) { now_ += ms; }
  void set(int64_t ms) { now_ = ms; }

 private:
  std::atomic<int64_t> now_;
};

}  // namespace bazaar::host
