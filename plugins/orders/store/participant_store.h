// SQL of orders_participants (on the order's shard): the saga's participants
// of one order in the order of their try, each TRIED → CONFIRMED → CANCELLED
// (a refund cancels confirmed ones) or TRIED → CANCELLED.
#pragma once

#include "domain/order.h"
#include "domain/values.h"

#include "sdk_names.h"

#include <string>
#include <vector>

namespace orders {

struct ParticipantRow {
  int64_t seq = 0;   // 1 = the first tried
  std::string name;  // "stock", "flash", or a service prefix such as "coupons"
  ParticipantState state = ParticipantState::kTried;
  Json data;         // what its try answered, handed to confirm and cancel
};

class ParticipantStore {
 public:
  static Status insert(bazaar::sdk::Txn& txn, int64_t order_id, const ParticipantRow& row);
  static Result<std::vector<ParticipantRow>> load(bazaar::sdk::Txn& txn, int64_t order_id);
  // Moves one row from `from` to `to`; false when it was not in `from`.
  static Result<bool> move(bazaar::sdk::Txn& txn, int64_t order_id, int64_t seq, ParticipantState from,
                           ParticipantState to);
};

}  // namespace orders
