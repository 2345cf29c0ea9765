// The functions behind bz_host_api, one group per file (host_api_*.cc), all
// gathered into the table by host_api.cc. Internal to the host.
#pragma once

#include <bazaar/plugin.h>

#include <string_view>

#include "abi/host_api.h"

namespace bazaar::host::api {

// Writes `message` into a caller-owned error buffer (NUL-terminated, truncated).
void copy_error(char* err, size_t err_len, std::string_view message);
inline std::string_view sv(bz_str s) { return {s.data == nullptr ? "" : s.data, s.len}; }

// host_api_storage.cc (ABI 1.1)
uint32_t shard_count(bz_host* host);
uint32_t shard_of(bz_host* host, uint64_t key);
int64_t id_next(bz_host* host, uint32_t shard);
uint32_t id_shard(int64_t id);
bz_status txn_begin(bz_host* host, const bz_request* req, uint32_t shard, bz_txn_mode mode,
                    bz_txn** out, char* err, size_t err_len);
bz_status txn_commit(bz_txn* txn, char* err, size_t err_len);
void txn_rollback(bz_txn* txn);
int64_t txn_changes(bz_txn* txn);
uint32_t txn_shard(bz_txn* txn);
bz_status stmt_prepare(bz_txn* txn, bz_str sql, bz_stmt** out, char* err, size_t err_len);
bz_status stmt_bind_int64(bz_stmt* stmt, int index, int64_t value);
bz_status stmt_bind_text(bz_stmt* stmt, int index, bz_str value);
bz_status stmt_bind_null(bz_stmt* stmt, int index);
int stmt_step(bz_stmt* stmt, char* err, size_t err_len);
int64_t stmt_column_int64(bz_stmt* stmt, int column);
bz_str stmt_column_text(bz_stmt* stmt, int column);
int stmt_column_is_null(bz_stmt* stmt, int column);

// host_api_events.cc (ABI 1.2)
bz_status event_publish(bz_txn* txn, bz_str topic, bz_str payload, char* err, size_t err_len);
bz_status event_txn_begin(bz_event_ctx* ectx, uint32_t shard, bz_txn** out, int* already_applied,
                          char* err, size_t err_len);

// host_api_timers.cc (ABI 1.2)
bz_status timer_schedule(bz_txn* txn, bz_str kind, bz_str key, int64_t due_ms, bz_str payload,
                         char* err, size_t err_len);
int timer_cancel(bz_txn* txn, bz_str kind, bz_str key);

// host_api_cache.cc (ABI 1.2)
int64_t cache_get(bz_host* host, bz_str key, char* buf, size_t cap);
int64_t cache_get_near(bz_host* host, bz_str key, uint32_t max_age_ms, char* buf, size_t cap);
bz_status cache_set(bz_host* host, bz_str key, bz_str value, uint32_t ttl_s);
bz_status cache_add(bz_host* host, bz_str key, bz_str value, uint32_t ttl_s);
bz_status cache_delete(bz_host* host, bz_str key);
bz_status cache_delete_after_commit(bz_txn* txn, bz_str key);
// What txn_commit does, after the commit, to each key queued by
// cache_delete_after_commit: the writer's marker (cache_helpers.h, invalidate).
void cache_invalidate_committed(bz_host* host, std::string_view key);
bz_status cache_incr(bz_host* host, bz_str key, uint64_t delta, uint32_t ttl_s, uint64_t* value);

// host_api_services.cc (ABI 1.2)
bz_status service_call(bz_host* host, const bz_request* req, const char* name, bz_str input,
                       bz_txn* txn, bz_buf* out, char* err, size_t err_len);
int service_exists(bz_host* host, const char* name);  // ABI 1.4
bz_buf* buf_new();
void buf_free(bz_buf* buf);
void buf_append(bz_buf* buf, bz_str bytes);
bz_str buf_view(const bz_buf* buf);

// host_api_signals.cc (ABI 1.2)
bz_status signal_publish(bz_host* host, bz_str topic, bz_str payload, char* err, size_t err_len);

}  // namespace bazaar::host::api
