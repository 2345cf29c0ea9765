// SQL of orders_holds (on the order's shard): named reasons an order may not
// ship yet. A hold is open until released; placing a released hold again
// opens it again.
#pragma once

#include "domain/order.h"
#include "domain/values.h"

#include "sdk_names.h"

#include <vector>

namespace orders {

enum class HoldRelease { kReleased, kAlreadyReleased, kNoSuchHold };

class HoldStore {
 public:
  // Opens `hold` on the order (or keeps it open); placed_by and placed_ms as given.
  static Status place(bazaar::sdk::Txn& txn, int64_t order_id, const Hold& hold);
  static Result<HoldRelease> release(bazaar::sdk::Txn& txn, int64_t order_id, std::string_view name,
                                     std::string_view released_by, int64_t now_ms);
  static Result<std::vector<Hold>> open(bazaar::sdk::Txn& txn, int64_t order_id);
};

}  // namespace orders
