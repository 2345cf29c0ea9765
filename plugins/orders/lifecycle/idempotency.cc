#include "lifecycle/idempotency.h"

#include "store/idempotency_store.h"

namespace orders {

namespace {

std::string attempt_mark(const Attempt& a) { return "attempt:" + id_text(a.user_id) + ":" + a.key; }

}  // namespace

Result<KeyVerdict> Idempotency::begin(const Attempt& a, const bz_request* req) const {
  const auto marked = host_.cache_add_checked(attempt_mark(a), id_text(a.token), kAttemptTtlS);
  auto verdict = [&]() -> Result<KeyVerdict> {
    BAZAAR_ASSIGN_OR_RETURN(auto txn, host_.begin(host_.shard_of(static_cast<uint64_t>(a.user_id)), BZ_TXN_READ, req));
    return IdempotencyStore::read(txn, a);
  }();
  if (!verdict.ok()) {
    // A busy shard must not hold the key for the mark's lifetime.
    if (marked == bazaar::sdk::Host::Added::kStored) abandon(a);
    return verdict.error();
  }
  // The mark of an attempt that committed stays until it expires: the record
  // (read after the mark) answers its retries. Without a record, it is running.
  if (verdict->kind == KeyVerdict::Kind::kProceed && marked == bazaar::sdk::Host::Added::kExists) {
    verdict->kind = KeyVerdict::Kind::kInFlight;
  }
  return verdict;
}

void Idempotency::abandon(const Attempt& a) const { host_.cache_delete(attempt_mark(a)); }

}  // namespace orders
