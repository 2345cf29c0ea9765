#include "lifecycle/holds.h"

#include "events/order_events.h"
#include "store/order_store.h"

namespace orders {

Result<Order> Holds::place(int64_t order_id, const Hold& hold, const bz_request* req) const {
  const Error not_found = bazaar::not_found("ORDER_NOT_FOUND", "no such order");
  const uint32_t shard = host_.shard_of_id(order_id);
  if (shard >= host_.shard_count()) return not_found;
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, req));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<Order> order, OrderStore::load(txn, order_id));
  if (!order) return not_found;
  if (order->status != OrderStatus::kPendingPayment && order->status != OrderStatus::kPaid) {
    return bazaar::conflict("BAD_ORDER_STATUS", "an order that is " + std::string(to_string(order->status)) +
                                                    " cannot be held back from shipping");
  }
  BAZAAR_RETURN_IF_ERROR(HoldStore::place(txn, order_id, hold));
  OrderStore::invalidate_after_commit(txn, order_id, order->user_id);
  BAZAAR_ASSIGN_OR_RETURN(order->holds, HoldStore::open(txn, order_id));
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  return std::move(*order);
}

Result<HoldRelease> Holds::release(int64_t order_id, std::string_view name, std::string_view released_by,
                                   const bz_request* req) const {
  const uint32_t shard = host_.shard_of_id(order_id);
  if (shard >= host_.shard_count()) return bazaar::not_found("ORDER_NOT_FOUND", "no such order");
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, req));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<Order> order, OrderStore::load(txn, order_id));
  if (!order) return bazaar::not_found("ORDER_NOT_FOUND", "no such order");
  BAZAAR_ASSIGN_OR_RETURN(const HoldRelease released, HoldStore::release(txn, order_id, name, released_by, host_.now_ms()));
  if (released == HoldRelease::kNoSuchHold) {
    return bazaar::not_found("HOLD_NOT_FOUND", "the order has no hold named " + std::string(name));
  }
  if (released == HoldRelease::kReleased) {
    Json event = events::order_event(*order);
    event["hold"] = name;
    BAZAAR_RETURN_IF_ERROR(txn.publish(events::kHoldReleased, event));
    OrderStore::invalidate_after_commit(txn, order_id, order->user_id);
    BAZAAR_RETURN_IF_ERROR(txn.commit());
  }
  return released;
}

}  // namespace orders
