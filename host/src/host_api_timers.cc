// ABI 1.2: durable timers. Placeholder until the timer store lands.
#include "host_api_internal.h"

namespace bazaar::host::api {

bz_status timer_schedule(bz_txn*, bz_str, bz_str, int64_t, bz_str, char* err, size_t err_len) {
  copy_error(err, err_len, "timers are not available yet");
  return BZ_UNAVAILABLE;
}
int timer_cancel(bz_txn*, bz_str, bz_str) { return -BZ_UNAVAILABLE; }

}  // namespace bazaar::host::api
