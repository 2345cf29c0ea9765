// SQL of the catalog and its stock on a SKU's shard: orders_skus (the SKU and
// its counters), orders_reservations (the stock participant's Try, one row
// per order and SKU) and orders_stock_moves (refund restocks, once per
// reference). Every counter move keeps initial + added = available + reserved
// + sold in one statement or transaction; CHECK constraints refuse a negative
// counter, so a bug fails loudly and never oversells.
#pragma once

#include "domain/sku.h"

#include "sdk_names.h"

#include <optional>
#include <vector>

namespace orders {

// What a reservation took: the SKU's seller, title and catalog price.
struct ReservedLine {
  int64_t merchant_id = 0;
  std::string title;
  Money price;
};

// What a reservation held, as its move found it.
struct MovedReservation {
  int64_t qty = 0;
  int64_t user_id = 0;
  std::optional<int64_t> legacy_flash_id;  // orders created before flash holds kept the sale's unit here
};

enum class ReservationMove {
  kConfirm,  // RESERVED → CONFIRMED: reserved → sold
  kRelease,  // RESERVED → RELEASED: reserved → available
  kUndo,     // the row goes, reserved → available: as if never reserved
};

class SkuStore {
 public:
  // ---- catalog (merchant) ----
  static Status insert(Txn& txn, const Sku& sku);
  static Result<std::optional<Sku>> load(Txn& txn, int64_t sku_id);
  static Result<std::vector<Sku>> list_by_merchant(Txn& txn, int64_t merchant_id, int64_t before_id, int limit);
  // Each changes only the merchant's own SKU: 0 rows changed = not found.
  // nullopt fields keep their value.
  static Result<int64_t> update(Txn& txn, int64_t sku_id, int64_t merchant_id, const std::optional<std::string>& title,
                                std::optional<int64_t> price, std::optional<int64_t> restock_on_refund,
                                std::optional<int64_t> active, int64_t now_ms);
  // Sets available; the difference goes to `added`.
  static Result<int64_t> set_available(Txn& txn, int64_t sku_id, int64_t merchant_id, int64_t available,
                                       int64_t now_ms);
  // Adds to available (and `added`) unless that would pass kMaxStock.
  static Result<int64_t> add_stock(Txn& txn, int64_t sku_id, int64_t merchant_id, int64_t add, int64_t now_ms);

  // ---- reservations (the stock participant) ----
  // available → reserved for `qty` units, with the RESERVED row, in one
  // conditional UPDATE: nullopt when the SKU is unknown, inactive or short
  // (why_not_reserved says which). The statement is the limit: no read first.
  static Result<std::optional<ReservedLine>> reserve(Txn& txn, int64_t order_id, int64_t user_id, int64_t sku_id,
                                                     int64_t qty, int64_t now_ms);
  // 422 UNKNOWN_SKU or 409 SOLD_OUT, read after reserve() found nothing.
  static Error why_not_reserved(Txn& txn, int64_t sku_id);
  // Moves this order's RESERVED row of `sku_id` with its counters; nullopt
  // when there is none (never reserved here, or moved already).
  static Result<std::optional<MovedReservation>> move(Txn& txn, int64_t order_id, int64_t sku_id,
                                                      ReservationMove how, int64_t now_ms);
  // Puts refunded units back into available once per `ref`, if the SKU
  // restocks on refund (otherwise records the ref only). 503
  // STOCK_NOT_SETTLED while the units are still reserved (the payment's
  // settlement has not confirmed them yet): the caller retries later.
  static Status restock(Txn& txn, std::string_view ref, int64_t sku_id, int64_t qty, int64_t now_ms);
};

}  // namespace orders
