// Idempotency keys of order creation (Stripe's behaviour, the IETF draft):
// a claim row per (user, key) on the user's shard, IN_FLIGHT while one
// attempt works and DONE once the order committed, with the exact answer
// stored beside it (orders_idempotency_answers, by order id).
#pragma once

#include "util.h"

#include <optional>
#include <vector>

namespace orders {

struct ClaimRequest {
  int64_t user_id = 0;
  std::string key;
  std::string request_hash;
  int64_t order_id = 0;  // allocated for this attempt
  int64_t token = 0;     // this attempt (unique)
  std::vector<int64_t> sku_ids;
  int64_t now_ms = 0;
  int64_t payment_deadline_ms = 0;
};

// An attempt whose worker died before its order committed: its reservations
// must be released by whoever takes the key over.
struct AbandonedAttempt {
  int64_t order_id = 0;
  std::vector<int64_t> sku_ids;
};

struct ClaimOutcome {
  enum class Kind { kClaimed, kReplay, kInFlight, kMismatch };
  Kind kind = Kind::kClaimed;
  int http_status = 0;   // kReplay
  std::string response;  // kReplay
  std::optional<AbandonedAttempt> abandoned;
};

class Idempotency {
 public:
  // A claim older than this belongs to a dead attempt (far above any request deadline).
  static constexpr int64_t kLeaseMs = 60'000;
  static constexpr int64_t kKeepMs = 25LL * 3600 * 1000;  // keys live at least 24 h

  explicit Idempotency(bazaar::sdk::Host host) : host_(host) {}

  // 1–64 characters of [A-Za-z0-9_.:-].
  static bool valid_key(std::string_view key);

  // Claims the key in its own transaction, which also schedules the order's
  // payment_timeout timer (so a claim whose order never commits is cleaned
  // up by the same timer that cancels unpaid orders).
  Result<ClaimOutcome> claim(const ClaimRequest& claim, const bz_request* req) const;
  // In the order transaction: marks the claim DONE and stores the answer
  // (of `order_id`, the claim's order). CONFLICT when this attempt lost the
  // claim (taken over as dead): the order must not commit.
  static Status complete(bazaar::sdk::Txn& txn, int64_t user_id, std::string_view key,
                         int64_t token, int64_t order_id, int http_status, std::string_view response);
  // The attempt failed before committing: forget the claim (and its timer)
  // so that a retry with the key runs again.
  Status forget(int64_t user_id, std::string_view key, int64_t token, int64_t order_id,
                const bz_request* req) const;

  static std::string encode_skus(const std::vector<int64_t>& sku_ids);
  static std::vector<int64_t> decode_skus(std::string_view text);

 private:
  bazaar::sdk::Host host_;
};

}  // namespace orders
