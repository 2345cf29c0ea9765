// The host services handed to a plugin at init: logging, clock, settings,
// metrics, storage, ids, cache, services and signals.
//
// Contract: a Host is cheap to copy and valid for the life of the process;
// every member may be called from any thread, concurrently. Members that need
// a host function added after ABI 1.0 check the host's table first and
// degrade as documented when the host is older than this SDK.
#pragma once

#include <bazaar/sdk/cache.hpp>
#include <bazaar/sdk/config.hpp>
#include <bazaar/sdk/core.hpp>
#include <bazaar/sdk/storage.hpp>

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bazaar::sdk {

class Host {
 public:
  Host(const bz_host_api* api, bz_host* host) : api_(api), host_(host) {}

  void log(bz_log_level level, std::string_view message) const {
    api_->log(host_, nullptr, level, to_bz(message));
  }
  int64_t now_ms() const { return api_->now_ms(host_); }
  void count(const char* name, const char* labels = "", uint64_t delta = 1) const {
    api_->metric_add(host_, name, labels, delta);
  }
  const bz_host_api* api() const { return api_; }
  bz_host* raw() const { return host_; }

  // ABI 1.4: the name the plugin was loaded under; empty on an older host.
  std::string_view plugin_name() const {
    if (!BZ_HOST_API_HAS(api_, plugin_name)) return {};
    return view(api_->plugin_name(host_));
  }

  // ---- settings: `plugin.<name>.<key> = value` (config.hpp) ----

  // The raw text, or nullopt when absent. Valid for the life of the process.
  std::optional<std::string_view> config(const char* key) const {
    bz_str out{};
    if (api_->config_get(host_, key, &out) == 0) return std::nullopt;
    return view(out);
  }
  // Typed, with errors naming plugin.<name>.<key>, the value and what is
  // allowed (INVALID_ARGUMENT "BAD_CONFIG"); absent keys give the fallback.
  // In a constructor wrap them in or_throw() to refuse the plugin on a bad value.
  Result<int64_t> config_int(std::string_view key, int64_t fallback, int64_t min, int64_t max) const {
    return config_reader().integer(key, fallback, min, max);
  }
  Result<bool> config_bool(std::string_view key, bool fallback) const {
    return config_reader().boolean(key, fallback);
  }
  Result<std::string> config_string(std::string_view key, std::string_view fallback,
                                    std::initializer_list<std::string_view> allowed = {}) const {
    return config_reader().string(key, fallback, allowed);
  }
  Result<std::vector<std::string>> config_list(std::string_view key,
                                               std::vector<std::string> fallback = {},
                                               std::initializer_list<std::string_view> allowed = {}) const {
    return config_reader().list(key, std::move(fallback), allowed);
  }
  ConfigReader config_reader() const {
    return ConfigReader(plugin_name(), [host = *this](const std::string& key) {
      return host.config(key.c_str());
    });
  }

  // ---- storage (ABI 1.1) ----
  uint32_t shard_count() const { return api_->shard_count(host_); }
  uint32_t shard_of(uint64_t key) const { return api_->shard_of(host_, key); }
  int64_t next_id(uint32_t shard) const { return api_->id_next(host_, shard); }
  static uint32_t shard_of_id(const bz_host_api* api, int64_t id) { return api->id_shard(id); }
  uint32_t shard_of_id(int64_t id) const { return api_->id_shard(id); }

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
    if (!BZ_HOST_API_HAS(api_, cache_get_near)) return cache_get(key);
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
  using Added = CacheAdd;  // kStored, kExists, kCacheFailed
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

  // Cache-aside read of `key` (cache.hpp: value format, jitter, single-flight
  // lease): the cached answer, or `loader()` (which reads the source of truth
  // and returns Result<std::optional<std::string>>, nullopt meaning "not
  // found"). Found values are cached for options.ttl_s, "not found" for
  // options.negative_ttl_s, both jittered; loader errors are never cached. A
  // caller that loses the lease waits at most options.max_wait_ms and never
  // past `req`'s deadline. Writers call Txn::delete_after_commit(key).
  template <class Loader>
  Result<std::optional<std::string>> get_or_load(std::string_view key, const CacheOptions& options,
                                                 const bz_request* req, Loader&& loader) const {
    CacheOptions capped = options;
    if (req != nullptr) capped.max_wait_ms = std::min(capped.max_wait_ms, req->deadline_ms - now_ms());
    CacheOps ops{*this, options.near_max_age_ms};
    return cache_aside(ops, key, capped, std::forward<Loader>(loader));
  }

  // ---- services and signals (ABI 1.2) ----

  // Broadcasts a best-effort signal to every worker (see plugin.h).
  Status signal(std::string_view topic, const Json& payload) const {
    std::string text = payload.dump();
    char err[256] = {0};
    bz_status st = api_->signal_publish(host_, to_bz(topic), to_bz(text), err, sizeof(err));
    if (st != BZ_OK) return Error(st, "BAD_SIGNAL", err);
    return ok_status();
  }

  // ABI 1.4: false only when the host knows that no loaded plugin offers
  // `name` on this node. True on an older host and while plugins are still
  // being initialised (the host fills its registry after every init), where
  // call() itself tells: UNAVAILABLE "SERVICE_UNAVAILABLE".
  bool has_service(const char* name) const {
    if (!BZ_HOST_API_HAS(api_, service_exists)) return true;
    return api_->service_exists(host_, name) != 0;
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

 private:
  // The ABI's cache calls as cache_aside() wants them.
  struct CacheOps {
    const Host& host;
    uint32_t near_max_age_ms;
    std::optional<std::string> first_get(std::string_view key) const {
      return near_max_age_ms > 0 ? host.cache_get_near(key, near_max_age_ms) : host.cache_get(key);
    }
    std::optional<std::string> get(std::string_view key) const { return host.cache_get(key); }
    CacheAdd add(std::string_view key, std::string_view value, uint32_t ttl_s) const {
      return host.cache_add_checked(key, value, ttl_s);
    }
    void del(std::string_view key) const { host.cache_delete(key); }
    uint64_t random(std::string_view key) const {
      return cache_detail::mix(cache_detail::hash(key) ^ static_cast<uint64_t>(host.now_ms()));
    }
  };

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

}  // namespace bazaar::sdk
