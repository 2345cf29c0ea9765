#include "auth/verified_tokens.h"

#include <functional>

namespace bazaar::host {

VerifiedTokens::VerifiedTokens(size_t max_entries)
    : max_per_shard_(max_entries / kShards > 0 ? max_entries / kShards : 1) {}

VerifiedTokens::Shard& VerifiedTokens::shard_of(std::string_view token) const {
  return shards_[std::hash<std::string_view>{}(token) % kShards];
}

std::optional<Identity> VerifiedTokens::find(std::string_view token, int64_t now_s) const {
  Shard& shard = shard_of(token);
  std::lock_guard lock(shard.mu);
  auto it = shard.tokens.find(token);
  if (it == shard.tokens.end()) return std::nullopt;
  const Identity& id = it->second;
  if (now_s >= id.expires_at_s || now_s < id.not_before_s) return std::nullopt;
  return id;
}

void VerifiedTokens::remember(std::string_view token, const Identity& identity) {
  Shard& shard = shard_of(token);
  std::lock_guard lock(shard.mu);
  if (shard.tokens.size() >= max_per_shard_) shard.tokens.clear();
  shard.tokens.insert_or_assign(std::string(token), identity);
}

}  // namespace bazaar::host
