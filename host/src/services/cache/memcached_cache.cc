#include "services/cache/memcached_cache.h"

#include <libmemcached/memcached.h>
#include <libmemcachedutil-1.0/pool.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <ctime>

namespace bazaar::host {
namespace {

// memcached reads an expiry above 30 days as an absolute Unix time.
constexpr uint32_t kMaxRelativeTtl = 30 * 24 * 3600;

time_t expiry(uint32_t ttl_s) { return static_cast<time_t>(std::min(ttl_s, kMaxRelativeTtl)); }

}  // namespace

struct MemcachedCache::Counters {
  explicit Counters(const SharedMetrics* m) {
    if (m == nullptr) return;
    auto c = [m](const char* op, const char* result) {
      return m->counter("bazaar_cache_requests_total", SharedMetrics::label("op", op) + "," +
                                                           SharedMetrics::label("result", result));
    };
    get_hit = c("get", "hit");
    get_miss = c("get", "miss");
    get_error = c("get", "error");
    set_ok = c("set", "ok");
    set_error = c("set", "error");
    add_ok = c("add", "ok");
    add_exists = c("add", "exists");
    add_error = c("add", "error");
    del_ok = c("delete", "ok");
    del_error = c("delete", "error");
    incr_ok = c("incr", "ok");
    incr_error = c("incr", "error");
  }
  SharedMetrics::Counter get_hit, get_miss, get_error, set_ok, set_error, add_ok, add_exists,
      add_error, del_ok, del_error, incr_ok, incr_error;
};

struct MemcachedCache::Gate {
  std::string name;  // "host:port" as libmemcached reports it
  std::atomic<int64_t> closed_until_ms{0};  // steady clock
};

namespace {
int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}
}  // namespace

MemcachedCache::Gate* MemcachedCache::gate_for(memcached_st* memc, std::string_view key) {
  if (gates_.size() == 1) return gates_.front().get();
  memcached_return_t rc = MEMCACHED_SUCCESS;
  const memcached_instance_st* server = memcached_server_by_key(memc, key.data(), key.size(), &rc);
  if (server == nullptr) return nullptr;
  std::string name =
      std::string(memcached_server_name(server)) + ":" + std::to_string(memcached_server_port(server));
  for (auto& g : gates_) {
    if (g->name == name) return g.get();
  }
  return nullptr;
}

bool MemcachedCache::closed(const Gate* gate) const {
  return gate != nullptr && steady_ms() < gate->closed_until_ms.load(std::memory_order_relaxed);
}

void MemcachedCache::record(Gate* gate, int rc) {
  if (gate == nullptr || rc != MEMCACHED_TIMEOUT) return;
  gate->closed_until_ms.store(steady_ms() + 1000 * int64_t{options_.retry_timeout_s},
                              std::memory_order_relaxed);
}

// A handle borrowed from the pool for one call; null when none came free in time.
class MemcachedCache::Handle {
 public:
  explicit Handle(MemcachedCache& cache) : cache_(cache) {
    if (!cache_.free_.try_acquire_for(std::chrono::milliseconds(cache_.options_.pool_wait_ms))) {
      return;
    }
    memcached_return_t rc = MEMCACHED_SUCCESS;
    // Never waits: the semaphore guarantees a handle is free or can be cloned.
    memc_ = memcached_pool_fetch(cache_.pool_, nullptr, &rc);
    if (memc_ == nullptr) cache_.free_.release();
  }
  ~Handle() {
    if (memc_ == nullptr) return;
    memcached_pool_release(cache_.pool_, memc_);
    cache_.free_.release();
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  memcached_st* get() const { return memc_; }

 private:
  MemcachedCache& cache_;
  memcached_st* memc_ = nullptr;
};

Result<std::unique_ptr<MemcachedCache>> MemcachedCache::create(const MemcachedOptions& options,
                                                               const SharedMetrics* metrics) {
  if (options.pool_size == 0) return invalid_argument("BAD_CACHE", "cache pool size must be >= 1");
  memcached_server_st* servers = memcached_servers_parse(options.servers.c_str());
  if (servers == nullptr) {
    return invalid_argument("BAD_CACHE", "cannot parse memcached servers '" + options.servers + "'");
  }
  memcached_st* master = memcached_create(nullptr);
  memcached_return_t pushed = memcached_server_push(master, servers);
  memcached_server_list_free(servers);
  if (master == nullptr || pushed != MEMCACHED_SUCCESS) {
    if (master != nullptr) memcached_free(master);
    return invalid_argument("BAD_CACHE", "cannot use memcached servers '" + options.servers + "'");
  }
  const auto timeout_ms = static_cast<uint64_t>(options.timeout_ms);
  const std::pair<memcached_behavior_t, uint64_t> behaviors[] = {
      {MEMCACHED_BEHAVIOR_BINARY_PROTOCOL, 1},
      // Ketama with MD5 (libketama compatible): adding or losing a server
      // moves only that server's share of the keys.
      {MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED, 1},
      {MEMCACHED_BEHAVIOR_TCP_NODELAY, 1},
      {MEMCACHED_BEHAVIOR_CONNECT_TIMEOUT, timeout_ms},          // milliseconds
      {MEMCACHED_BEHAVIOR_POLL_TIMEOUT, timeout_ms},             // milliseconds
      {MEMCACHED_BEHAVIOR_SND_TIMEOUT, timeout_ms * 1000},       // microseconds
      {MEMCACHED_BEHAVIOR_RCV_TIMEOUT, timeout_ms * 1000},       // microseconds
      {MEMCACHED_BEHAVIOR_SERVER_FAILURE_LIMIT, options.server_failure_limit},
      {MEMCACHED_BEHAVIOR_RETRY_TIMEOUT, options.retry_timeout_s},  // seconds
      {MEMCACHED_BEHAVIOR_DEAD_TIMEOUT, options.dead_timeout_s},    // seconds
      {MEMCACHED_BEHAVIOR_REMOVE_FAILED_SERVERS, 1},
  };
  for (const auto& [flag, value] : behaviors) {
    memcached_return_t rc = memcached_behavior_set(master, flag, value);
    if (rc != MEMCACHED_SUCCESS) {
      std::string why = memcached_strerror(master, rc);
      memcached_free(master);
      return invalid_argument("BAD_CACHE", "memcached behaviour " + std::to_string(flag) + ": " + why);
    }
  }
  // Handles are cloned from `master` on first use, up to pool_size.
  memcached_pool_st* pool = memcached_pool_create(master, 1, options.pool_size);
  if (pool == nullptr) {
    memcached_free(master);
    return internal_error("cannot create the memcached pool");
  }
  std::unique_ptr<MemcachedCache> cache(new MemcachedCache(options, master, pool, metrics));
  for (uint32_t i = 0; i < memcached_server_count(master); ++i) {
    const memcached_instance_st* server = memcached_server_instance_by_position(master, i);
    auto gate = std::make_unique<Gate>();
    gate->name = std::string(memcached_server_name(server)) + ":" +
                 std::to_string(memcached_server_port(server));
    cache->gates_.push_back(std::move(gate));
  }
  return cache;
}

MemcachedCache::MemcachedCache(const MemcachedOptions& options, memcached_st* master,
                               memcached_pool_st* pool, const SharedMetrics* metrics)
    : options_(options),
      master_(master),
      pool_(pool),
      free_(static_cast<std::ptrdiff_t>(options.pool_size)),
      counters_(std::make_unique<Counters>(metrics)) {}

MemcachedCache::~MemcachedCache() {
  memcached_pool_destroy(pool_);  // frees the clones, hands back master
  memcached_free(master_);
}

std::optional<std::string> MemcachedCache::get(std::string_view key) {
  Handle h(*this);
  Gate* gate = h.get() != nullptr && valid_cache_key(key) ? gate_for(h.get(), key) : nullptr;
  if (h.get() == nullptr || !valid_cache_key(key) || closed(gate)) {
    counters_->get_error.add();
    return std::nullopt;
  }
  size_t length = 0;
  uint32_t flags = 0;
  memcached_return_t rc = MEMCACHED_SUCCESS;
  char* value = memcached_get(h.get(), key.data(), key.size(), &length, &flags, &rc);
  record(gate, rc);
  if (rc == MEMCACHED_SUCCESS) {
    std::string out = value == nullptr ? std::string() : std::string(value, length);
    free(value);  // NOLINT: allocated by libmemcached with malloc
    counters_->get_hit.add();
    return out;
  }
  free(value);  // NOLINT
  (rc == MEMCACHED_NOTFOUND ? counters_->get_miss : counters_->get_error).add();
  return std::nullopt;
}

CacheResult MemcachedCache::set(std::string_view key, std::string_view value, uint32_t ttl_s) {
  Handle h(*this);
  Gate* gate = h.get() != nullptr && valid_cache_key(key) ? gate_for(h.get(), key) : nullptr;
  if (h.get() == nullptr || !valid_cache_key(key) || closed(gate)) {
    counters_->set_error.add();
    return CacheResult::kError;
  }
  memcached_return_t rc =
      memcached_set(h.get(), key.data(), key.size(), value.data(), value.size(), expiry(ttl_s), 0);
  record(gate, rc);
  if (rc == MEMCACHED_SUCCESS) {
    counters_->set_ok.add();
    return CacheResult::kOk;
  }
  counters_->set_error.add();
  return CacheResult::kError;
}

CacheResult MemcachedCache::add(std::string_view key, std::string_view value, uint32_t ttl_s) {
  Handle h(*this);
  Gate* gate = h.get() != nullptr && valid_cache_key(key) ? gate_for(h.get(), key) : nullptr;
  if (h.get() == nullptr || !valid_cache_key(key) || closed(gate)) {
    counters_->add_error.add();
    return CacheResult::kError;
  }
  memcached_return_t rc =
      memcached_add(h.get(), key.data(), key.size(), value.data(), value.size(), expiry(ttl_s), 0);
  record(gate, rc);
  if (rc == MEMCACHED_SUCCESS) {
    counters_->add_ok.add();
    return CacheResult::kOk;
  }
  // The text protocol answers NOT_STORED, the binary one "key exists".
  if (rc == MEMCACHED_NOTSTORED || rc == MEMCACHED_DATA_EXISTS) {
    counters_->add_exists.add();
    return CacheResult::kExists;
  }
  counters_->add_error.add();
  return CacheResult::kError;
}

CacheResult MemcachedCache::del(std::string_view key) {
  Handle h(*this);
  Gate* gate = h.get() != nullptr && valid_cache_key(key) ? gate_for(h.get(), key) : nullptr;
  if (h.get() == nullptr || !valid_cache_key(key) || closed(gate)) {
    counters_->del_error.add();
    return CacheResult::kError;
  }
  memcached_return_t rc = memcached_delete(h.get(), key.data(), key.size(), 0);
  record(gate, rc);
  if (rc == MEMCACHED_SUCCESS || rc == MEMCACHED_NOTFOUND) {
    counters_->del_ok.add();
    return CacheResult::kOk;
  }
  counters_->del_error.add();
  return CacheResult::kError;
}

std::optional<uint64_t> MemcachedCache::incr(std::string_view key, uint64_t delta, uint32_t ttl_s) {
  Handle h(*this);
  Gate* gate = h.get() != nullptr && valid_cache_key(key) ? gate_for(h.get(), key) : nullptr;
  if (h.get() == nullptr || !valid_cache_key(key) || closed(gate)) {
    counters_->incr_error.add();
    return std::nullopt;
  }
  uint64_t value = 0;
  // Binary protocol only: creates the counter at `delta` when missing.
  memcached_return_t rc = memcached_increment_with_initial(h.get(), key.data(), key.size(), delta,
                                                           delta, expiry(ttl_s), &value);
  record(gate, rc);
  if (rc == MEMCACHED_SUCCESS) {
    counters_->incr_ok.add();
    return value;
  }
  counters_->incr_error.add();
  return std::nullopt;
}

}  // namespace bazaar::host
