#include "lifecycle/payment_timeout.h"

#include "participants/attempt_guard.h"
#include "store/idempotency_store.h"
#include "store/order_store.h"

namespace orders {

Status PaymentTimeout::on_timer(const bazaar::sdk::Timer& timer) const {
  const std::optional<int64_t> id = parse_id_text(timer.key());
  const std::optional<GuardPayload> payload = GuardPayload::decode(timer.payload());
  if (!id || !payload) {
    host_.log(BZ_LOG_ERROR, "payment_timeout timer " + std::string(timer.key()) + " dropped: malformed");
    return bazaar::ok_status();
  }
  const int64_t order_id = *id;
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(order_id), BZ_TXN_WRITE, nullptr));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<Order> order, OrderStore::load(txn, order_id));
  if (order) {
    if (order->status != OrderStatus::kPendingPayment) {
      BAZAAR_RETURN_IF_ERROR(txn.commit());  // nothing written
      return settlement_.settle(order_id, nullptr);
    }
    Move timeout{OrderStatus::kCancelled, "system", "payment_timeout", {{"reason", "payment_timeout"}}};
    BAZAAR_ASSIGN_OR_RETURN(const bool moved, moves_.run(std::move(txn), *order, timeout, nullptr));
    if (!moved) return settlement_.settle(order_id, nullptr);  // paid or cancelled meanwhile
    return bazaar::ok_status();
  }
  BAZAAR_RETURN_IF_ERROR(OrderStore::void_id(txn, order_id, host_.now_ms()));
  if (!payload->legacy_key.empty()) {
    BAZAAR_RETURN_IF_ERROR(IdempotencyStore::drop_stale_claim(txn, payload->user_id, payload->legacy_key, order_id));
  }
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  return abandon(order_id, *payload);
}

Status PaymentTimeout::abandon(int64_t order_id, const GuardPayload& payload) const {
  const Json nothing = Json::object();
  for (auto it = payload.participants.rbegin(); it != payload.participants.rend(); ++it) {
    const Participant* known = chain_.find(it->name);
    const ServiceParticipant fallback(host_, it->name, Stage::kAfter);
    const Participant& p = known != nullptr ? *known : fallback;
    SettleContext ctx{order_id, payload.user_id, 0, &payload.sku_ids, &nothing, &it->value, "abandoned", false, nullptr};
    BAZAAR_RETURN_IF_ERROR(p.cancel(ctx));
  }
  // Stock last; this timer completes itself, so it lifts nothing.
  SettleContext stock{order_id, payload.user_id, 0, &payload.sku_ids, &nothing, nullptr, "abandoned", false, nullptr};
  return chain_.stock().cancel(stock);
}

}  // namespace orders
