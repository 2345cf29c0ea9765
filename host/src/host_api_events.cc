// ABI 1.2: events. Placeholder until the outbox lands.
#include "host_api_internal.h"

namespace bazaar::host::api {

bz_status event_publish(bz_txn*, bz_str, bz_str, char* err, size_t err_len) {
  copy_error(err, err_len, "events are not available yet");
  return BZ_UNAVAILABLE;
}
bz_status event_txn_begin(bz_event_ctx*, uint32_t, bz_txn** out, int* already_applied, char* err,
                          size_t err_len) {
  *out = nullptr;
  *already_applied = 0;
  copy_error(err, err_len, "events are not available yet");
  return BZ_UNAVAILABLE;
}

}  // namespace bazaar::host::api
