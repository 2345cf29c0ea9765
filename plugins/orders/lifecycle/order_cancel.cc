#include "order_cancel.h"

#include "order_store.h"

namespace orders {

using bazaar::sdk::Reply;
using bazaar::sdk::Request;

Result<Reply> OrderCancel::cancel(const Request& req) {
  auto id = parse_id_text(req.param("id"));
  const int64_t user = req.identity().subject_id;
  if (!id || host_.shard_of_id(*id) >= host_.shard_count()) {
    return bazaar::not_found("ORDER_NOT_FOUND", "no such order");
  }
  std::string reason = "cancelled by buyer";
  auto body = optional_object_body(req.body());
  if (!body.ok()) return body.error();
  if (Status s = only_fields(*body, {"reason"}); !s.ok()) return s.error();
  if (auto r = body->find("reason"); r != body->end()) {
    if (!r->is_string() || r->get_ref<const std::string&>().size() > 200) {
      return bazaar::invalid_argument("INVALID_BODY", "reason is text of at most 200 bytes");
    }
    reason = r->get<std::string>();
  }
  const int64_t now = host_.now_ms();
  auto txn = host_.begin(host_.shard_of_id(*id), BZ_TXN_WRITE, req.raw());
  if (!txn.ok()) return txn.error();
  auto loaded = OrderStore::load(*txn, *id);
  if (!loaded.ok()) return loaded.error();
  if (!*loaded || (*loaded)->user_id != user) {
    return bazaar::not_found("ORDER_NOT_FOUND", "no such order");
  }
  Order order = std::move(**loaded);
  if (order.status == kCancelled) return Reply::json(order_json(order));  // already: same answer
  auto moved = OrderStore::transition(*txn, order.id, kPendingPayment, kCancelled, actor_of(req.identity()),
                                      reason, now);
  if (!moved.ok()) return moved.error();
  if (!*moved) {
    return bazaar::conflict("ORDER_NOT_CANCELLABLE", "only an unpaid order can be cancelled; it is " + order.status);
  }
  // Orders created before the timer moved to the first reservation's shard
  // (26920de) have it here; the others' timer goes with the settlement's
  // release of their stock.
  if (Status s = Settlement::cancel_payment_timeout(*txn, order.id); !s.ok()) return s.error();
  if (Status s = Settlement::schedule(*txn, order.id, now); !s.ok()) return s.error();
  if (Status s = txn->publish("order.cancelled.", {{"order_id", id_text(order.id)},
                                                   {"user_id", id_text(order.user_id)},
                                                   {"merchant_id", id_text(order.merchant_id)},
                                                   {"status", kCancelled},
                                                   {"reason", "buyer"}});
      !s.ok()) {
    return s.error();
  }
  OrderStore::invalidate_after_commit(*txn, order.id, order.user_id);
  if (Status s = txn->commit(); !s.ok()) return s.error();
  if (Status s = settlement_.settle(order.id, req.raw()); !s.ok()) {
    host_.log(BZ_LOG_WARN, "settling a cancelled order (the timer retries): " + s.error().message());
  }
  order.status = std::string(kCancelled);
  order.updated_ms = now;
  return Reply::json(order_json(order));
}

}  // namespace orders
