#include "lifecycle/order_cancel.h"

#include "store/order_store.h"

namespace orders {

Result<Order> OrderCancel::cancel(const CancelRequest& request, const bz_request* req) const {
  const Error not_found = bazaar::not_found("ORDER_NOT_FOUND", "no such order");
  const uint32_t shard = host_.shard_of_id(request.order_id);
  if (shard >= host_.shard_count()) return not_found;
  BAZAAR_ASSIGN_OR_RETURN(auto txn, host_.begin(shard, BZ_TXN_WRITE, req));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<Order> order, OrderStore::load(txn, request.order_id));
  if (!order || (request.owner && order->user_id != *request.owner)) return not_found;
  if (order->status == OrderStatus::kCancelled) return std::move(*order);  // already: same answer
  if (order->status != OrderStatus::kPendingPayment) {
    return bazaar::conflict("ORDER_NOT_CANCELLABLE", "only an unpaid order can be cancelled; it is " +
                                                         std::string(to_string(order->status)));
  }
  const Move move{OrderStatus::kCancelled, request.actor, request.reason, {{"reason", request.event_reason}}};
  BAZAAR_ASSIGN_OR_RETURN(const bool moved, moves_.run(std::move(txn), *order, move, req));
  // We hold the shard's write lock since the load, so this cannot lose a race; kept as the guard.
  if (!moved) return bazaar::conflict("ORDER_NOT_CANCELLABLE", "the order changed while cancelling; read it again");
  return std::move(*order);
}

}  // namespace orders
