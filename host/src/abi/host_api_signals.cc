// ABI 1.2: broadcast signals (best effort; see events/signal_bus.h).
#include <nlohmann/json.hpp>

#include "abi/host_api_internal.h"
#include "services/events/event_wire.h"
#include "services/events/signal_bus.h"

namespace bazaar::host::api {

bz_status signal_publish(bz_host* host, bz_str topic, bz_str payload, char* err, size_t err_len) {
  std::string_view t = sv(topic);
  std::string_view p = sv(payload);
  if (!valid_topic(t) || p.size() > 64 * 1024 || !nlohmann::json::accept(p)) {
    copy_error(err, err_len, "a signal needs a topic ending with '.' and a JSON payload of at most 64 KiB");
    return BZ_INVALID_ARGUMENT;
  }
  SignalPublisher* publisher = host->services->signals;
  if (publisher == nullptr) {
    copy_error(err, err_len, "signals are not available in this process");
    return BZ_UNAVAILABLE;
  }
  Status sent = publisher->publish(t, p);
  if (!sent.ok()) {
    copy_error(err, err_len, sent.error().message());
    return sent.error().status();
  }
  return BZ_OK;
}

}  // namespace bazaar::host::api
