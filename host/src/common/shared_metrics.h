// Node-wide metrics and status in one shared memory segment.
//
// The master creates the segment (a memfd) before starting any worker and
// hands its descriptor to each; every process maps the same table, so the
// /metrics page served by any worker shows the whole node, and a respawned
// worker keeps adding to the same counters (totals never go backwards).
// Entries are never removed. Every method is safe from any thread of any
// process; updates are single relaxed atomic adds.
#pragma once

#include <bazaar/result.hpp>

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace bazaar::host {

// Status the master publishes for workers to read (for /readyz and the clock).
struct NodeState {
  std::atomic<int64_t> clock_offset_ms;
  std::atomic<uint64_t> active_generation;
  std::atomic<uint32_t> accepting;      // 0 once the node is stopping
  std::atomic<uint32_t> ready_workers;  // request workers of the active generation
  std::atomic<uint32_t> expected_workers;
  // Last id millisecond each worker id used (IdGenerator floors), kept here so
  // a respawned worker never repeats its predecessor's ids.
  std::atomic<int64_t> id_floor_ms[32];
  // The near caches' change stamps (cache/near_cache.h): a node-wide sequence
  // and, per hash slot of a cache key, the sequence of its last change.
  std::atomic<uint64_t> cache_sequence;
  std::atomic<uint64_t> cache_stamps[16384];
};

class SharedMetrics {
 public:
  // Histogram bucket upper bounds, in microseconds (+Inf is implicit).
  // From 50 µs: a trivial route takes a few µs in the host, and the
  // histogram must be able to say so (wrk's p99 includes queueing).
  static constexpr uint64_t kBucketsUs[] = {50,      100,     250,     500,    1000,
                                            2500,    5000,    10000,   25000,  50000,
                                            100000,  250000,  500000,  1000000, 2500000,
                                            5000000, 10000000};
  static constexpr size_t kBucketCount = sizeof(kBucketsUs) / sizeof(kBucketsUs[0]) + 1;

  class Counter {
   public:
    void add(uint64_t delta = 1) const {
      if (v_ != nullptr) v_->fetch_add(delta, std::memory_order_relaxed);
    }
    uint64_t value() const { return v_ == nullptr ? 0 : v_->load(std::memory_order_relaxed); }

   private:
    friend class SharedMetrics;
    std::atomic<uint64_t>* v_ = nullptr;
  };

  class Gauge {
   public:
    void set(int64_t value) const {
      if (v_ != nullptr) v_->store(static_cast<uint64_t>(value), std::memory_order_relaxed);
    }
    int64_t value() const {
      return v_ == nullptr ? 0 : static_cast<int64_t>(v_->load(std::memory_order_relaxed));
    }

   private:
    friend class SharedMetrics;
    std::atomic<uint64_t>* v_ = nullptr;
  };

  class Histogram {
   public:
    void observe_us(uint64_t micros) const;

   private:
    friend class SharedMetrics;
    std::atomic<uint64_t>* v_ = nullptr;  // buckets..., count, sum_us
  };

  // Creates a new segment with room for `capacity` series (rounded to a power of 2).
  static Result<SharedMetrics> create(size_t capacity);
  // Maps a segment created by another process of the node. Takes ownership of
  // `fd`: it is closed with the SharedMetrics, or at once if attaching fails.
  static Result<SharedMetrics> attach(int fd);

  SharedMetrics(SharedMetrics&& other) noexcept;
  SharedMetrics& operator=(SharedMetrics&& other) noexcept;
  SharedMetrics(const SharedMetrics&) = delete;
  SharedMetrics& operator=(const SharedMetrics&) = delete;
  ~SharedMetrics();

  int fd() const { return fd_; }
  NodeState& node() const;

  // `labels` is "" or Prometheus label pairs: key="value",key2="value2"
  // (build values with label()). When the table is full the handle is inert and
  // bazaar_metrics_dropped_total counts the loss.
  Counter counter(std::string_view name, std::string_view labels = "") const;
  Gauge gauge(std::string_view name, std::string_view labels = "") const;
  Histogram histogram(std::string_view name, std::string_view labels = "") const;

  // The whole table in Prometheus text exposition format, sorted by series.
  std::string render() const;

  // key="value" with the value escaped for the exposition format.
  static std::string label(std::string_view key, std::string_view value);

  // Adds to an unlabelled counter of the segment this process attached last
  // (a worker attaches exactly one), for code that is handed no SharedMetrics:
  // the storage layer's per-file WAL sync coordinators count
  // bazaar_storage_wal_syncs_total and bazaar_storage_durable_commits_total
  // here. A no-op while no attached segment is alive (the master, unit tests).
  // Delta 0 creates the series, so it shows as 0 before the first event.
  static void count_in_attached(std::string_view name, uint64_t delta = 1);

 private:
  struct Header;
  struct Slot;
  SharedMetrics(int fd, void* base, size_t bytes);
  std::atomic<uint64_t>* find_or_insert(uint32_t kind, std::string_view name,
                                        std::string_view labels) const;
  Header* header() const;
  Slot* slots() const;

  int fd_ = -1;
  void* base_ = nullptr;
  size_t bytes_ = 0;
};

}  // namespace bazaar::host
