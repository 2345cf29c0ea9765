// The attempt's guard: the durable payment_timeout timer (key: the order id)
// that finishes an order attempt whatever happens to its worker. It is written
// by the first transaction that holds anything for the order (the stock
// participant's first shard, since stock always tries first), so held stock
// always has the timer that gives it back; the move that sells or releases
// the last of it lifts it. At the payment deadline its handler
// (lifecycle/payment_timeout.h) cancels the order if it is still unpaid, or,
// when no order ever committed, voids the order id and cancels every
// participant its payload names with reason "abandoned".
#pragma once

#include "domain/values.h"

#include "sdk_names.h"

#include <string>
#include <vector>

namespace orders {

inline constexpr std::string_view kPaymentTimeoutTimer = "payment_timeout";

// Whom the guard's handler calls back at the deadline.
struct GuardPayload {
  struct Named {
    std::string name;   // the participant
    std::string field;  // the request field that named it
    Json value;         // its value
  };
  int64_t user_id = 0;
  std::vector<int64_t> sku_ids;
  std::vector<Named> participants;  // beyond stock, in chain order
  std::string legacy_key;  // the idempotency key, in timers of the claim-first version

  std::string encode() const;
  // Timers of earlier versions carry only user_id and skus; any other
  // malformed payload is nullopt.
  static std::optional<GuardPayload> decode(std::string_view text);
};

class AttemptGuard {
 public:
  AttemptGuard(int64_t order_id, int64_t due_ms, GuardPayload payload)
      : order_id_(order_id), due_ms_(due_ms), payload_(std::move(payload)) {}

  bool placed() const { return placed_; }
  // Schedules the timer in `txn`, whose commit makes it exist; later calls do
  // nothing. Call from the first transaction that holds anything.
  bazaar::Status place(bazaar::sdk::Txn& txn);
  // Removes the timer of `order_id` in `txn` (nothing left for it to release).
  static bazaar::Status lift(bazaar::sdk::Txn& txn, int64_t order_id);

 private:
  int64_t order_id_;
  int64_t due_ms_;
  GuardPayload payload_;
  bool placed_ = false;
};

}  // namespace orders
