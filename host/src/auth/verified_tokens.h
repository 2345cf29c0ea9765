// Bearer tokens this worker has already verified (jwt.h), so a client's next
// request with the same token skips base64, HMAC-SHA256 and the JSON parse of
// its claims: most requests of a session carry the same token.
//
// Keyed by the token's whole text, so any changed byte is another token (and
// is verified in full). Expiry and not-before are checked again on every hit
// against the caller's clock. Bounded: a shard that fills up is emptied (the
// next requests verify in full again). Safe from any thread.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "auth/identity.h"
#include "common/string_key_map.h"

namespace bazaar::host {

class VerifiedTokens {
 public:
  explicit VerifiedTokens(size_t max_entries);

  // The identity of `token` if it was verified before and `now_s` is within
  // its validity; nullopt otherwise (verify it in full).
  std::optional<Identity> find(std::string_view token, int64_t now_s) const;
  void remember(std::string_view token, const Identity& identity);

 private:
  struct Shard {
    mutable std::mutex mu;
    StringKeyMap<Identity> tokens;
  };
  static constexpr size_t kShards = 16;
  Shard& shard_of(std::string_view token) const;

  size_t max_per_shard_;
  mutable Shard shards_[kShards];
};

}  // namespace bazaar::host
