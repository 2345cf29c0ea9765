#include "lifecycle/refunds.h"

#include "events/order_events.h"
#include "store/order_store.h"
#include "store/refund_store.h"
#include "store/sku_store.h"

namespace orders {

namespace {

constexpr std::string_view kRestockTimer = "refund_restock";

Error order_not_found() { return bazaar::not_found("ORDER_NOT_FOUND", "no such order"); }

Error bad_status(OrderStatus current) {
  return bazaar::conflict("BAD_ORDER_STATUS",
                          "order is " + std::string(to_string(current)) + ", not paid, shipped or delivered");
}

std::string ref_of(int64_t refund_id, int line) { return "refund:" + id_text(refund_id) + ":" + std::to_string(line); }

}  // namespace

Result<RefundOutcome> Refunds::refund_lines(int64_t order_id, int64_t merchant_id, const RefundRequest& request,
                                            const std::string& actor, const bz_request* req) const {
  const uint32_t shard = host_.shard_of_id(order_id);
  if (shard >= host_.shard_count()) return order_not_found();
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, req));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<Order> order, OrderStore::load(txn, order_id));
  // Another merchant's order is not found, exactly as if it did not exist.
  if (!order || order->merchant_id != merchant_id) return order_not_found();
  if (!is_paid_state(order->status)) return bad_status(order->status);
  // Resolved against what is left of each line while the write lock is held;
  // the conditional UPDATEs in apply() check it again in SQL all the same.
  BAZAAR_ASSIGN_OR_RETURN(const RefundPlan plan, plan_refund(*order, request));
  return apply(std::move(txn), std::move(*order), plan, request.reason, actor, req);
}

Result<RefundOutcome> Refunds::refund_all(int64_t order_id, const std::string& reason, const std::string& actor,
                                          const bz_request* req) const {
  const uint32_t shard = host_.shard_of_id(order_id);
  if (shard >= host_.shard_count()) return order_not_found();
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, req));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<Order> order, OrderStore::load(txn, order_id));
  if (!order) return order_not_found();
  if (order->status == OrderStatus::kRefunded) {
    BAZAAR_ASSIGN_OR_RETURN(const std::optional<int64_t> latest, RefundStore::latest(txn, order_id));
    return RefundOutcome{latest.value_or(0), kZero, std::move(*order), true};
  }
  if (!is_paid_state(order->status)) return bad_status(order->status);
  const RefundPlan plan = plan_full_refund(*order);
  return apply(std::move(txn), std::move(*order), plan, reason, actor, req);
}

Result<RefundOutcome> Refunds::apply(Txn txn, Order order, const RefundPlan& plan, const std::string& reason,
                                     const std::string& actor, const bz_request* req) const {
  const int64_t now = host_.now_ms();
  const int64_t refund_id = host_.next_id(host_.shard_of_id(order.id));
  if (refund_id <= 0) return bazaar::internal_error("no id for the refund");

  Json timer_lines = Json::array();
  for (const RefundLine& line : plan.lines) {
    BAZAAR_ASSIGN_OR_RETURN(const bool taken, OrderStore::refund_line(txn, order.id, line.line, line.qty, line.amount));
    if (!taken) {  // the Txn rolls back every line already changed
      return bazaar::failed_precondition("REFUND_EXCEEDS_PAID",
                                         "line " + std::to_string(line.line) + " has less left to refund");
    }
    OrderItem& item = order.items[static_cast<size_t>(line.line) - 1];
    item.refunded_qty += line.qty;
    item.refunded_amount += line.amount;
    if (line.qty > 0) {
      timer_lines.push_back({{"sku_id", id_text(line.sku_id)}, {"qty", line.qty}, {"ref", ref_of(refund_id, line.line)}});
    }
  }
  BAZAAR_RETURN_IF_ERROR(RefundStore::insert(txn, refund_id, order.id, plan, reason, actor, now));
  BAZAAR_RETURN_IF_ERROR(OrderStore::add_refunded(txn, order.id, plan.total, now));
  order.refunded += plan.total;
  order.updated_ms = now;
  BAZAAR_RETURN_IF_ERROR(OrderStore::add_history(txn, order.id, order.status, order.status, actor,
                                                 "refund:" + id_text(refund_id) + ":" + std::to_string(plan.total.in_fen()),
                                                 now));
  const Json timer_payload = {{"order_id", id_text(order.id)}, {"lines", timer_lines}};
  BAZAAR_RETURN_IF_ERROR(txn.schedule_timer(kRestockTimer, id_text(refund_id), now, timer_payload.dump()));
  Json event = events::order_event(order);
  if (plan.completes_order) event["status"] = to_string(OrderStatus::kRefunded);
  event["refund_id"] = id_text(refund_id);
  event["amount"] = plan.total;
  BAZAAR_RETURN_IF_ERROR(txn.publish(events::kRefunded, event));

  if (plan.completes_order) {
    BAZAAR_ASSIGN_OR_RETURN(const bool moved,
                            moves_.run(std::move(txn), order, Move{OrderStatus::kRefunded, actor, "refunded"}, req));
    // The write lock is held since the load: the move cannot lose a race.
    if (!moved) return bad_status(order.status);
  } else {
    OrderStore::invalidate_after_commit(txn, order.id, order.user_id);
    BAZAAR_RETURN_IF_ERROR(txn.commit());
  }
  // Committed: the rest is best effort, the restock timer finishes what fails here.
  for (const RefundLine& line : plan.lines) {
    if (line.qty == 0) continue;
    if (Status s = restock(ref_of(refund_id, line.line), line.sku_id, line.qty, req); !s.ok()) {
      host_.log(BZ_LOG_WARN, "refund " + id_text(refund_id) + ": restock of line " + std::to_string(line.line) +
                                 " left to its timer: " + s.error().message());
    }
  }
  return RefundOutcome{refund_id, plan.total, std::move(order), false};
}

Status Refunds::restock(std::string_view ref, int64_t sku_id, int64_t qty, const bz_request* req) const {
  const uint32_t shard = host_.shard_of_id(sku_id);
  if (shard >= host_.shard_count()) return bazaar::ok_status();
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, req));
  BAZAAR_RETURN_IF_ERROR(SkuStore::restock(txn, ref, sku_id, qty, host_.now_ms()));
  return txn.commit();
}

Status Refunds::on_restock_timer(const bazaar::sdk::Timer& timer) const {
  // Parse every line first: a payload this code did not write can never
  // succeed, so it is logged and dropped instead of retried for ever.
  struct Pending {
    std::string ref;
    int64_t sku_id = 0;
    int64_t qty = 0;
  };
  std::vector<Pending> pending;
  const Json payload = Json::parse(timer.payload(), nullptr, /*allow_exceptions=*/false);
  bool valid = payload.is_object() && payload.contains("lines") && payload["lines"].is_array();
  if (valid) {
    for (const Json& line : payload["lines"]) {
      if (!line.is_object() || !line.contains("sku_id") || !line.contains("ref") || !line["ref"].is_string()) {
        valid = false;
        break;
      }
      auto sku = parse_id(line["sku_id"], "sku_id", "BAD_TIMER_PAYLOAD");
      auto qty = int_field(line, "qty", 1, INT64_MAX, "BAD_TIMER_PAYLOAD");
      if (!sku.ok() || !qty.ok()) {
        valid = false;
        break;
      }
      pending.push_back({line["ref"].get<std::string>(), *sku, *qty});
    }
  }
  if (!valid) {
    host_.log(BZ_LOG_ERROR, "refund_restock timer " + std::string(timer.key()) + " dropped: malformed payload " +
                                std::string(timer.payload().substr(0, 200)));
    return bazaar::ok_status();
  }
  Status first = bazaar::ok_status();
  for (const Pending& p : pending) {
    // Every line gets its chance on each run; the first failure makes the host
    // retry them all (the lines already done are no-ops by their ref).
    Status done = restock(p.ref, p.sku_id, p.qty, nullptr);
    if (!done.ok() && first.ok()) first = done;
  }
  return first;
}

}  // namespace orders
