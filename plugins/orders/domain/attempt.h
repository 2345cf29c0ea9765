// One attempt to create an order with an idempotency key, and what the key's
// record says about it (Stripe's behaviour, the IETF Idempotency-Key draft).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace orders {

struct Attempt {
  int64_t user_id = 0;
  std::string key;           // 1–64 of [A-Za-z0-9_.:-]
  std::string request_hash;  // SHA-256 of the body's canonical JSON
  int64_t order_id = 0;      // allocated for this attempt on the buyer's shard
  int64_t token = 0;         // this attempt (unique across workers)
  int64_t now_ms = 0;
  int64_t payment_deadline_ms = 0;
};

// What the key says about an attempt.
struct KeyVerdict {
  enum class Kind { kProceed, kReplay, kInFlight, kMismatch };
  Kind kind = Kind::kProceed;
  int http_status = 0;   // kReplay
  std::string response;  // kReplay; also this attempt's own answer once it committed
};

// 1–64 characters of [A-Za-z0-9_.:-].
bool valid_idempotency_key(std::string_view key);

}  // namespace orders
