// ABI 1.2: durable timers. The row is written on the caller's transaction, so a
// timer exists if and only if the business change it belongs to commits. The
// background worker's TimerRunner runs it (timers/timer_runner.h).
#include <string>

#include "abi/host_api_internal.h"
#include "services/timers/timer_store.h"

namespace bazaar::host::api {
namespace {

// A plugin may only schedule kinds it declares a handler for: a typo would
// otherwise become a timer that never runs. Without a descriptor (unit tests
// building a bz_host by hand) only the kind's format is checked.
bool declared(const bz_host* host, std::string_view kind) {
  const bz_plugin* def = host->def;
  if (def == nullptr) return true;
  if (def->struct_size < BZ_PLUGIN_V1_2_SIZE) return false;
  for (size_t i = 0; i < def->timer_handler_count; ++i) {
    if (kind == def->timer_handlers[i].kind) return true;
  }
  return false;
}

Status check_kind(const bz_txn* txn, std::string_view kind) {
  BAZAAR_RETURN_IF_ERROR(validate_timer_kind(kind));
  if (!declared(txn->host, kind)) {
    return invalid_argument("BAD_TIMER", "unknown timer kind '" + std::string(kind) +
                                             "': plugin '" + txn->host->plugin_name +
                                             "' declares no handler for it");
  }
  return ok_status();
}

}  // namespace

bz_status timer_schedule(bz_txn* txn, bz_str kind, bz_str key, int64_t due_ms, bz_str payload,
                         char* err, size_t err_len) {
  if (txn == nullptr) {
    copy_error(err, err_len, "timer_schedule needs an open transaction");
    return BZ_INVALID_ARGUMENT;
  }
  Status scheduled = check_kind(txn, sv(kind));
  if (scheduled.ok()) {
    scheduled = schedule_timer(txn->db(), txn->host->plugin_name, sv(kind), sv(key), due_ms,
                               sv(payload));
  }
  if (!scheduled.ok()) {
    copy_error(err, err_len, scheduled.error().message());
    return scheduled.error().status();
  }
  return BZ_OK;
}

int timer_cancel(bz_txn* txn, bz_str kind, bz_str key) {
  if (txn == nullptr || !check_kind(txn, sv(kind)).ok()) return -BZ_INVALID_ARGUMENT;
  auto removed = cancel_timer(txn->db(), txn->host->plugin_name, sv(kind), sv(key));
  if (!removed.ok()) return -static_cast<int>(removed.error().status());
  return *removed ? 1 : 0;
}

}  // namespace bazaar::host::api
