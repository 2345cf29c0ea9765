#include "settlement.h"

#include "flash_sales.h"
#include "idempotency.h"
#include "order_store.h"

namespace orders {

using bazaar::sdk::Txn;

namespace {

// How long the durable safety net waits before re-running a settlement that
// the request normally finishes inline.
constexpr int64_t kSettleRetryMs = 30'000;

struct ParticipantRow {
  int64_t seq = 0;
  std::string name;
  std::string state;
  Json data;
};

Result<std::vector<ParticipantRow>> load_participants(Txn& txn, int64_t order_id) {
  auto stmt = txn.prepare(
      "SELECT seq, name, state, data FROM orders_participants WHERE order_id = ?1 ORDER BY seq");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, order_id);
  std::vector<ParticipantRow> rows;
  while (true) {
    auto more = stmt->step();
    if (!more.ok()) return more.error();
    if (!*more) break;
    rows.push_back({stmt->int64(0), std::string(stmt->text(1)), std::string(stmt->text(2)),
                    Json::parse(stmt->text(3), nullptr, false)});
  }
  return rows;
}

std::vector<int64_t> skus_of(const Order& order) {
  std::vector<int64_t> skus;
  for (const OrderItem& i : order.items) skus.push_back(i.sku_id);
  return skus;
}

}  // namespace

Status Settlement::schedule(Txn& txn, int64_t order_id, int64_t now_ms) {
  return txn.schedule_timer("settle", id_text(order_id), now_ms + kSettleRetryMs);
}

Status Settlement::schedule_payment_timeout(Txn& txn, int64_t order_id, int64_t user_id,
                                            const std::vector<int64_t>& sku_ids, int64_t due_ms) {
  Json payload = {{"user_id", user_id}, {"skus", Idempotency::encode_skus(sku_ids)}};
  return txn.schedule_timer("payment_timeout", id_text(order_id), due_ms, payload.dump());
}

Status Settlement::cancel_payment_timeout(Txn& txn, int64_t order_id) {
  auto cancelled = txn.cancel_timer("payment_timeout", id_text(order_id));
  if (!cancelled.ok()) return cancelled.error();
  return bazaar::ok_status();
}

Status Settlement::settle(int64_t order_id, const bz_request* req) const {
  const uint32_t shard = host_.shard_of_id(order_id);
  Order order;
  std::vector<ParticipantRow> participants;
  {
    auto txn = host_.begin(shard, BZ_TXN_READ, req);
    if (!txn.ok()) return txn.error();
    auto loaded = OrderStore::load(*txn, order_id);
    if (!loaded.ok()) return loaded.error();
    if (!*loaded) return bazaar::ok_status();
    order = std::move(**loaded);
    auto rows = load_participants(*txn, order_id);
    if (!rows.ok()) return rows.error();
    participants = std::move(*rows);
  }
  const bool cancelled = order.status == kCancelled;
  const bool refunded = order.status == kRefunded;
  const bool paid = is_paid_state(order.status) || refunded;
  if (!cancelled && !paid) return bazaar::ok_status();  // still waiting for payment

  // Once the stock is sold or back, the payment_timeout timer guarding it
  // has nothing left to do: it goes with the last move.
  Stock::FirstShardHooks timeout;
  timeout.on_end = [order_id](Txn& txn) { return cancel_payment_timeout(txn, order_id); };

  for (const ParticipantRow& p : participants) {
    // The target state of this participant, and the effect that gets it there.
    std::string target;
    if (cancelled && p.state == "TRIED") target = "CANCELLED";
    if (paid && p.state == "TRIED") target = "CONFIRMED";
    // A full refund cancels the outside participants (a coupon comes back);
    // the stock of refunded lines is restocked per refund, not here.
    if (refunded && p.name != "stock" && p.state != "CANCELLED") target = "CANCELLED";
    if (target.empty()) continue;

    Status effect = bazaar::ok_status();
    if (p.name == "stock") {
      if (target == "CONFIRMED") {
        effect = stock_.confirm(order_id, skus_of(order), &timeout, req);
      } else {
        auto restored = stock_.release(order_id, skus_of(order), &timeout, req);
        if (restored.ok()) {
          for (int64_t flash : *restored) flash_.mark_restocked(flash);
        }
        effect = restored.ok() ? bazaar::ok_status() : Status(restored.error());
      }
    } else {
      Json input = {{"order_id", id_text(order_id)}, {"user_id", id_text(order.user_id)},
                    {"data", p.data}, {"reason", refunded ? "refund" : order.status == kCancelled ? "cancel" : "paid"}};
      effect = target == "CONFIRMED" ? participants_.confirm(p.name, input, req)
                                     : participants_.cancel(p.name, input, req);
    }
    if (!effect.ok()) return effect;  // the timer runs it again; earlier steps are done for good

    auto txn = host_.begin(shard, BZ_TXN_WRITE, req);
    if (!txn.ok()) return txn.error();
    auto marked = txn->exec(
        "UPDATE orders_participants SET state = ?1 WHERE order_id = ?2 AND seq = ?3 AND state = ?4",
        target, order_id, p.seq, p.state);
    if (!marked.ok()) return marked.error();
    if (Status s = txn->commit(); !s.ok()) return s;
  }
  return bazaar::ok_status();
}

Status Settlement::on_settle_timer(const bazaar::sdk::Timer& timer) const {
  auto id = parse_id_text(timer.key());
  if (!id) return bazaar::ok_status();  // not ours to understand: drop it
  return settle(*id, nullptr);
}

Status Settlement::on_payment_timeout(const bazaar::sdk::Timer& timer) const {
  auto id = parse_id_text(timer.key());
  if (!id) return bazaar::ok_status();
  const int64_t order_id = *id;
  Json payload = Json::parse(timer.payload(), nullptr, false);
  if (!payload.is_object()) return bazaar::ok_status();
  const int64_t user_id = payload.value("user_id", int64_t{0});
  const std::string key = payload.value("key", std::string());
  const std::vector<int64_t> skus = Idempotency::decode_skus(payload.value("skus", std::string()));
  const int64_t now = host_.now_ms();

  auto txn = host_.begin(host_.shard_of_id(order_id), BZ_TXN_WRITE, nullptr);
  if (!txn.ok()) return txn.error();
  auto loaded = OrderStore::load(*txn, order_id);
  if (!loaded.ok()) return loaded.error();
  if (*loaded) {
    const Order& order = **loaded;
    if (order.status == kPendingPayment) {
      auto moved = OrderStore::transition(*txn, order_id, kPendingPayment, kCancelled, "system",
                                          "payment_timeout", now);
      if (!moved.ok()) return moved.error();
      if (*moved) {
        if (Status s = txn->publish("order.cancelled.", {{"order_id", id_text(order_id)},
                                                         {"user_id", id_text(order.user_id)},
                                                         {"merchant_id", id_text(order.merchant_id)},
                                                         {"status", kCancelled},
                                                         {"reason", "payment_timeout"}});
            !s.ok()) {
          return s;
        }
        if (Status s = schedule(*txn, order_id, now); !s.ok()) return s;
        OrderStore::invalidate_after_commit(*txn, order_id, order.user_id);
      }
    }
    if (Status s = txn->commit(); !s.ok()) return s;
    return settle(order_id, nullptr);
  }
  // No order: the attempt that reserved for this id ended (or is still stuck)
  // before committing it. Void the id first, in this transaction, so that the
  // order can never commit now; then the stock is ours to release. A timer of
  // the earlier claim-first creation (scheduled on this shard with a `key`)
  // also drops its claim if that is still IN_FLIGHT.
  if (Status s = OrderStore::void_id(*txn, order_id, now); !s.ok()) return s;
  if (!key.empty()) {
    auto dropped = txn->exec(
        "DELETE FROM orders_idempotency WHERE user_id = ?1 AND key = ?2 AND order_id = ?3 "
        "AND state = 'IN_FLIGHT'",
        user_id, key, order_id);
    if (!dropped.ok()) return dropped.error();
  }
  if (Status s = txn->commit(); !s.ok()) return s;
  auto restored = stock_.release(order_id, skus, nullptr, nullptr);  // this timer completes itself
  if (!restored.ok()) return restored.error();
  for (int64_t flash : *restored) flash_.mark_restocked(flash);
  return bazaar::ok_status();
}

}  // namespace orders
