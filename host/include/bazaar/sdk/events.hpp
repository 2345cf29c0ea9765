// Events (ABI 1.2): what a subscription or signal handler receives, and the
// inbox transaction that makes a consumer's effect idempotent.
//
// Contract: an Event's views are valid during the handler call only. Handlers
// run on the background worker (signals: on every worker), at least once per
// event and in order per origin database; EventContext::begin opens the
// effect's write transaction together with the event's inbox row.
#pragma once

#include <bazaar/plugin_v1_3.h>
#include <bazaar/sdk/core.hpp>
#include <bazaar/sdk/storage.hpp>

#include <optional>
#include <string_view>

namespace bazaar::sdk {

// An event delivered to a subscription (ABI 1.2).
struct Event {
  std::string_view topic;
  std::string_view payload;  // JSON text
  int64_t id = 0;            // the idempotency key (the host records it in the inbox)
  uint32_t origin_shard = 0;
  uint64_t sequence = 0;     // per origin database
  int64_t created_ms = 0;

  // The payload parsed into T: INVALID_JSON, or INVALID_EVENT for the wrong shape.
  template <class T>
  Result<T> json_as() const {
    return detail::parse_json_as<T>(payload, "event payload is not JSON", "INVALID_EVENT", false);
  }

  // The event as the host handed it: a bz_event from a host of ABI 1.4 or
  // later, the 1.3 layout from an older one (`api` is the host's table).
  static Event from(const bz_host_api* api, const bz_event* raw) {
    if (BZ_ABI_MINOR_OF(api->abi_version) <= BZ_ABI_MINOR_V1_3) {
      const auto* old = reinterpret_cast<const bz_event_v1_3*>(raw);
      return {view(old->topic), view(old->payload), old->id, old->origin_shard, old->sequence,
              old->created_ms};
    }
    return {view(raw->topic), view(raw->payload), raw->id, raw->origin_shard, raw->sequence,
            raw->created_ms};
  }
};

// One delivery of one event to one subscription.
class EventContext {
 public:
  EventContext(const bz_host_api* api, bz_event_ctx* ctx) : api_(api), ctx_(ctx) {}

  // Begins the effect's write transaction on `shard` together with this event's
  // inbox row. An empty optional means an earlier delivery already committed
  // the effect: do nothing and return ok. A signal has no inbox: this fails.
  Result<std::optional<Txn>> begin(uint32_t shard) {
    bz_txn* txn = nullptr;
    int already = 0;
    char err[256] = {0};
    bz_status st = api_->event_txn_begin(ctx_, shard, &txn, &already, err, sizeof(err));
    if (st != BZ_OK) return Error(st, "DATABASE_ERROR", err);
    if (already != 0) return std::optional<Txn>();
    return std::optional<Txn>(Txn(api_, txn));
  }

 private:
  const bz_host_api* api_;
  bz_event_ctx* ctx_;
};

}  // namespace bazaar::sdk
