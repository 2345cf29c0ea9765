// Idempotency keys of order creation (Stripe's behaviour, the IETF draft).
//
// The key's record (orders_idempotency, per (user, key) on the user's shard)
// is written by the order's own transaction, DONE with the answer stored
// beside it (orders_idempotency_answers): one durable commit per order on
// the user's shard, not a claim commit and then the order's. Before that:
//
// - `begin` marks the attempt in the cache (`add`, a lease of kAttemptTtlS):
//   a second attempt with the key while the first runs answers 409. Without
//   a cache both run, and the record decides below: no duplicate either way.
// - `begin` reads the record: the same body replays the stored answer, another
//   body is refused; neither touches stock.
// - `record`, first in the order transaction, inserts the record. Losing that
//   race (another attempt committed the key first) means the order must not
//   commit: the caller rolls back, undoes its stock and answers as told.
//
// Rows of the earlier claim-first creation may still be IN_FLIGHT claims with
// a lease: one whose lease is live answers 409, one whose lease ran out is
// replaced (its payment_timeout timer releases what it reserved).
#pragma once

#include "util.h"

#include <vector>

namespace orders {

// One attempt to create an order with a key.
struct Attempt {
  int64_t user_id = 0;
  std::string key;
  std::string request_hash;
  int64_t order_id = 0;  // allocated for this attempt
  int64_t token = 0;     // this attempt (unique)
  std::vector<int64_t> sku_ids;
  int64_t now_ms = 0;
  int64_t payment_deadline_ms = 0;
};

// What the key says about an attempt.
struct KeyVerdict {
  enum class Kind { kProceed, kReplay, kInFlight, kMismatch };
  Kind kind = Kind::kProceed;
  int http_status = 0;   // kReplay
  std::string response;  // kReplay
};

class Idempotency {
 public:
  // How long an attempt's mark keeps a second one out (far above any request
  // deadline; a worker killed mid-attempt blocks its key this long at most).
  static constexpr uint32_t kAttemptTtlS = 60;
  static constexpr int64_t kKeepMs = 25LL * 3600 * 1000;  // keys live at least 24 h

  explicit Idempotency(bazaar::sdk::Host host) : host_(host) {}

  // 1–64 characters of [A-Za-z0-9_.:-].
  static bool valid_key(std::string_view key);

  // Before any work: kProceed, or the answer the key already has.
  Result<KeyVerdict> begin(const Attempt& attempt, const bz_request* req) const;
  // The attempt ends without an order: a retry with the key may run at once.
  void abandon(const Attempt& attempt) const;

  // First in the order transaction: makes the key this attempt's (kProceed)
  // or says why it is not (the order must then not commit).
  static Result<KeyVerdict> record(bazaar::sdk::Txn& txn, const Attempt& attempt, int http_status);
  // In the same transaction, once the answer is known.
  static Status store_answer(bazaar::sdk::Txn& txn, int64_t order_id, int http_status,
                             std::string_view response);

  static std::string encode_skus(const std::vector<int64_t>& sku_ids);
  static std::vector<int64_t> decode_skus(std::string_view text);

 private:
  bazaar::sdk::Host host_;
};

}  // namespace orders
