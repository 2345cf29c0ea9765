// ABI 1.2: cross-plugin services and host-owned buffers; 1.4: service_exists.
#include "abi/host_api_internal.h"
#include "services/service_registry.h"

namespace bazaar::host::api {
namespace {
// A chain of services calling services is bounded, so a cycle (a -> b -> a)
// fails fast instead of exhausting the stack.
constexpr int kMaxCallDepth = 8;
thread_local int call_depth = 0;
}  // namespace

bz_status service_call(bz_host* host, const bz_request* req, const char* name, bz_str input,
                       bz_txn* txn, bz_buf* out, char* err, size_t err_len) {
  const ServiceRegistry* registry = host->services->registry;
  const ServiceRegistry::Entry* entry =
      registry != nullptr && name != nullptr ? registry->find(name) : nullptr;
  const SharedMetrics& metrics = *host->services->metrics;
  std::string service = name != nullptr ? name : "";
  if (entry == nullptr) {
    copy_error(err, err_len, "no service " + service + " on this node");
    metrics.counter("bazaar_service_calls_total", SharedMetrics::label("service", "unknown") + "," +
                                                      SharedMetrics::label("result", "missing"))
        .add();
    return BZ_UNAVAILABLE;
  }
  if (call_depth >= kMaxCallDepth) {
    copy_error(err, err_len, "service calls nested deeper than 8 (a cycle?) at " + service);
    return BZ_FAILED_PRECONDITION;
  }
  ++call_depth;
  bz_status st = entry->handler(entry->plugin_ctx, req, input, txn, out, err, err_len);
  --call_depth;
  metrics.counter("bazaar_service_calls_total",
                  SharedMetrics::label("service", service) + "," +
                      SharedMetrics::label("result", st == BZ_OK ? "ok" : "error"))
      .add();
  return st;
}

// The registry is set once every plugin's init has returned (worker.cc), and
// never in the validation process: until then the answer is "not known yet".
int service_exists(bz_host* host, const char* name) {
  const ServiceRegistry* registry = host->services->registry;
  if (registry == nullptr) return -1;
  return name != nullptr && registry->find(name) != nullptr ? 1 : 0;
}

bz_buf* buf_new() { return new bz_buf(); }
void buf_free(bz_buf* buf) { delete buf; }
void buf_append(bz_buf* buf, bz_str bytes) { buf->bytes.append(sv(bytes)); }
bz_str buf_view(const bz_buf* buf) { return {buf->bytes.data(), buf->bytes.size()}; }

}  // namespace bazaar::host::api
