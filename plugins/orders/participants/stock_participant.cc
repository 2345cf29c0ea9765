#include "participants/stock_participant.h"

#include "participants/attempt_guard.h"
#include "participants/flash_gate.h"
#include "store/flash_store.h"
#include "store/sku_store.h"

#include <map>
#include <ranges>

namespace orders {

namespace {

Error unknown_sku(int64_t sku_id) {
  return bazaar::failed_precondition("UNKNOWN_SKU", "SKU " + id_text(sku_id) + " is not for sale");
}

// Line indexes by the shard of their SKU, in shard order (every attempt locks
// shards in the same order: no deadlock between two of them).
Result<std::map<uint32_t, std::vector<size_t>>> lines_by_shard(const bazaar::sdk::Host& host,
                                                               const std::vector<RequestedLine>& lines) {
  std::map<uint32_t, std::vector<size_t>> shards;
  for (size_t i = 0; i < lines.size(); ++i) {
    const uint32_t shard = host.shard_of_id(lines[i].sku_id);
    if (shard >= host.shard_count()) return unknown_sku(lines[i].sku_id);  // no SKU of this node
    shards[shard].push_back(i);
  }
  return shards;
}

void describe(Tried& tried, int line, int64_t merchant_id, const std::string& title, Money price) {
  tried.price.facts.push_back({line, merchant_id, title});
  tried.price.unit_prices.push_back({line, price});
}

}  // namespace

Result<Tried> StockParticipant::try_reserve(const TryContext& ctx) const {
  const std::vector<RequestedLine>& lines = ctx.request->lines;
  BAZAAR_ASSIGN_OR_RETURN(const auto shards, lines_by_shard(host_, lines));
  Tried tried;
  tried.data = {{"guard", true}};
  std::vector<int64_t> done;  // SKUs whose shard committed, to undo on a later failure
  for (const auto& [shard, indexes] : shards) {
    Status reserved = [&]() -> Status {
      BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, ctx.req));
      for (size_t i : indexes) {
        const RequestedLine& want = lines[i];
        BAZAAR_ASSIGN_OR_RETURN(auto taken,
                                SkuStore::reserve(txn, ctx.order_id, ctx.user_id, want.sku_id, want.qty, ctx.now_ms));
        if (!taken) return SkuStore::why_not_reserved(txn, want.sku_id);  // rolls back this shard
        describe(tried, static_cast<int>(i) + 1, taken->merchant_id, taken->title, taken->price);
      }
      // The first shard to commit carries the guard: held stock always has the timer that gives it back.
      if (ctx.guard != nullptr && done.empty()) BAZAAR_RETURN_IF_ERROR(ctx.guard->place(txn));
      return txn.commit();
    }();
    if (!reserved.ok()) {
      if (!done.empty()) {
        const Json data = tried.data;
        SettleContext undo{ctx.order_id, ctx.user_id, 0, &done, &data, nullptr, "abandoned", true, ctx.req};
        if (Status undone = move_all(undo, Move::kUndo); !undone.ok()) {
          // The guard releases them at the payment deadline.
          host_.log(BZ_LOG_WARN, "undoing a failed reservation: " + undone.error().message());
        }
      }
      return reserved.error();
    }
    for (size_t i : indexes) done.push_back(lines[i].sku_id);
  }
  return tried;
}

Result<Tried> StockParticipant::quote(const TryContext& ctx) const {
  const std::vector<RequestedLine>& lines = ctx.request->lines;
  BAZAAR_ASSIGN_OR_RETURN(const auto shards, lines_by_shard(host_, lines));
  Tried tried;
  for (const auto& [shard, indexes] : shards) {
    BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_READ, ctx.req));
    for (size_t i : indexes) {
      BAZAAR_ASSIGN_OR_RETURN(std::optional<Sku> sku, SkuStore::load(txn, lines[i].sku_id));
      if (!sku || !sku->active) return unknown_sku(lines[i].sku_id);
      describe(tried, static_cast<int>(i) + 1, sku->merchant_id, sku->title, sku->price);
      if (sku->available < lines[i].qty && !tried.refused) {
        tried.refused = bazaar::conflict("SOLD_OUT", "not enough stock for SKU " + id_text(sku->id));
      }
    }
  }
  return tried;
}

Result<Confirmed> StockParticipant::confirm(const SettleContext& ctx) const {
  BAZAAR_RETURN_IF_ERROR(move_all(ctx, Move::kConfirm));
  return Confirmed{};
}

Status StockParticipant::cancel(const SettleContext& ctx) const {
  // A refund gives units back per refunded line (lifecycle/refunds.h), not here.
  if (ctx.reason == "refund") return bazaar::ok_status();
  return move_all(ctx, ctx.reason == "abandoned" ? Move::kUndo : Move::kRelease);
}

Status StockParticipant::move_all(const SettleContext& ctx, Move how) const {
  std::map<uint32_t, std::vector<int64_t>> shards;
  for (int64_t sku : *ctx.sku_ids) {
    const uint32_t shard = host_.shard_of_id(sku);
    if (shard < host_.shard_count()) shards[shard].push_back(sku);
  }
  if (shards.empty()) return bazaar::ok_status();
  // Orders of earlier versions placed no "guard" flag but did hold the guard.
  const bool holds_guard = ctx.data == nullptr || ctx.data->value("guard", true);
  const uint32_t first = shards.begin()->first;
  const ReservationMove move = how == Move::kConfirm   ? ReservationMove::kConfirm
                               : how == Move::kRelease ? ReservationMove::kRelease
                                                       : ReservationMove::kUndo;
  const int64_t now = host_.now_ms();
  std::vector<int64_t> flash_restored;
  // Every move ends on the first shard, whose guard releases the rest: a
  // failure on another shard leaves the guard in place.
  for (const auto& [shard, skus] : std::views::reverse(shards)) {
    BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, ctx.req));
    if (shard == first && holds_guard && ctx.lift_guard) {
      BAZAAR_RETURN_IF_ERROR(AttemptGuard::lift(txn, ctx.order_id));
    }
    for (int64_t sku : skus) {
      BAZAAR_ASSIGN_OR_RETURN(auto moved, SkuStore::move(txn, ctx.order_id, sku, move, now));
      if (!moved || !moved->legacy_flash_id || how == Move::kConfirm) continue;
      // An order of an earlier version kept its flash unit on the reservation.
      BAZAAR_RETURN_IF_ERROR(FlashStore::give_back(txn, *moved->legacy_flash_id, moved->user_id, moved->qty));
      flash_restored.push_back(*moved->legacy_flash_id);
    }
    BAZAAR_RETURN_IF_ERROR(txn.commit());
  }
  for (int64_t flash : flash_restored) flash_gate_.mark_restocked(flash);
  return bazaar::ok_status();
}

}  // namespace orders
