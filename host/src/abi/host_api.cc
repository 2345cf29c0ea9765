#include "abi/host_api.h"

#include <cstdio>
#include <string>

#include "abi/host_api_internal.h"
#include "common/json_text.h"

namespace bazaar::host {
namespace {

using api::sv;

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

bz_str api_plugin_name(bz_host* host) {
  return {host->plugin_name.data(), host->plugin_name.size()};
}

void api_metric_add(bz_host* host, const char* name, const char* labels, uint64_t delta) {
  if (!valid_metric_name(name)) return;
  std::string metric = "bazaar_plugin_" + std::string(name) + "_total";
  std::string all_labels = SharedMetrics::label("plugin", host->plugin_name);
  if (labels != nullptr && *labels != '\0') all_labels += std::string(",") + labels;
  host->services->metrics->counter(metric, all_labels).add(delta);
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
    &api::shard_count,
    &api::shard_of,
    &api::id_next,
    &api::id_shard,
    &api::txn_begin,
    &api::txn_commit,
    &api::txn_rollback,
    &api::txn_changes,
    &api::stmt_prepare,
    &api::stmt_bind_int64,
    &api::stmt_bind_text,
    &api::stmt_bind_null,
    &api::stmt_step,
    &api::stmt_column_int64,
    &api::stmt_column_text,
    &api::stmt_column_is_null,
    &api::txn_shard,
    &api::event_publish,
    &api::event_txn_begin,
    &api::timer_schedule,
    &api::timer_cancel,
    &api::cache_get,
    &api::cache_set,
    &api::cache_add,
    &api::cache_delete,
    &api::cache_delete_after_commit,
    &api::cache_incr,
    &api::service_call,
    &api::buf_new,
    &api::buf_free,
    &api::buf_append,
    &api::buf_view,
    &api::signal_publish,
    &api::cache_get_near,
    &api_plugin_name,
    &api::service_exists,
};

}  // namespace

namespace api {
void copy_error(char* err, size_t err_len, std::string_view message) {
  if (err != nullptr && err_len > 0) {
    std::snprintf(err, err_len, "%.*s", static_cast<int>(message.size()), message.data());
  }
}
}  // namespace api

const bz_host_api* host_api_table() { return &kHostApi; }

}  // namespace bazaar::host
