#include "lifecycle/status_moves.h"

#include "events/order_events.h"
#include "participants/attempt_guard.h"
#include "store/order_store.h"

namespace orders {

Result<bool> StatusMoves::run(bazaar::sdk::Txn txn, Order& order, const Move& move, const bz_request* req) const {
  const OrderStatus from = order.status;
  if (!can_move(from, move.to)) {
    return bazaar::internal_error("no move from " + std::string(to_string(from)) + " to " +
                                  std::string(to_string(move.to)));
  }
  const int64_t now = host_.now_ms();
  BAZAAR_ASSIGN_OR_RETURN(const bool moved, OrderStore::set_status(txn, order.id, from, move.to, now));
  if (!moved) return false;  // the Txn rolls back as it goes
  BAZAAR_RETURN_IF_ERROR(OrderStore::add_history(txn, order.id, from, move.to, move.actor, move.reason, now));
  order.status = move.to;
  order.updated_ms = now;
  if (move.to == OrderStatus::kPaid) order.paid_ms = now;

  if (auto topic = events::topic_of_move(move.to)) {
    Json payload = events::order_event(order);
    if (move.event.is_object()) payload.update(move.event);
    BAZAAR_RETURN_IF_ERROR(txn.publish(*topic, payload));
  }
  const bool settles = settle_on_entering(move.to) != Settle::kNothing;
  if (settles) {
    BAZAAR_RETURN_IF_ERROR(AttemptGuard::lift(txn, order.id));
    BAZAAR_RETURN_IF_ERROR(Settlement::schedule(txn, order.id, now));
  }
  OrderStore::invalidate_after_commit(txn, order.id, order.user_id);
  BAZAAR_RETURN_IF_ERROR(txn.commit());

  if (settles) {
    if (Status settled = settlement_.settle(order.id, req); !settled.ok()) {
      host_.log(BZ_LOG_WARN, "order " + id_text(order.id) + ": settlement after " +
                                 std::string(to_string(move.to)) + " left to its timer: " + settled.error().message());
    }
  }
  return true;
}

}  // namespace orders
