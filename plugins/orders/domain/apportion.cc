#include "domain/apportion.h"

namespace orders {

namespace {
__extension__ typedef __int128 wide_int;  // A × C can exceed 64 bits
}  // namespace

std::vector<Money> apportion(Money amount, const std::vector<Money>& weights) {
  wide_int total = 0;
  for (Money w : weights) {
    if (w < kZero) return {};
    total += w.in_fen();
  }
  if (amount < kZero || amount.in_fen() > total) return {};
  std::vector<Money> shares;
  shares.reserve(weights.size());
  if (total == 0) {
    shares.assign(weights.size(), kZero);  // amount is 0 too
    return shares;
  }
  wide_int running = 0;
  int64_t given = 0;  // ⌊A·C_{i−1}/W⌋
  for (Money w : weights) {
    running += w.in_fen();
    const auto upto = static_cast<int64_t>(static_cast<wide_int>(amount.in_fen()) * running / total);
    shares.push_back(Money::fen(upto - given));
    given = upto;
  }
  return shares;
}

}  // namespace orders
