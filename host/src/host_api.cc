#include "host_api.h"

#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <optional>

#include "json_text.h"
#include "storage/transaction.h"

namespace bazaar::host {
namespace {

std::string_view sv(bz_str s) { return {s.data == nullptr ? "" : s.data, s.len}; }

bool has_crlf(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

bool valid_metric_name(const char* name) {
  if (name == nullptr || *name == '\0') return false;
  for (const char* p = name; *p != '\0'; ++p) {
    if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_')) return false;
  }
  return true;
}

void api_log(bz_host* host, const bz_request* req, bz_log_level level, bz_str message) {
  const Logger* logger = host->services->logger;
  if (!logger->enabled(level)) return;
  std::string_view request_id = req != nullptr ? sv(req->request_id) : std::string_view{};
  logger->log(level, sv(message), {{"plugin", host->plugin_name}, {"request_id", request_id}});
}

int64_t api_now_ms(bz_host* host) { return host->services->clock->now_ms(); }

int api_config_get(bz_host* host, const char* key, bz_str* out) {
  if (key == nullptr) return 0;
  auto it = host->settings.find(key);
  if (it == host->settings.end()) return 0;
  *out = {it->second.data(), it->second.size()};
  return 1;
}

int api_request_param(const bz_request* req, const char* name, bz_str* out) {
  if (req == nullptr || name == nullptr || req->host_request == nullptr) return 0;
  const auto* ctx = static_cast<const RequestContext*>(req->host_request);
  const char* value = ctx->params->get(name);
  if (value == nullptr) return 0;
  *out = {value, std::char_traits<char>::length(value)};
  return 1;
}

void api_response_status(bz_response* resp, int status) {
  resp->status = status >= 200 && status <= 599 ? status : 500;
}

void api_response_header(bz_response* resp, bz_str name, bz_str value) {
  // Header injection is refused here, once, for every plugin.
  if (name.len == 0 || has_crlf(sv(name)) || has_crlf(sv(value)) ||
      sv(name).find(':') != std::string_view::npos) {
    return;
  }
  resp->headers.emplace_back(std::string(sv(name)), std::string(sv(value)));
}

void api_response_append(bz_response* resp, bz_str bytes) { resp->body.append(sv(bytes)); }

void api_response_error(bz_response* resp, bz_status status, const char* code, bz_str message) {
  resp->status = bazaar::http_status_of(status);
  resp->error_code = code != nullptr ? code : "ERROR";
  resp->body = error_envelope(resp->error_code, sv(message), resp->request_id);
  resp->wrote_error = true;
}

void api_metric_add(bz_host* host, const char* name, const char* labels, uint64_t delta) {
  if (!valid_metric_name(name)) return;
  std::string metric = "bazaar_plugin_" + std::string(name) + "_total";
  std::string all_labels = SharedMetrics::label("plugin", host->plugin_name);
  if (labels != nullptr && *labels != '\0') all_labels += std::string(",") + labels;
  host->services->metrics->counter(metric, all_labels).add(delta);
}

// ---- ABI 1.1: storage ------------------------------------------------------

void copy_error(char* err, size_t err_len, std::string_view message) {
  if (err != nullptr && err_len > 0) {
    std::snprintf(err, err_len, "%.*s", static_cast<int>(message.size()), message.data());
  }
}

uint32_t api_shard_count(bz_host* host) {
  return host->services->shards != nullptr ? host->services->shards->shard_count() : 0;
}

uint32_t api_shard_of(bz_host* host, uint64_t key) {
  return host->services->shards != nullptr ? host->services->shards->shard_of(key) : 0;
}

int64_t api_id_next(bz_host* host, uint32_t shard) {
  if (host->services->ids == nullptr) return 0;
  auto id = host->services->ids->next(shard);
  return id.ok() ? *id : 0;
}

uint32_t api_id_shard(int64_t id) { return IdGenerator::shard_of(id); }

int64_t mono_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

bz_status api_txn_begin(bz_host* host, const bz_request* req, uint32_t shard, bz_txn_mode mode,
                        bz_txn** out, char* err, size_t err_len) {
  *out = nullptr;
  ShardSet* shards = host->services->shards;
  if (shards == nullptr) {
    copy_error(err, err_len, "storage is not available in this process");
    return BZ_UNAVAILABLE;
  }
  auto lease = shard == BZ_SHARD_META ? shards->meta() : shards->shard(shard);
  if (!lease.ok()) {
    copy_error(err, err_len, lease.error().message());
    return lease.error().status();
  }
  if (req != nullptr) {
    // The request's deadline is on the host clock; busy waits use a monotonic one.
    int64_t left = req->deadline_ms - host->services->clock->now_ms();
    (*lease)->set_deadline(mono_ms() + std::max<int64_t>(left, 1));
  }
  auto txn = Transaction::begin(**lease, mode == BZ_TXN_WRITE ? TxnMode::kWrite : TxnMode::kRead);
  if (!txn.ok()) {
    copy_error(err, err_len, txn.error().message());
    return txn.error().status();
  }
  *out = new bz_txn{std::move(*lease), std::move(*txn)};
  return BZ_OK;
}

bz_status api_txn_commit(bz_txn* txn, char* err, size_t err_len) {
  Status committed = txn->txn.commit();
  delete txn;
  if (committed.ok()) return BZ_OK;
  copy_error(err, err_len, committed.error().message());
  return committed.error().status();
}

void api_txn_rollback(bz_txn* txn) { delete txn; }  // ~Transaction rolls back, ~Lease returns

int64_t api_txn_changes(bz_txn* txn) { return txn->lease->changes(); }

sqlite3_stmt* raw(bz_stmt* stmt) { return reinterpret_cast<sqlite3_stmt*>(stmt); }

bz_status api_stmt_prepare(bz_txn* txn, bz_str sql, bz_stmt** out, char* err, size_t err_len) {
  auto stmt = txn->lease->prepare(sv(sql));
  if (!stmt.ok()) {
    *out = nullptr;
    copy_error(err, err_len, stmt.error().message());
    return stmt.error().status();
  }
  *out = reinterpret_cast<bz_stmt*>(*stmt);
  return BZ_OK;
}

bz_status bind_result(int rc) { return rc == SQLITE_OK ? BZ_OK : BZ_INVALID_ARGUMENT; }

bz_status api_stmt_bind_int64(bz_stmt* stmt, int index, int64_t value) {
  return bind_result(sqlite3_bind_int64(raw(stmt), index, value));
}

bz_status api_stmt_bind_text(bz_stmt* stmt, int index, bz_str value) {
  return bind_result(sqlite3_bind_text64(raw(stmt), index, value.data == nullptr ? "" : value.data,
                                         value.len, SQLITE_TRANSIENT, SQLITE_UTF8));
}

bz_status api_stmt_bind_null(bz_stmt* stmt, int index) {
  return bind_result(sqlite3_bind_null(raw(stmt), index));
}

int api_stmt_step(bz_stmt* stmt, char* err, size_t err_len) {
  int rc = sqlite3_step(raw(stmt));
  if (rc == SQLITE_ROW) return 1;
  if (rc == SQLITE_DONE) return 0;
  copy_error(err, err_len, sqlite3_errmsg(sqlite3_db_handle(raw(stmt))));
  sqlite3_reset(raw(stmt));
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT: return -BZ_CONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return -BZ_UNAVAILABLE;
    default: return -BZ_INTERNAL;
  }
}

int64_t api_stmt_column_int64(bz_stmt* stmt, int column) {
  return sqlite3_column_int64(raw(stmt), column);
}

bz_str api_stmt_column_text(bz_stmt* stmt, int column) {
  const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(raw(stmt), column));
  int len = sqlite3_column_bytes(raw(stmt), column);
  return {text == nullptr ? "" : text, static_cast<size_t>(len)};
}

int api_stmt_column_is_null(bz_stmt* stmt, int column) {
  return sqlite3_column_type(raw(stmt), column) == SQLITE_NULL ? 1 : 0;
}

constexpr bz_host_api kHostApi = {
    BZ_ABI_VERSION,
    sizeof(bz_host_api),
    &api_log,
    &api_now_ms,
    &api_config_get,
    &api_request_param,
    &api_response_status,
    &api_response_header,
    &api_response_append,
    &api_response_error,
    &api_metric_add,
    &api_shard_count,
    &api_shard_of,
    &api_id_next,
    &api_id_shard,
    &api_txn_begin,
    &api_txn_commit,
    &api_txn_rollback,
    &api_txn_changes,
    &api_stmt_prepare,
    &api_stmt_bind_int64,
    &api_stmt_bind_text,
    &api_stmt_bind_null,
    &api_stmt_step,
    &api_stmt_column_int64,
    &api_stmt_column_text,
    &api_stmt_column_is_null,
};

}  // namespace

const bz_host_api* host_api_table() { return &kHostApi; }

}  // namespace bazaar::host
