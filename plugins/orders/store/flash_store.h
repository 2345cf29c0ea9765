// SQL of flash sales on their SKU's shard: orders_flash_sales (the sale and
// its remaining units), orders_flash_buyers (units each buyer holds: the
// per-user limit) and orders_flash_holds (the flash participant's Try, one
// row per order). Every limit is the WHERE of one statement, never a read
// followed by a write.
#pragma once

#include "domain/flash_sale.h"

#include "sdk_names.h"

#include <optional>
#include <vector>

namespace orders {

// What taking units found: the sale price, the per-buyer limit and the units left.
struct TakenUnits {
  Money price;
  int64_t per_user_limit = 0;
  int64_t remaining = 0;
};

enum class FlashHoldMove { kConfirm, kRelease };

class FlashStore {
 public:
  // ---- sales (merchant) ----
  static Status insert(Txn& txn, const FlashSale& sale, int64_t now_ms);
  static Result<std::optional<FlashSale>> load(Txn& txn, int64_t flash_id);
  static Result<std::vector<FlashSale>> list_by_merchant(Txn& txn, int64_t merchant_id, int64_t before_id,
                                                         int limit);
  static Status cancel(Txn& txn, int64_t flash_id, int64_t merchant_id);

  // ---- units (the flash participant) ----
  // remaining -= qty if the sale is of `sku_id`, open at now and has qty
  // left; nullopt otherwise (refusal() says why).
  static Result<std::optional<TakenUnits>> take(Txn& txn, int64_t flash_id, int64_t sku_id, int64_t qty,
                                                int64_t now_ms);
  // 404 FLASH_SALE_NOT_FOUND, 422 FLASH_SALE_MISMATCH / FLASH_SALE_ENDED /
  // FLASH_SALE_NOT_STARTED or 409 SOLD_OUT, read after take() found nothing.
  static Error refusal(Txn& txn, int64_t flash_id, int64_t sku_id, int64_t now_ms);
  // Counts qty more units against the buyer's limit in one upsert whose
  // WHERE is the limit; false when it would pass `limit`.
  static Result<bool> count_buyer(Txn& txn, int64_t flash_id, int64_t user_id, int64_t qty, int64_t limit);
  // Units the buyer holds in the sale (0 when none).
  static Result<int64_t> bought(Txn& txn, int64_t flash_id, int64_t user_id);
  // Gives back qty units to the sale and the buyer's allowance.
  static Status give_back(Txn& txn, int64_t flash_id, int64_t user_id, int64_t qty);

  // ---- holds ----
  static Status hold(Txn& txn, int64_t order_id, int64_t flash_id, int64_t user_id, int64_t qty, int64_t now_ms);
  // HELD → CONFIRMED or RELEASED; the held (qty, user) when it moved, nullopt
  // when it was not HELD (never held here, or moved already).
  static Result<std::optional<std::pair<int64_t, int64_t>>> move_hold(Txn& txn, int64_t order_id, int64_t flash_id,
                                                                      FlashHoldMove how, int64_t now_ms);
};

}  // namespace orders
