// Idempotency keys of order creation: the attempt's mark in the cache and
// the verdict of the key's record (store/idempotency_store.h) before any work.
//
// - `begin` marks the attempt in the cache (`add`, a lease of kAttemptTtlS):
//   a second attempt with the key while the first runs answers 409. Without
//   a cache both run, and the record decides: no duplicate either way.
// - `begin` reads the record: the same body replays the stored answer,
//   another body is refused; neither touches stock.
// - The order's own transaction writes the record (IdempotencyStore::record);
//   losing that race means the order must not commit.
#pragma once

#include "domain/attempt.h"
#include "domain/values.h"

#include "sdk_names.h"

namespace orders {

class Idempotency {
 public:
  // How long an attempt's mark keeps a second one out (far above any request
  // deadline; a worker killed mid-attempt blocks its key this long at most).
  static constexpr uint32_t kAttemptTtlS = 60;

  explicit Idempotency(bazaar::sdk::Host host) : host_(host) {}

  // Before any work: kProceed, or the answer the key already has.
  Result<KeyVerdict> begin(const Attempt& attempt, const bz_request* req) const;
  // The attempt ends without an order: a retry with the key may run at once.
  void abandon(const Attempt& attempt) const;

 private:
  bazaar::sdk::Host host_;
};

}  // namespace orders
