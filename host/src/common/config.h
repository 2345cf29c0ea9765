// Host configuration: `key = value` lines, `#` comments, every key defaulted.
// The full list of keys with their meaning lives in conf/bazaar.conf.
#pragma once

#include <bazaar/result.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace bazaar::host {

struct HostConfig {
  // Where nginx reaches the workers (FastCGI over a unix socket).
  std::string listen_socket = "bazaar.sock";
  int listen_backlog = 1024;
  int listen_mode = 0660;
  // Writable state: content-addressed plugin copies, control socket, metrics.
  std::string state_dir = "state";
  // Where ops drop plugin .so files; scanned at start and at every reload.
  std::string plugin_dir = "plugins";
  std::string log_file;  // empty: standard error
  std::string log_level = "info";
  bool access_log = true;

  int workers = 2;           // request worker processes
  int threads = 16;          // FastCGI accept threads per request worker
  // Idle FastCGI connections nginx may keep open to this node (nginx
  // worker_processes × upstream `keepalive`; 0 with `fastcgi_keep_conn off`).
  // Checked against workers × threads at start and at every reload.
  int fastcgi_kept_connections = 0;
  int64_t request_deadline_ms = 10'000;
  int64_t drain_timeout_ms = 10'000;
  int64_t ready_timeout_ms = 10'000;
  int64_t restart_backoff_min_ms = 100;
  int64_t restart_backoff_max_ms = 10'000;
  int crash_loop_threshold = 5;  // consecutive quick crashes before the long back-off
  int64_t max_body_bytes = 1 << 20;

  std::string jwt_secret;  // from BAZAAR_JWT_SECRET or jwt_secret_file, never inline
  std::string jwt_issuer = "bazaar";
  std::string control_socket;  // default: <state_dir>/control.sock
  int node_id = 1;  // 0..255, unique per node (8 bits of every id)

  // Storage: `shards` SQLite files plus meta.db in data_dir; migrations from schema_dir.
  std::string data_dir = "data";
  std::string schema_dir = "schema";
  int shards = 8;  // fixed for a node's data: changing it moves keys between shards
  bool shard_sync_full = true;  // synchronous=FULL on shards (orders and payments live there)
  bool meta_sync_full = true;
  int64_t db_busy_limit_ms = 5000;  // longest wait for a write lock without a request deadline
  int shard_write_batch = 32;  // write transactions per batched SQLite commit; 0 or 1 = off
  bool test_clock = false;  // lets `bazaarctl clock` move the host clock (tests only)

  // Durable timers (background worker): how often to look for due timers, how
  // long a claimed timer is held for its handler, and the retry back-off.
  int64_t timer_poll_ms = 1000;
  int64_t timer_lease_ms = 60'000;
  int64_t timer_backoff_min_ms = 1000;
  int64_t timer_backoff_max_ms = 300'000;

  // Events (background worker): outbox and inbox rows are kept this long, then
  // purged in small batches every event_retention_poll_ms (events/event_retention.h).
  int64_t event_retention_s = 72 * 3600;
  int64_t event_retention_poll_ms = 60'000;

  // Cache: memcached servers "host:port,host:port"; empty = no cache (every
  // cache call a no-op miss). Time-outs stay in the tens of milliseconds: a
  // cache that answers late is worse than none.
  std::string memcached_servers;
  int64_t cache_timeout_ms = 50;  // connect, poll, send and receive
  int cache_pool_size = 0;        // handles per worker; 0 in the file = `threads`
  int64_t cache_near_bytes = 64LL << 20;  // per worker, for cache_get_near (cache/near_cache.h); 0 = off

  // plugin.<name>.<key> = value, handed to the plugin through config_get.
  std::map<std::string, std::map<std::string, std::string>> plugin_settings;
};

// Reads an environment variable; injected so tests need not touch the real one.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
EnvLookup process_env();

// Parses configuration text. `base_dir` resolves relative paths; `origin` names
// the source in error messages ("bazaar.conf:12: ..."). Environment overrides:
// BAZAAR_JWT_SECRET (the secret itself).
Result<HostConfig> parse_config(std::string_view text, std::string_view origin,
                                const std::string& base_dir, const EnvLookup& env);

// Reads and parses a file; relative paths resolve against the file's folder.
Result<HostConfig> load_config(const std::string& path, const EnvLookup& env);

}  // namespace bazaar::host
