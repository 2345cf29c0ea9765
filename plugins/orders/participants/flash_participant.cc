#include "participants/flash_participant.h"

#include "participants/attempt_guard.h"
#include "participants/flash_gate.h"
#include "store/flash_store.h"

namespace orders {

namespace {

Error sale_not_found() { return bazaar::not_found("FLASH_SALE_NOT_FOUND", "no such flash sale"); }

Error limit_reached(int64_t limit) {
  return bazaar::conflict("FLASH_SALE_LIMIT_REACHED", "at most " + std::to_string(limit) + " per buyer in this sale");
}

Tried priced_at(Money price, int64_t flash_id, int64_t qty) {
  Tried tried;
  tried.price.unit_prices.push_back({1, price});
  tried.data = {{"flash_id", id_text(flash_id)}, {"qty", qty}};
  tried.flash_sale_id = flash_id;
  return tried;
}

}  // namespace

Status FlashParticipant::precheck(const OrderRequest& request, const Json* value) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, parse_id(*value, "flash_sale_id", "BAD_FLASH_SALE_ID"));
  if (request.lines.size() != 1) {
    return bazaar::failed_precondition("FLASH_SALE_MISMATCH", "a flash-sale order has exactly one line");
  }
  // The crowd of a sold-out sale is answered here, before any database work.
  if (gate_.known_sold_out(id)) {
    host_.count("flash_sold_out_answers");
    return bazaar::conflict("SOLD_OUT", "the flash sale is sold out");
  }
  return bazaar::ok_status();
}

Status FlashParticipant::check_shard(int64_t flash_id, int64_t sku_id, const bz_request* req) const {
  // A sale lives on its SKU's shard: one on another shard is not this SKU's
  // (if it exists at all: the answer must not depend on where ids landed).
  const uint32_t shard = host_.shard_of_id(flash_id);
  if (shard == host_.shard_of_id(sku_id)) return bazaar::ok_status();
  if (shard >= host_.shard_count()) return sale_not_found();
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_READ, req));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<FlashSale> sale, FlashStore::load(txn, flash_id));
  if (!sale) return sale_not_found();
  return bazaar::failed_precondition("FLASH_SALE_MISMATCH", "the flash sale is for another SKU");
}

Result<Tried> FlashParticipant::try_reserve(const TryContext& ctx) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t flash_id, parse_id(*ctx.value, "flash_sale_id", "BAD_FLASH_SALE_ID"));
  const RequestedLine& line = ctx.request->lines.at(0);
  BAZAAR_RETURN_IF_ERROR(check_shard(flash_id, line.sku_id, ctx.req));
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(flash_id), BZ_TXN_WRITE, ctx.req));
  BAZAAR_ASSIGN_OR_RETURN(auto taken, FlashStore::take(txn, flash_id, line.sku_id, line.qty, ctx.now_ms));
  if (!taken) {
    Error refused = FlashStore::refusal(txn, flash_id, line.sku_id, ctx.now_ms);
    if (refused.code() == "SOLD_OUT") gate_.mark_sold_out(flash_id);
    return refused;
  }
  BAZAAR_ASSIGN_OR_RETURN(const bool counted,
                          FlashStore::count_buyer(txn, flash_id, ctx.user_id, line.qty, taken->per_user_limit));
  if (!counted) return limit_reached(taken->per_user_limit);  // rolls the unit back too
  BAZAAR_RETURN_IF_ERROR(FlashStore::hold(txn, ctx.order_id, flash_id, ctx.user_id, line.qty, ctx.now_ms));
  if (ctx.guard != nullptr) BAZAAR_RETURN_IF_ERROR(ctx.guard->place(txn));
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  if (taken->remaining == 0) gate_.mark_sold_out(flash_id);
  return priced_at(taken->price, flash_id, line.qty);
}

Result<Tried> FlashParticipant::quote(const TryContext& ctx) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t flash_id, parse_id(*ctx.value, "flash_sale_id", "BAD_FLASH_SALE_ID"));
  const RequestedLine& line = ctx.request->lines.at(0);
  BAZAAR_RETURN_IF_ERROR(check_shard(flash_id, line.sku_id, ctx.req));
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(flash_id), BZ_TXN_READ, ctx.req));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<FlashSale> sale, FlashStore::load(txn, flash_id));
  if (!sale) return sale_not_found();
  if (sale->sku_id != line.sku_id) {
    return bazaar::failed_precondition("FLASH_SALE_MISMATCH", "the flash sale is for another SKU");
  }
  if (!sale->open_at(ctx.now_ms)) return FlashStore::refusal(txn, flash_id, line.sku_id, ctx.now_ms);
  Tried tried = priced_at(sale->price, flash_id, line.qty);
  BAZAAR_ASSIGN_OR_RETURN(const int64_t bought, FlashStore::bought(txn, flash_id, ctx.user_id));
  if (sale->remaining < line.qty) {
    tried.refused = bazaar::conflict("SOLD_OUT", "the flash sale is sold out");
  } else if (bought + line.qty > sale->per_user_limit) {
    tried.refused = limit_reached(sale->per_user_limit);
  }
  return tried;
}

std::optional<int64_t> FlashParticipant::sale_of(const SettleContext& ctx) {
  for (const Json* source : {ctx.data != nullptr && ctx.data->contains("flash_id") ? &(*ctx.data)["flash_id"] : nullptr,
                             ctx.value}) {
    if (source == nullptr) continue;
    auto id = parse_id(*source, "flash_sale_id", "BAD_FLASH_SALE_ID");
    if (id.ok()) return *id;
  }
  return std::nullopt;
}

Result<Confirmed> FlashParticipant::confirm(const SettleContext& ctx) const {
  BAZAAR_RETURN_IF_ERROR(move_hold(ctx, true));
  return Confirmed{};
}

Status FlashParticipant::cancel(const SettleContext& ctx) const {
  if (ctx.reason == "refund") return bazaar::ok_status();  // a refunded unit does not return to the sale
  return move_hold(ctx, false);
}

Status FlashParticipant::move_hold(const SettleContext& ctx, bool confirm) const {
  const std::optional<int64_t> flash_id = sale_of(ctx);
  if (!flash_id || host_.shard_of_id(*flash_id) >= host_.shard_count()) return bazaar::ok_status();  // nothing held
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(*flash_id), BZ_TXN_WRITE, ctx.req));
  BAZAAR_ASSIGN_OR_RETURN(auto held, FlashStore::move_hold(txn, ctx.order_id, *flash_id,
                                                           confirm ? FlashHoldMove::kConfirm : FlashHoldMove::kRelease,
                                                           host_.now_ms()));
  if (!held) return bazaar::ok_status();  // never held (an empty rollback), or moved already
  if (!confirm) BAZAAR_RETURN_IF_ERROR(FlashStore::give_back(txn, *flash_id, held->second, held->first));
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  if (!confirm) gate_.mark_restocked(*flash_id);
  return bazaar::ok_status();
}

}  // namespace orders
