#include "lifecycle/settlement.h"

#include "store/hold_store.h"
#include "store/order_store.h"
#include "store/participant_store.h"

#include <ranges>

namespace orders {

namespace {

// How long the durable safety net waits before re-running a settlement that
// the request normally finishes inline.
constexpr int64_t kSettleRetryMs = 30'000;
constexpr std::string_view kSettleTimer = "settle";

std::vector<int64_t> skus_of(const Order& order) {
  std::vector<int64_t> skus;
  for (const OrderItem& i : order.items) skus.push_back(i.sku_id);
  return skus;
}

}  // namespace

Status Settlement::schedule(Txn& txn, int64_t order_id, int64_t now_ms) {
  return txn.schedule_timer(kSettleTimer, id_text(order_id), now_ms + kSettleRetryMs);
}

Status Settlement::settle(int64_t order_id, const bz_request* req) const {
  const uint32_t shard = host_.shard_of_id(order_id);
  Order order;
  std::vector<ParticipantRow> rows;
  {
    BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_READ, req));
    BAZAAR_ASSIGN_OR_RETURN(std::optional<Order> loaded, OrderStore::load(txn, order_id));
    if (!loaded) return bazaar::ok_status();
    order = std::move(*loaded);
    BAZAAR_ASSIGN_OR_RETURN(rows, ParticipantStore::load(txn, order_id));
  }
  const std::vector<int64_t> skus = skus_of(order);

  // One participant moved from `from` to `to`, then its row.
  auto step = [&](ParticipantRow& row, ParticipantState to, std::string_view reason) -> Status {
    const Participant* known = chain_.find(row.name);
    // A participant the chain no longer names (configuration changed since
    // the order): its plugin is still called by prefix.
    const ServiceParticipant fallback(host_, row.name, Stage::kAfter);
    const Participant& p = known != nullptr ? *known : fallback;
    SettleContext ctx{order_id, order.user_id, order.merchant_id, &skus, &row.data, nullptr, reason, true, req};
    std::optional<Hold> hold;
    if (to == ParticipantState::kConfirmed) {
      BAZAAR_ASSIGN_OR_RETURN(Confirmed confirmed, p.confirm(ctx));
      hold = std::move(confirmed.hold);
    } else {
      BAZAAR_RETURN_IF_ERROR(p.cancel(ctx));
    }
    BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, req));
    BAZAAR_RETURN_IF_ERROR(ParticipantStore::move(txn, order_id, row.seq, row.state, to));
    if (hold) {
      BAZAAR_RETURN_IF_ERROR(HoldStore::place(txn, order_id, *hold));
      OrderStore::invalidate_after_commit(txn, order_id, order.user_id);
    }
    BAZAAR_RETURN_IF_ERROR(txn.commit());
    row.state = to;
    return bazaar::ok_status();
  };

  const bool paid = is_paid_state(order.status) || order.status == OrderStatus::kRefunded;
  if (paid) {
    for (ParticipantRow& row : rows) {
      if (row.state == ParticipantState::kTried) BAZAAR_RETURN_IF_ERROR(step(row, ParticipantState::kConfirmed, "paid"));
    }
  }
  if (order.status == OrderStatus::kCancelled || order.status == OrderStatus::kRefunded) {
    const bool refunded = order.status == OrderStatus::kRefunded;
    const ParticipantState from = refunded ? ParticipantState::kConfirmed : ParticipantState::kTried;
    for (ParticipantRow& row : std::views::reverse(rows)) {
      if (row.state == from) {
        BAZAAR_RETURN_IF_ERROR(step(row, ParticipantState::kCancelled, refunded ? "refund" : "cancel"));
      }
    }
  }
  return bazaar::ok_status();
}

Status Settlement::on_settle_timer(const bazaar::sdk::Timer& timer) const {
  auto id = parse_id_text(timer.key());
  if (!id) return bazaar::ok_status();  // not ours to understand: drop it
  return settle(*id, nullptr);
}

}  // namespace orders
