// Durable timers (ABI 1.2): what a timer handler receives. Scheduling and
// cancelling are Txn::schedule_timer / Txn::cancel_timer (storage.hpp).
//
// Contract: valid during the handler call only. Handlers run at least once,
// on the background worker, so they must be idempotent: check the state the
// timer acts on ("still unpaid?") inside the transaction that changes it.
#pragma once

#include <bazaar/plugin_v1_3.h>
#include <bazaar/sdk/core.hpp>

#include <string_view>

namespace bazaar::sdk {

// A due durable timer as its handler sees it.
class Timer {
 public:
  // A timer in the layout of this SDK's ABI (a host of 1.4 or later).
  explicit Timer(const bz_timer* raw)
      : raw_(raw),
        kind_(view(raw->kind)),
        key_(view(raw->key)),
        payload_(view(raw->payload)),
        due_ms_(raw->due_ms),
        shard_(raw->shard),
        attempt_(raw->attempt) {}

  // The timer as the host handed it: a bz_timer from a host of ABI 1.4 or
  // later, the 1.3 layout from an older one (`api` is the host's table).
  static Timer from(const bz_host_api* api, const bz_timer* raw) {
    if (BZ_ABI_MINOR_OF(api->abi_version) > BZ_ABI_MINOR_V1_3) return Timer(raw);
    return Timer(raw, *reinterpret_cast<const bz_timer_v1_3*>(raw));
  }

  std::string_view kind() const { return kind_; }
  std::string_view key() const { return key_; }
  std::string_view payload() const { return payload_; }
  int64_t due_ms() const { return due_ms_; }      // when this attempt was due (host clock)
  uint32_t attempt() const { return attempt_; }   // 1 on the first run
  uint32_t shard() const { return shard_; }       // where the timer lives (or BZ_SHARD_META)
  // The payload parsed as JSON into T; INVALID_JSON / INVALID_BODY otherwise.
  template <class T>
  Result<T> payload_as() const {
    return detail::parse_json_as<T>(payload(), "timer payload is not JSON", "INVALID_BODY", false);
  }
  // What the host passed (in the layout of the host's minor: see from()).
  const bz_timer* raw() const { return raw_; }

 private:
  Timer(const bz_timer* raw, const bz_timer_v1_3& old)
      : raw_(raw),
        kind_(view(old.kind)),
        key_(view(old.key)),
        payload_(view(old.payload)),
        due_ms_(old.due_ms),
        shard_(old.shard),
        attempt_(old.attempt) {}

  const bz_timer* raw_;
  std::string_view kind_;
  std::string_view key_;
  std::string_view payload_;
  int64_t due_ms_;
  uint32_t shard_;
  uint32_t attempt_;
};

}  // namespace bazaar::sdk
