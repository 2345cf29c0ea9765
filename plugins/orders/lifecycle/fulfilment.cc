#include "lifecycle/fulfilment.h"

#include "store/order_store.h"
#include "store/participant_store.h"

namespace orders {

namespace {

Error bad_status(OrderStatus current, OrderStatus wanted) {
  return bazaar::conflict("BAD_ORDER_STATUS",
                          "order is " + std::string(to_string(current)) + ", not " + std::string(to_string(wanted)));
}

// Shipping needs the order free: no open hold, every participant confirmed.
Status free_to_ship(Txn& txn, const Order& order) {
  if (!order.holds.empty()) {
    std::string names;
    for (const Hold& h : order.holds) names += (names.empty() ? "" : ", ") + h.name;
    return bazaar::conflict("ORDER_ON_HOLD", "the order is on hold (" + names + "); it ships once released");
  }
  BAZAAR_ASSIGN_OR_RETURN(const std::vector<ParticipantRow> rows, ParticipantStore::load(txn, order.id));
  for (const ParticipantRow& row : rows) {
    if (row.state == ParticipantState::kTried) {
      return bazaar::conflict("ORDER_SETTLING", "the order's " + row.name + " participant is still being confirmed; "
                                                "retry shortly");
    }
  }
  return bazaar::ok_status();
}

}  // namespace

template <class Ready>
Result<Order> Fulfilment::move(int64_t order_id, int64_t merchant_id, OrderStatus from, Move move, Ready&& ready,
                               const bz_request* req) const {
  const Error not_found = bazaar::not_found("ORDER_NOT_FOUND", "no such order");
  const uint32_t shard = host_.shard_of_id(order_id);
  if (shard >= host_.shard_count() || merchant_id <= 0) return not_found;
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, req));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<Order> order, OrderStore::load(txn, order_id));
  // Another merchant's order is not found, exactly as if it did not exist.
  if (!order || order->merchant_id != merchant_id) return not_found;
  if (order->status != from) return bad_status(order->status, from);
  // The write lock is held since the load: these checks and the move are one step.
  BAZAAR_RETURN_IF_ERROR(ready(txn, *order));
  BAZAAR_ASSIGN_OR_RETURN(const bool moved, moves_.run(std::move(txn), *order, move, req));
  if (!moved) return bad_status(order->status, from);
  return std::move(*order);
}

Result<Order> Fulfilment::ship(int64_t order_id, int64_t merchant_id, const std::string& carrier,
                               const std::string& tracking, const std::string& actor, const bz_request* req) const {
  Move shipped{OrderStatus::kShipped, actor, "shipped"};
  if (!carrier.empty() || !tracking.empty()) {
    shipped.reason += ":" + carrier + ":" + tracking;
    shipped.event = {{"carrier", carrier}, {"tracking", tracking}};
  }
  return move(order_id, merchant_id, OrderStatus::kPaid, shipped, free_to_ship, req);
}

Result<Order> Fulfilment::deliver(int64_t order_id, int64_t merchant_id, const std::string& actor,
                                  const bz_request* req) const {
  return move(order_id, merchant_id, OrderStatus::kShipped, Move{OrderStatus::kDelivered, actor, "delivered"},
              [](Txn&, const Order&) { return bazaar::ok_status(); }, req);
}

}  // namespace orders
