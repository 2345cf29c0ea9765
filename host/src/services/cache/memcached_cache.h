// Cache over libmemcached: a pool of handles cloned from one configured
// handle, ketama (consistent) distribution, binary protocol, short time-outs.
//
// Failure handling (libmemcached defaults are 4 s connect / 5 s I/O: unusable
// on a request path, so every time-out is set here):
// - connect, poll, send and receive time-outs are `timeout_ms`;
// - a server that fails is put "in time-out" for `retry_timeout_s`: calls for
//   its keys fail at once instead of waiting again; after
//   `server_failure_limit` failures it is removed from the ketama ring for
//   `dead_timeout_s` (its keys move to the other servers), then retried.
// Failure counts live in each pooled handle, so a dead server costs at most
// one time-out per handle before it is skipped.
// libmemcached only counts failures to connect: a server that accepts but
// does not answer (hung, stopped, overloaded) would cost a full time-out on
// every call. So a time-out also closes a gate for that server, shared by all
// handles, for `retry_timeout_s`: its calls fail at once, then one is let
// through to try again.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <semaphore>
#include <string>
#include <string_view>
#include <vector>

#include <bazaar/result.hpp>

#include "common/shared_metrics.h"
#include "services/cache/cache.h"

struct memcached_st;
struct memcached_pool_st;

namespace bazaar::host {

struct MemcachedOptions {
  std::string servers;        // "host:port,host:port"
  int64_t timeout_ms = 50;    // connect, poll, send and receive
  uint32_t pool_size = 16;    // handles; a request thread holds one per call
  int64_t pool_wait_ms = 10;  // longest wait for a free handle before giving up (an error)
  uint32_t server_failure_limit = 2;
  uint32_t retry_timeout_s = 2;  // libmemcached counts in whole seconds
  uint32_t dead_timeout_s = 10;
};

class MemcachedCache final : public Cache {
 public:
  // Fails (INVALID_ARGUMENT) on a malformed server list; never connects here.
  // `metrics` may be null; otherwise it must outlive the cache.
  static Result<std::unique_ptr<MemcachedCache>> create(const MemcachedOptions& options,
                                                        const SharedMetrics* metrics);
  ~MemcachedCache() override;
  MemcachedCache(const MemcachedCache&) = delete;
  MemcachedCache& operator=(const MemcachedCache&) = delete;

  std::optional<std::string> get(std::string_view key) override;
  CacheResult set(std::string_view key, std::string_view value, uint32_t ttl_s) override;
  CacheResult add(std::string_view key, std::string_view value, uint32_t ttl_s) override;
  CacheResult del(std::string_view key) override;
  std::optional<uint64_t> incr(std::string_view key, uint64_t delta, uint32_t ttl_s) override;

 private:
  class Handle;
  struct Counters;
  struct Gate;
  // The gate of the server `key` maps to (null if unknown). Fast: no I/O.
  Gate* gate_for(memcached_st* memc, std::string_view key);
  bool closed(const Gate* gate) const;
  void record(Gate* gate, int rc);
  MemcachedCache(const MemcachedOptions& options, memcached_st* master, memcached_pool_st* pool,
                 const SharedMetrics* metrics);

  MemcachedOptions options_;
  memcached_st* master_;
  memcached_pool_st* pool_;
  // Free handles. libmemcached's own timed pool wait computes its deadline
  // from whole seconds (a 10 ms wait returns at once or waits up to 1 s), so
  // the waiting is done here and the pool is only ever asked without waiting.
  std::counting_semaphore<> free_;
  std::unique_ptr<Counters> counters_;
  std::vector<std::unique_ptr<Gate>> gates_;  // one per configured server, fixed after create
};

}  // namespace bazaar::host
