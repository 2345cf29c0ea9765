// Header-only C++ SDK over the C plugin ABI (plugin.h).
//
// A plugin is an ordinary class constructed from a Host, with handlers of the
// form `Result<Reply> handler(const Request&)`. Routes are declared in one
// constexpr table and the BAZAAR_PLUGIN macro exports the entry symbol:
//
//   class Hello {
//    public:
//     explicit Hello(bazaar::sdk::Host host) : host_(host) {}
//     bazaar::Result<bazaar::sdk::Reply> greet(const bazaar::sdk::Request& req) {
//       return bazaar::sdk::Reply::json({{"hello", req.param("name")}});
//     }
//    private:
//     bazaar::sdk::Host host_;
//   };
//   constexpr bz_route kRoutes[] = {
//       bazaar::sdk::route<&Hello::greet>("GET", "/api/v1/hello/{name}", BZ_ROLE_PUBLIC)};
//   BAZAAR_PLUGIN(Hello, "hello", "1.0.0", kRoutes)
//
// Exceptions never cross the C boundary: a constructor that throws makes init
// fail with the exception's text; a handler that throws answers 500 INTERNAL.
#pragma once

#include <bazaar/plugin.h>
#include <bazaar/result.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <stdexcept>
#include <iterator>
#include <new>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace bazaar::sdk {

using Json = nlohmann::json;

inline std::string_view view(bz_str s) { return {s.data, s.len}; }
inline bz_str to_bz(std::string_view s) { return {s.data(), s.size()}; }

// The current row of a statement (columns 0-based). Text is valid until the
// statement steps again.
class Row {
 public:
  Row(const bz_host_api* api, bz_stmt* stmt) : api_(api), stmt_(stmt) {}
  int64_t int64(int column) const { return api_->stmt_column_int64(stmt_, column); }
  std::string_view text(int column) const { return view(api_->stmt_column_text(stmt_, column)); }
  std::string string(int column) const { return std::string(text(column)); }
  bool is_null(int column) const { return api_->stmt_column_is_null(stmt_, column) != 0; }
  // NULL as nullopt.
  std::optional<int64_t> optional_int64(int column) const {
    if (is_null(column)) return std::nullopt;
    return int64(column);
  }

 private:
  const bz_host_api* api_;
  bz_stmt* stmt_;
};

// A prepared statement inside a Txn (ABI 1.1). Parameters are 1-based,
// columns 0-based; text columns are valid until the next step().
class Stmt {
 public:
  Stmt(const bz_host_api* api, bz_stmt* stmt) : api_(api), stmt_(stmt) {}

  // A bind that fails (an index the SQL does not have, or a statement stepped
  // and not finished: prepare it again instead) is reported by the next step().
  Stmt& bind(int index, int64_t value) {
    return checked(api_->stmt_bind_int64(stmt_, index, value), index);
  }
  Stmt& bind(int index, std::string_view value) {
    return checked(api_->stmt_bind_text(stmt_, index, to_bz(value)), index);
  }
  Stmt& bind_null(int index) { return checked(api_->stmt_bind_null(stmt_, index), index); }
  // Binds every argument in order, from parameter 1.
  template <class... Args>
  Stmt& bind_all(const Args&... args) {
    int index = 0;
    (bind_one(++index, args), ...);
    return *this;
  }

  // true: a row is ready; false: done. Constraint violations are CONFLICT.
  Result<bool> step() {
    if (bind_error_) return *bind_error_;
    char err[256] = {0};
    int rc = api_->stmt_step(stmt_, err, sizeof(err));
    if (rc >= 0) return rc == 1;
    return Error(static_cast<bz_status>(-rc), rc == -BZ_CONFLICT ? "CONSTRAINT" : "DATABASE_ERROR",
                 err);
  }
  // Runs a statement that returns no rows.
  Status run() {
    auto r = step();
    if (!r.ok()) return r.error();
    return ok_status();
  }

  int64_t int64(int column) const { return api_->stmt_column_int64(stmt_, column); }
  std::string_view text(int column) const { return view(api_->stmt_column_text(stmt_, column)); }
  bool is_null(int column) const { return api_->stmt_column_is_null(stmt_, column) != 0; }
  Row row() const { return Row(api_, stmt_); }

  // Reading rows without writing a step() loop. Each runs the statement from
  // where it is and stops at the first error.
  //
  // fn(const Row&) for every row; fn returns void or Status (an error stops).
  template <class Fn>
  Status for_each(Fn&& fn) {
    while (true) {
      auto more = step();
      if (!more.ok()) return more.error();
      if (!*more) return ok_status();
      if constexpr (std::is_void_v<std::invoke_result_t<Fn&, const Row&>>) {
        fn(row());
      } else {
        Status s = fn(row());
        if (!s.ok()) return s;
      }
    }
  }
  // Every row as map(const Row&).
  template <class Map>
  Result<std::vector<std::invoke_result_t<Map&, const Row&>>> collect(Map&& map) {
    std::vector<std::invoke_result_t<Map&, const Row&>> out;
    Status s = for_each([&](const Row& r) { out.push_back(map(r)); });
    if (!s.ok()) return s.error();
    return out;
  }
  // The first row as map(const Row&), or nullopt when there is none. Further
  // rows are left unread (the host resets the statement when the transaction
  // ends or the same SQL is prepared again).
  template <class Map>
  Result<std::optional<std::invoke_result_t<Map&, const Row&>>> first(Map&& map) {
    using T = std::invoke_result_t<Map&, const Row&>;
    auto found = step();
    if (!found.ok()) return found.error();
    if (!*found) return std::optional<T>();
    return std::optional<T>(map(row()));
  }

 private:
  Stmt& checked(bz_status st, int index) {
    if (st != BZ_OK && !bind_error_) {
      bind_error_ = Error(BZ_INTERNAL, "BIND_FAILED",
                          "cannot bind parameter " + std::to_string(index) +
                              ": no such parameter, or the statement was stepped and not finished");
    }
    return *this;
  }
  void bind_one(int index, int64_t v) { bind(index, v); }
  void bind_one(int index, int v) { bind(index, int64_t{v}); }
  void bind_one(int index, std::string_view v) { bind(index, v); }
  void bind_one(int index, const std::string& v) { bind(index, std::string_view(v)); }
  void bind_one(int index, const char* v) { bind(index, std::string_view(v)); }
  void bind_one(int index, std::nullptr_t) { bind_null(index); }
  template <class T>
  void bind_one(int index, const std::optional<T>& v) {  // nullopt binds NULL
    if (v) {
      bind_one(index, *v);
    } else {
      bind_null(index);
    }
  }

  const bz_host_api* api_;
  bz_stmt* stmt_;
  std::optional<Error> bind_error_;
};

// A transaction on one shard (or BZ_SHARD_META), rolled back unless committed.
// Use on the thread that began it; never keep one across requests.
class Txn {
 public:
  Txn(Txn&& other) noexcept : api_(other.api_), txn_(other.txn_), owned_(other.owned_) {
    other.txn_ = nullptr;
  }
  Txn& operator=(Txn&&) = delete;
  Txn(const Txn&) = delete;
  ~Txn() {
    if (txn_ != nullptr && owned_) api_->txn_rollback(txn_);
  }

  // A service joining its caller's transaction works through a borrowed Txn:
  // same statements, but the caller alone commits or rolls back.
  static Txn borrow(const bz_host_api* api, bz_txn* txn) { return Txn(api, txn, false); }
  bool owned() const { return owned_; }

  Result<Stmt> prepare(std::string_view sql) {
    bz_stmt* stmt = nullptr;
    char err[256] = {0};
    bz_status st = api_->stmt_prepare(txn_, to_bz(sql), &stmt, err, sizeof(err));
    if (st != BZ_OK) return Error(st, "DATABASE_ERROR", err);
    return Stmt(api_, stmt);
  }
  // prepare + bind_all: a statement ready to read with first(), collect() or
  // for_each().
  template <class... Args>
  Result<Stmt> query(std::string_view sql, const Args&... args) {
    auto stmt = prepare(sql);
    if (!stmt.ok()) return stmt.error();
    stmt->bind_all(args...);
    return stmt;
  }
  // prepare + bind_all + run; returns the number of rows changed.
  template <class... Args>
  Result<int64_t> exec(std::string_view sql, const Args&... args) {
    auto stmt = prepare(sql);
    if (!stmt.ok()) return stmt.error();
    Status ran = stmt->bind_all(args...).run();
    if (!ran.ok()) return ran.error();
    return api_->txn_changes(txn_);
  }
  // Deletes cache `key` once this transaction commits (never before: a reader
  // could refill the old value). Nothing happens on rollback. A key the cache
  // refuses (spaces, too long) is never cached either, so ignoring it is safe.
  void delete_after_commit(std::string_view key) {
    api_->cache_delete_after_commit(txn_, to_bz(key));
  }
  // Durable timers (ABI 1.2): schedules (or moves) this plugin's timer (kind,
  // key) in this transaction's database; it exists if and only if the
  // transaction commits. `kind` must be one the plugin declares with timer<>();
  // key: 1 to 200 printable ASCII bytes; payload: at most 64 KiB.
  Status schedule_timer(std::string_view kind, std::string_view key, int64_t due_ms,
                        std::string_view payload = {}) {
    if (!has_timers()) return Error(BZ_UNAVAILABLE, "TIMERS_UNAVAILABLE", "host has no timers");
    char err[256] = {0};
    bz_status st = api_->timer_schedule(txn_, to_bz(kind), to_bz(key), due_ms, to_bz(payload), err,
                                        sizeof(err));
    if (st != BZ_OK) return Error(st, st == BZ_INVALID_ARGUMENT ? "BAD_TIMER" : "DATABASE_ERROR", err);
    return ok_status();
  }
  // Removes a pending timer in this transaction; true if there was one.
  Result<bool> cancel_timer(std::string_view kind, std::string_view key) {
    if (!has_timers()) return Error(BZ_UNAVAILABLE, "TIMERS_UNAVAILABLE", "host has no timers");
    int rc = api_->timer_cancel(txn_, to_bz(kind), to_bz(key));
    if (rc >= 0) return rc == 1;
    auto st = static_cast<bz_status>(-rc);
    return Error(st, st == BZ_INVALID_ARGUMENT ? "BAD_TIMER" : "DATABASE_ERROR",
                 "cannot cancel timer");
  }

  // Writes an event to this transaction's outbox: published if and only if the
  // transaction commits. Topics end with '.', e.g. "order.paid.".
  Status publish(std::string_view topic, const Json& payload) {
    std::string text = payload.dump();
    char err[256] = {0};
    bz_status st = api_->event_publish(txn_, to_bz(topic), to_bz(text), err, sizeof(err));
    if (st != BZ_OK) return Error(st, "BAD_EVENT", err);
    return ok_status();
  }

  uint32_t shard() const { return api_->txn_shard(txn_); }
  bz_txn* raw() const { return txn_; }

  Status commit() {
    if (!owned_) {
      return Error(BZ_INTERNAL, "BORROWED_TXN", "a joined transaction is committed by its owner");
    }
    char err[256] = {0};
    bz_status st = api_->txn_commit(txn_, err, sizeof(err));
    txn_ = nullptr;
    if (st != BZ_OK) return Error(st, "DATABASE_ERROR", err);
    return ok_status();
  }

 private:
  friend class Host;
  friend class EventContext;
  Txn(const bz_host_api* api, bz_txn* txn, bool owned = true) : api_(api), txn_(txn), owned_(owned) {}
  bool has_timers() const {
    return api_->struct_size >= offsetof(bz_host_api, timer_cancel) + sizeof(void*);
  }
  const bz_host_api* api_;
  bz_txn* txn_;
  bool owned_;
};

// ---- cache-aside helpers (the same rules and value format as the host's
// cache/cache_helpers.h, so host and plugins can share keys) ----

// How Host::get_or_load caches. TTLs get ±10% jitter.
struct CacheOptions {
  uint32_t ttl_s = 300;          // a found value
  uint32_t negative_ttl_s = 10;  // "not found" (a tombstone), kept short
  uint32_t lease_ttl_s = 2;      // a crashed loader's lease frees itself after this
  int64_t max_wait_ms = 100;     // a lease loser waits this long (capped by the deadline)
  // > 0: the first look is cache_get_near with this max age (a hot key is
  // answered from the worker's memory; see cache_get_near).
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

// ttl_s spread by up to ±10%, chosen by `random`; 0 stays 0, never below 1.
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

// An event delivered to a subscription (ABI 1.2).
struct Event {
  std::string_view topic;
  std::string_view payload;  // JSON text
  int64_t id = 0;            // the idempotency key (the host records it in the inbox)
  uint32_t origin_shard = 0;
  uint64_t sequence = 0;     // per origin database
  int64_t created_ms = 0;

  template <class T>
  Result<T> json_as() const {
    Json doc = Json::parse(payload, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return invalid_argument("INVALID_JSON", "event payload is not JSON");
    try {
      return doc.get<T>();
    } catch (const std::exception& e) {
      return invalid_argument("INVALID_EVENT", e.what());
    }
  }
};

// One delivery of one event to one subscription.
class EventContext {
 public:
  EventContext(const bz_host_api* api, bz_event_ctx* ctx) : api_(api), ctx_(ctx) {}

  // Begins the effect's write transaction on `shard` together with this event's
  // inbox row. An empty optional means an earlier delivery already committed
  // the effect: do nothing and return ok.
  Result<std::optional<Txn>> begin(uint32_t shard) {
    bz_txn* txn = nullptr;
    int already = 0;
    char err[256] = {0};
    bz_status st = api_->event_txn_begin(ctx_, shard, &txn, &already, err, sizeof(err));
    if (st != BZ_OK) return Error(st, "DATABASE_ERROR", err);
    if (already != 0) return std::optional<Txn>();
    return std::optional<Txn>(Txn(api_, txn));
  }

 private:
  const bz_host_api* api_;
  bz_event_ctx* ctx_;
};

// The host services handed to a plugin at init. Cheap to copy; valid for the
// life of the process; every member may be called from any request thread.
class Host {
 public:
  Host(const bz_host_api* api, bz_host* host) : api_(api), host_(host) {}

  void log(bz_log_level level, std::string_view message) const {
    api_->log(host_, nullptr, level, to_bz(message));
  }
  int64_t now_ms() const { return api_->now_ms(host_); }
  std::optional<std::string_view> config(const char* key) const {
    bz_str out{};
    if (api_->config_get(host_, key, &out) == 0) return std::nullopt;
    return view(out);
  }
  // TEMPORARY stubs until the SDK's typed getters and has_service land.
  bool has_service(const char*) const { return true; }
  Result<std::string> config_string(const char* key, std::string_view fallback) const {
    auto v = config(key);
    return v ? std::string(*v) : std::string(fallback);
  }
  Result<int64_t> config_int(const char* key, int64_t fallback, int64_t min, int64_t max) const {
    auto v = config(key);
    if (!v) return fallback;
    int64_t n = std::stoll(std::string(*v));
    if (n < min || n > max) return invalid_argument("BAD_CONFIG", std::string("bad ") + key);
    return n;
  }
  void count(const char* name, const char* labels = "", uint64_t delta = 1) const {
    api_->metric_add(host_, name, labels, delta);
  }
  const bz_host_api* api() const { return api_; }
  bz_host* raw() const { return host_; }

  // ---- storage (ABI 1.1) ----
  uint32_t shard_count() const { return api_->shard_count(host_); }
  uint32_t shard_of(uint64_t key) const { return api_->shard_of(host_, key); }
  int64_t next_id(uint32_t shard) const { return api_->id_next(host_, shard); }
  static uint32_t shard_of_id(const bz_host_api* api, int64_t id) { return api->id_shard(id); }
  uint32_t shard_of_id(int64_t id) const { return api_->id_shard(id); }

  // ---- cache (ABI 1.2): keys are namespaced per plugin by the host, at most
  // 200 bytes, no spaces or control characters. Every call is a fast no-op
  // miss when no memcached is configured or it is down: never the source of truth.

  // The value, or nullopt on a miss or any cache failure.
  std::optional<std::string> cache_get(std::string_view key) const {
    return read_cache([&](char* buf, size_t cap) { return api_->cache_get(host_, to_bz(key), buf, cap); });
  }
  // ABI 1.3: cache_get answered from this worker's memory when it holds a copy
  // fetched at most max_age_ms ago that no set or delete of the key (by any
  // worker of the node) has superseded: no memcached round trip for hot keys.
  // For cache-aside values (not counters or leases). Plain cache_get on an
  // older host.
  std::optional<std::string> cache_get_near(std::string_view key, uint32_t max_age_ms) const {
    if (api_->struct_size < offsetof(bz_host_api, cache_get_near) + sizeof(void*)) return cache_get(key);
    return read_cache([&](char* buf, size_t cap) {
      return api_->cache_get_near(host_, to_bz(key), max_age_ms, buf, cap);
    });
  }
  // true when stored. ttl_s 0 = no expiry.
  bool cache_set(std::string_view key, std::string_view value, uint32_t ttl_s) const {
    return api_->cache_set(host_, to_bz(key), to_bz(value), ttl_s) == BZ_OK;
  }
  // true when stored; false when the key exists (or the cache failed).
  bool cache_add(std::string_view key, std::string_view value, uint32_t ttl_s) const {
    return api_->cache_add(host_, to_bz(key), to_bz(value), ttl_s) == BZ_OK;
  }
  enum class Added { kStored, kExists, kCacheFailed };
  // cache_add telling "someone holds the key" apart from "the cache could not
  // answer" (without a cache configured every add is kStored).
  Added cache_add_checked(std::string_view key, std::string_view value, uint32_t ttl_s) const {
    const bz_status s = api_->cache_add(host_, to_bz(key), to_bz(value), ttl_s);
    return s == BZ_OK ? Added::kStored : s == BZ_CONFLICT ? Added::kExists : Added::kCacheFailed;
  }
  void cache_delete(std::string_view key) const { api_->cache_delete(host_, to_bz(key)); }
  // The counter after adding delta (created at delta); nullopt when the cache cannot answer.
  std::optional<uint64_t> cache_incr(std::string_view key, uint64_t delta, uint32_t ttl_s) const {
    uint64_t value = 0;
    if (api_->cache_incr(host_, to_bz(key), delta, ttl_s, &value) != BZ_OK) return std::nullopt;
    return value;
  }

  // Cache-aside read of `key`: the cached answer, or `loader()` (which reads
  // the source of truth and returns Result<std::optional<std::string>>, nullopt
  // meaning "not found"). Found values are cached for options.ttl_s, "not
  // found" for options.negative_ttl_s, both jittered; loader errors are never
  // cached. On a miss one caller takes the lease `lease:<key>` (cache_add) and
  // loads; the others wait for its value up to options.max_wait_ms and `req`'s
  // deadline, then load themselves. Writers call Txn::delete_after_commit(key).
  template <class Loader>
  Result<std::optional<std::string>> get_or_load(std::string_view key, const CacheOptions& options,
                                                 const bz_request* req, Loader&& loader) const {
    auto first = options.near_max_age_ms > 0 ? cache_get_near(key, options.near_max_age_ms) : cache_get(key);
    if (first) {
      if (auto decoded = decode_cached(*first)) return *decoded;
    }
    const std::string lease = "lease:" + std::string(key);
    const bz_status won = api_->cache_add(host_, to_bz(lease), to_bz("1"), options.lease_ttl_s);
    if (won == BZ_CONFLICT) {
      int64_t budget = options.max_wait_ms;
      if (req != nullptr) budget = std::min(budget, req->deadline_ms - now_ms());
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(budget);
      auto pause = std::chrono::milliseconds(1);
      while (true) {
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline) break;
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(pause, deadline - now));
        pause = std::min(pause * 2, std::chrono::milliseconds(16));
        if (auto stored = cache_get(key)) {
          if (auto decoded = decode_cached(*stored)) return *decoded;
        }
      }
      return loader();  // the lease holder (or the next caller) fills the cache
    }
    if (won != BZ_OK) return loader();  // cache down: every further call could cost a time-out
    // Gives the lease back however this scope ends (a throwing loader included).
    struct LeaseGuard {
      const Host* host;
      const std::string& key;
      ~LeaseGuard() { host->cache_delete(key); }
    } guard{this, lease};
    if (auto stored = cache_get(key)) {  // filled between our miss and our lease
      if (auto decoded = decode_cached(*stored)) return *decoded;
    }
    Result<std::optional<std::string>> loaded = loader();
    if (loaded.ok()) {
      const uint64_t random = cache_detail::mix(cache_detail::hash(key) ^
                                                static_cast<uint64_t>(now_ms()));
      const uint32_t ttl = jitter_ttl(loaded->has_value() ? options.ttl_s : options.negative_ttl_s,
                                      random);
      cache_set(key, encode_cached(*loaded), ttl);
    }
    return loaded;
  }

  // Broadcasts a best-effort signal to every worker (see plugin.h).
  Status signal(std::string_view topic, const Json& payload) const {
    std::string text = payload.dump();
    char err[256] = {0};
    bz_status st = api_->signal_publish(host_, to_bz(topic), to_bz(text), err, sizeof(err));
    if (st != BZ_OK) return Error(st, "BAD_SIGNAL", err);
    return ok_status();
  }

  // Calls another plugin's service by name ("coupons.lock"). Pass the open
  // transaction to let the callee join it (same database: one commit for
  // both); UNAVAILABLE "SERVICE_UNAVAILABLE" when no plugin offers `name`.
  Result<Json> call(const char* name, const Json& input, const Txn* txn = nullptr,
                    const bz_request* req = nullptr) const {
    std::string text = input.dump();
    bz_buf* out = api_->buf_new();
    char err[256] = {0};
    bz_status st = api_->service_call(host_, req, name, to_bz(text), txn != nullptr ? txn->raw() : nullptr,
                                      out, err, sizeof(err));
    std::string answer(view(api_->buf_view(out)));
    api_->buf_free(out);
    if (st != BZ_OK) {
      // A callee's own error envelope keeps its code; otherwise name the failure.
      Json doc = Json::parse(answer, nullptr, false);
      if (doc.is_object() && doc.contains("code") && doc["code"].is_string()) {
        return Error(st, doc["code"].get<std::string>(), doc.value("message", std::string(err)));
      }
      return Error(st, st == BZ_UNAVAILABLE ? "SERVICE_UNAVAILABLE" : "SERVICE_FAILED", err);
    }
    Json doc = Json::parse(answer, nullptr, false);
    if (doc.is_discarded()) return internal_error(std::string("service ") + name + " answered non-JSON");
    return doc;
  }

  // Begins a transaction; `req` bounds the wait for the write lock by the
  // request's deadline (nullptr outside a request).
  Result<Txn> begin(uint32_t shard, bz_txn_mode mode, const bz_request* req = nullptr) const {
    bz_txn* txn = nullptr;
    char err[256] = {0};
    bz_status st = api_->txn_begin(host_, req, shard, mode, &txn, err, sizeof(err));
    if (st != BZ_OK) {
      return Error(st, st == BZ_UNAVAILABLE ? "DATABASE_BUSY" : "DATABASE_ERROR", err);
    }
    return Txn(api_, txn);
  }

 private:
  // One cache read through `get(buf, cap)` (an ABI call answering the value's
  // length, -1 on a miss), growing the buffer when the value does not fit.
  template <class Get>
  static std::optional<std::string> read_cache(Get&& get) {
    char buf[16384];  // a first page of 20 orders fits: one call, not a retry
    int64_t n = get(buf, sizeof(buf));
    if (n < 0) return std::nullopt;
    if (static_cast<uint64_t>(n) <= sizeof(buf)) return std::string(buf, static_cast<size_t>(n));
    std::string out(static_cast<size_t>(n), '\0');
    for (int attempt = 0; attempt < 3; ++attempt) {  // the value may change between calls
      n = get(out.data(), out.size());
      if (n < 0) return std::nullopt;
      bool fits = static_cast<uint64_t>(n) <= out.size();
      out.resize(static_cast<size_t>(n));
      if (fits) return out;
    }
    return std::nullopt;
  }

  const bz_host_api* api_;
  bz_host* host_;
};

// Read-only view of the request during one handler call.
class Request {
 public:
  Request(const bz_request* raw, const bz_host_api* api, bz_host* host)
      : raw_(raw), api_(api), host_(host) {}

  std::string_view method() const { return view(raw_->method); }
  std::string_view path() const { return view(raw_->path); }
  std::string_view body() const { return view(raw_->body); }
  std::string_view request_id() const { return view(raw_->request_id); }
  const bz_identity& identity() const { return raw_->identity; }
  int64_t deadline_ms() const { return raw_->deadline_ms; }
  bool expired() const { return api_->now_ms(host_) >= raw_->deadline_ms; }

  // A path parameter declared in the route pattern; empty if absent.
  std::string_view param(std::string_view name) const {
    for (size_t i = 0; i < raw_->param_count; ++i) {
      if (view(raw_->param_names[i]) == name) return view(raw_->param_values[i]);
    }
    return {};
  }

  // A request header by its CGI name, e.g. "HTTP_IDEMPOTENCY_KEY".
  std::optional<std::string_view> header(const char* cgi_name) const {
    bz_str out{};
    if (api_->request_param(raw_, cgi_name, &out) == 0) return std::nullopt;
    return view(out);
  }

  // A query parameter, percent-decoded ('+' is a space). First occurrence wins.
  std::optional<std::string> query(std::string_view name) const {
    std::string_view q = view(raw_->query);
    while (!q.empty()) {
      size_t amp = q.find('&');
      std::string_view pair = q.substr(0, amp);
      q = amp == std::string_view::npos ? std::string_view{} : q.substr(amp + 1);
      size_t eq = pair.find('=');
      if (decode(pair.substr(0, eq)) != name) continue;
      return eq == std::string_view::npos ? std::string{} : decode(pair.substr(eq + 1));
    }
    return std::nullopt;
  }

  // The body parsed into T (which needs an nlohmann from_json). Malformed JSON is
  // INVALID_JSON, a body of the wrong shape is INVALID_BODY; both 400.
  template <class T>
  Result<T> json_as() const {
    Json doc = Json::parse(body(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) {
      return invalid_argument("INVALID_JSON", "request body is not valid JSON");
    }
    try {
      return doc.get<T>();
    } catch (const std::exception& e) {
      return invalid_argument("INVALID_BODY", strip_json_prefix(e.what()));
    }
  }

  const bz_request* raw() const { return raw_; }

 private:
  static std::string decode(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (size_t i = 0; i < s.size(); ++i) {
      if (s[i] == '+') {
        out.push_back(' ');
      } else if (s[i] == '%' && i + 2 < s.size() && hex(s[i + 1]) >= 0 && hex(s[i + 2]) >= 0) {
        out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
        i += 2;
      } else {
        out.push_back(s[i]);
      }
    }
    return out;
  }
  static int hex(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  }
  static std::string strip_json_prefix(std::string_view what) {
    // "[json.exception.type_error.302] type must be number" -> "type must be number"
    size_t close = what.find("] ");
    return std::string(close == std::string_view::npos ? what : what.substr(close + 2));
  }

  const bz_request* raw_;
  const bz_host_api* api_;
  bz_host* host_;
};

// A due durable timer as its handler sees it (valid during the handler call).
// Handlers run at least once, so they must be idempotent: check the state the
// timer acts on ("still unpaid?") inside the transaction that changes it.
class Timer {
 public:
  explicit Timer(const bz_timer* raw) : raw_(raw) {}
  std::string_view kind() const { return view(raw_->kind); }
  std::string_view key() const { return view(raw_->key); }
  std::string_view payload() const { return view(raw_->payload); }
  int64_t due_ms() const { return raw_->due_ms; }      // when this attempt was due (host clock)
  uint32_t attempt() const { return raw_->attempt; }   // 1 on the first run
  uint32_t shard() const { return raw_->shard; }       // where the timer lives (or BZ_SHARD_META)
  // The payload parsed as JSON into T; INVALID_JSON / INVALID_BODY otherwise.
  template <class T>
  Result<T> payload_as() const {
    Json doc = Json::parse(payload(), nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return invalid_argument("INVALID_JSON", "timer payload is not JSON");
    try {
      return doc.get<T>();
    } catch (const std::exception& e) {
      return invalid_argument("INVALID_BODY", e.what());
    }
  }
  const bz_timer* raw() const { return raw_; }

 private:
  const bz_timer* raw_;
};

// A successful answer: status, JSON body (or raw bytes) and extra headers.
struct Reply {
  int status = 200;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  static Reply json(const Json& doc, int status = 200) { return {status, doc.dump(), {}}; }
  static Reply created(const Json& doc) { return json(doc, 201); }
  static Reply no_content() { return {204, {}, {}}; }
  Reply& header(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

namespace detail {

template <class P>
struct Holder {
  const bz_host_api* api;
  bz_host* host;
  P plugin;
};

template <class M>
struct member_traits;
template <class P, class R>
struct member_traits<R (P::*)(const Request&)> {
  using plugin_type = P;
};
template <class P, class R>
struct member_traits<R (P::*)(const Request&) const> {
  using plugin_type = P;
};
template <class P, class R>
struct member_traits<R (P::*)(const Timer&)> {
  using plugin_type = P;
};
template <class P, class R>
struct member_traits<R (P::*)(const Timer&) const> {
  using plugin_type = P;
};

inline void copy_error(const char* text, char* err, size_t err_len) {
  if (err == nullptr || err_len == 0) return;
  std::snprintf(err, err_len, "%s", text);
}

inline void write_reply(const bz_host_api* api, bz_response* resp, const Reply& reply) {
  api->response_status(resp, reply.status);
  for (const auto& [name, value] : reply.headers) {
    api->response_header(resp, to_bz(name), to_bz(value));
  }
  if (!reply.body.empty()) api->response_append(resp, to_bz(reply.body));
}

template <auto Handler>
bz_status trampoline(void* ctx, const bz_request* req, bz_response* resp) {
  using P = typename member_traits<decltype(Handler)>::plugin_type;
  auto* holder = static_cast<Holder<P>*>(ctx);
  const bz_host_api* api = holder->api;
  try {
    Request request(req, api, holder->host);
    Result<Reply> result = (holder->plugin.*Handler)(request);
    if (!result.ok()) {
      const Error& e = result.error();
      api->response_error(resp, e.status(), e.code().c_str(), to_bz(e.message()));
      return BZ_OK;
    }
    write_reply(api, resp, result.value());
    return BZ_OK;
  } catch (const std::exception& e) {
    api->log(holder->host, req, BZ_LOG_ERROR, to_bz(e.what()));
  } catch (...) {
    api->log(holder->host, req, BZ_LOG_ERROR, to_bz("unknown exception"));
  }
  api->response_error(resp, BZ_INTERNAL, "INTERNAL", to_bz("internal error"));
  return BZ_OK;
}

// A timer handler `Status P::f(const Timer&)`: an error or an exception fails
// this attempt (retried with back-off) with its message.
template <auto Handler>
bz_status timer_trampoline(void* ctx, const bz_timer* timer, char* err, size_t err_len) {
  using P = typename member_traits<decltype(Handler)>::plugin_type;
  auto* holder = static_cast<Holder<P>*>(ctx);
  try {
    Status result = (holder->plugin.*Handler)(Timer(timer));
    if (result.ok()) return BZ_OK;
    const Error& e = result.error();
    copy_error((e.code() + ": " + e.message()).c_str(), err, err_len);
    return e.status() == BZ_OK ? BZ_INTERNAL : e.status();
  } catch (const std::exception& e) {
    copy_error(e.what(), err, err_len);
  } catch (...) {
    copy_error("unknown exception in timer handler", err, err_len);
  }
  return BZ_INTERNAL;
}

template <class P>
bz_status init(const bz_host_api* api, bz_host* host, void** ctx_out, char* err, size_t err_len) {
  try {
    *ctx_out = new Holder<P>{api, host, P(Host(api, host))};
    return BZ_OK;
  } catch (const std::exception& e) {
    copy_error(e.what(), err, err_len);
  } catch (...) {
    copy_error("unknown exception in plugin constructor", err, err_len);
  }
  return BZ_INTERNAL;
}

template <class P>
void shutdown(void* ctx) {
  delete static_cast<Holder<P>*>(ctx);
}

template <class P>
bz_status self_test(void* ctx, char* err, size_t err_len) {
  if constexpr (requires(P& p) { p.self_test(); }) {
    try {
      Status s = static_cast<Holder<P>*>(ctx)->plugin.self_test();
      if (s.ok()) return BZ_OK;
      copy_error(s.error().message().c_str(), err, err_len);
      return s.error().status();
    } catch (const std::exception& e) {
      copy_error(e.what(), err, err_len);
      return BZ_INTERNAL;
    }
  } else {
    (void)ctx;
    (void)err;
    (void)err_len;
    return BZ_OK;
  }
}

template <class M>
struct event_traits;
template <class P, class R>
struct event_traits<R (P::*)(const Event&, EventContext&)> {
  using plugin_type = P;
};

template <auto Handler>
bz_status event_trampoline(void* ctx, const bz_event* ev, bz_event_ctx* ectx, char* err,
                           size_t err_len) {
  using P = typename event_traits<decltype(Handler)>::plugin_type;
  auto* holder = static_cast<Holder<P>*>(ctx);
  try {
    Event event{view(ev->topic), view(ev->payload), ev->id, ev->origin_shard, ev->sequence,
                ev->created_ms};
    EventContext context(holder->api, ectx);
    Status s = (holder->plugin.*Handler)(event, context);
    if (s.ok()) return BZ_OK;
    copy_error(s.error().message().c_str(), err, err_len);
    return s.error().status();
  } catch (const std::exception& e) {
    copy_error(e.what(), err, err_len);
  } catch (...) {
    copy_error("unknown exception in event handler", err, err_len);
  }
  return BZ_INTERNAL;
}

}  // namespace detail

// What a service handler receives: the caller's input, its request (may be
// null) and, when the caller passed one, its open transaction to join.
struct ServiceCall {
  Json input;
  const bz_request* request = nullptr;
  bz_txn* caller_txn = nullptr;
  const bz_host_api* api = nullptr;

  // The caller's transaction if it is on `shard` (join it: one commit for
  // both); otherwise nullopt and the service opens its own.
  std::optional<Txn> join(uint32_t shard) const {
    if (caller_txn == nullptr || api->txn_shard(caller_txn) != shard) return std::nullopt;
    return Txn::borrow(api, caller_txn);
  }
};

namespace detail {

template <class M>
struct service_traits;
template <class P, class R>
struct service_traits<R (P::*)(const ServiceCall&)> {
  using plugin_type = P;
};

template <auto Handler>
bz_status service_trampoline(void* ctx, const bz_request* req, bz_str input, bz_txn* txn,
                             bz_buf* out, char* err, size_t err_len) {
  using P = typename service_traits<decltype(Handler)>::plugin_type;
  auto* holder = static_cast<Holder<P>*>(ctx);
  const bz_host_api* api = holder->api;
  try {
    Json doc = Json::parse(view(input), nullptr, false);
    if (doc.is_discarded()) {
      copy_error("service input is not JSON", err, err_len);
      return BZ_INVALID_ARGUMENT;
    }
    ServiceCall call{std::move(doc), req, txn, api};
    Result<Json> r = (holder->plugin.*Handler)(call);
    if (!r.ok()) {
      std::string envelope = Json{{"code", r.error().code()}, {"message", r.error().message()}}.dump();
      api->buf_append(out, to_bz(envelope));
      copy_error(r.error().message().c_str(), err, err_len);
      return r.error().status();
    }
    std::string text = r->dump();
    api->buf_append(out, to_bz(text));
    return BZ_OK;
  } catch (const std::exception& e) {
    copy_error(e.what(), err, err_len);
  } catch (...) {
    copy_error("unknown exception in service", err, err_len);
  }
  return BZ_INTERNAL;
}

}  // namespace detail

// A service bound to `Result<Json> P::f(const ServiceCall&)`, named
// "<plugin>.<verb>".
template <auto Handler>
constexpr bz_service service(const char* name) {
  return bz_service{name, &detail::service_trampoline<Handler>};
}

// A subscription bound to `Status P::f(const Event&, EventContext&)`. The topic
// prefix ends with '.'; `name` is unique in the plugin and keys the inbox.
template <auto Handler>
constexpr bz_subscription subscription(const char* name, const char* topic_prefix) {
  return bz_subscription{name, topic_prefix, &detail::event_trampoline<Handler>};
}

// One route table entry bound to a member function `Result<Reply> P::f(const Request&)`.
template <auto Handler>
constexpr bz_route route(const char* method, const char* pattern, uint32_t roles) {
  return bz_route{method, pattern, roles, &detail::trampoline<Handler>};
}

// One timer table entry bound to `Status P::f(const Timer&)`, for
// describe<P>(...).with_timers(kTimers). kind: [a-z0-9_]{1,64}, unique per plugin.
template <auto Handler>
constexpr bz_timer_handler timer(const char* kind) {
  return bz_timer_handler{kind, &detail::timer_trampoline<Handler>};
}

// Describes a plugin at compile time:
//   constexpr bz_plugin kPlugin = bazaar::sdk::describe<Orders>("orders", "1.0.0")
//                                     .with_routes(kRoutes).with_timers(kTimers);
//   BAZAAR_EXPORT_PLUGIN(kPlugin)
template <class P>
class Describe {
 public:
  constexpr Describe(const char* name, const char* version)
      : p_{BZ_ABI_VERSION, sizeof(bz_plugin), name,    version, &detail::init<P>,
           &detail::shutdown<P>, nullptr,        0,       &detail::self_test<P>,
           nullptr,              0,              nullptr, 0,
           nullptr,              0,              nullptr, 0} {}
  template <size_t N>
  constexpr Describe with_routes(const bz_route (&routes)[N]) const {
    Describe d = *this;
    d.p_.routes = routes;
    d.p_.route_count = N;
    return d;
  }
  template <size_t N>
  constexpr Describe with_subscriptions(const bz_subscription (&subs)[N]) const {
    Describe d = *this;
    d.p_.subscriptions = subs;
    d.p_.subscription_count = N;
    return d;
  }
  template <size_t N>
  constexpr Describe with_timers(const bz_timer_handler (&timers)[N]) const {
    Describe d = *this;
    d.p_.timer_handlers = timers;
    d.p_.timer_handler_count = N;
    return d;
  }
  template <size_t N>
  constexpr Describe with_services(const bz_service (&services)[N]) const {
    Describe d = *this;
    d.p_.services = services;
    d.p_.service_count = N;
    return d;
  }
  template <size_t N>
  constexpr Describe with_signals(const bz_subscription (&handlers)[N]) const {
    Describe d = *this;
    d.p_.signal_handlers = handlers;
    d.p_.signal_handler_count = N;
    return d;
  }
  constexpr operator bz_plugin() const { return p_; }  // NOLINT: the point of the builder

 private:
  bz_plugin p_;
};

template <class P>
constexpr Describe<P> describe(const char* name, const char* version) {
  return Describe<P>(name, version);
}

template <class P, size_t N>
constexpr bz_plugin make_plugin(const char* name, const char* version, const bz_route (&routes)[N]) {
  return describe<P>(name, version).with_routes(routes);
}

}  // namespace bazaar::sdk

namespace bazaar::sdk {
template <class T>
T or_throw(Result<T> result) {
  if (!result.ok()) throw std::invalid_argument(result.error().message());
  return std::move(*result);
}
}  // namespace bazaar::sdk

// Exports the plugin's entry symbol for a plugin that only serves routes.
// Use once per plugin, at namespace scope.
#define BAZAAR_PLUGIN(Type, name, version, routes)                              \
  extern "C" BZ_EXPORT const bz_plugin* bz_plugin_entry(void) {                 \
    static constexpr bz_plugin kBazaarPlugin =                                  \
        ::bazaar::sdk::make_plugin<Type>(name, version, routes);                \
    return &kBazaarPlugin;                                                      \
  }

// Exports a plugin described with bazaar::sdk::describe (a constexpr bz_plugin).
#define BAZAAR_EXPORT_PLUGIN(descriptor)                                        \
  extern "C" BZ_EXPORT const bz_plugin* bz_plugin_entry(void) {                 \
    static constexpr bz_plugin kBazaarPlugin = descriptor;                      \
    return &kBazaarPlugin;                                                      \
  }
