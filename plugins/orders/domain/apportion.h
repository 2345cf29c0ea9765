// Exact apportionment of money (分摊): splits an amount over lines in
// proportion to weights (their payable), so that the shares sum exactly to
// the amount and no share exceeds its line's weight.
#pragma once

#include "domain/money.h"

#include <vector>

namespace orders {

// Cumulative rounding: with C_i the running sum of the weights and W their
// total, share_i = ⌊A·C_i/W⌋ − ⌊A·C_{i−1}/W⌋. The shares telescope to exactly
// A, the last line taking what the rounding left; each share is within one fen
// of its exact proportion A·w_i/W, and since A ≤ W each is between 0 and its
// weight (so no line's payable goes below 0). A line of weight 0 gets 0.
// (Flooring each share and giving the last line "the rest" does not have this
// property: over 3 lines of 100, 100 and 1 fen the rest can exceed 1 fen.)
//
// Needs 0 ≤ amount ≤ Σ weights and every weight ≥ 0; otherwise returns an
// empty vector.
std::vector<Money> apportion(Money amount, const std::vector<Money>& weights);

}  // namespace orders
