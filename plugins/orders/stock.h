// The stock participant: reservations on each SKU's shard (Try), confirmed on
// payment, released on cancel/time-out/abandon, and refund restocks. Every
// move is a conditional UPDATE on the reservation's state with the counter
// change in the same transaction, so it happens once however often it runs.
#pragma once

#include "util.h"

#include <functional>
#include <optional>
#include <vector>

namespace orders {

struct StockLine {
  int64_t sku_id = 0;
  int64_t qty = 0;
};

struct PricedLine {
  int64_t sku_id = 0;
  int64_t merchant_id = 0;
  std::string title;
  int64_t unit_price = 0;  // the catalog's, or the flash sale's
  int64_t qty = 0;
};

struct Reservation {
  std::vector<PricedLine> lines;           // in the order of the request
  std::optional<int64_t> flash_remaining;  // units left in the flash sale after this one
};

class Stock {
 public:
  explicit Stock(bazaar::sdk::Host host) : host_(host) {}

  // What must exist if and only if stock is held for an order (the timer
  // that releases it should the order never be paid): `on_reserve` runs
  // inside the first shard's reservation transaction, `on_end` inside the
  // first shard's transaction of every move that ends the reservation
  // (undo, confirm, release). The first shard is the lowest one of the
  // order's SKUs, and those moves take it last: what `on_end` removes stays
  // until every other shard has moved.
  struct FirstShardHooks {
    std::function<Status(bazaar::sdk::Txn&)> on_reserve;
    std::function<Status(bazaar::sdk::Txn&)> on_end;
  };

  // Reserves every line for `order_id`: one transaction per SKU shard, in
  // shard order. With `flash_id`, the sale's unit and the buyer's count move
  // in the same transaction as the (single) line's stock. On any failure
  // undoes what it already reserved and returns UNKNOWN_SKU (422),
  // SOLD_OUT (409) or a FLASH_SALE_* error.
  Result<Reservation> reserve(int64_t order_id, int64_t user_id, const std::vector<StockLine>& lines,
                              std::optional<int64_t> flash_id, const FirstShardHooks& hooks,
                              const bz_request* req) const;
  // Takes back the reservations of an attempt whose order will never exist
  // (its own transaction failed or lost the key): deletes its RESERVED rows
  // with the counters, as if it had never reserved. Idempotent. Returns the
  // flash sales that got units back.
  Result<std::vector<int64_t>> undo(int64_t order_id, const std::vector<int64_t>& sku_ids,
                                    const FirstShardHooks& hooks, const bz_request* req) const;

  // Moves this order's RESERVED rows on the shards of `sku_ids`: to sold
  // (confirm) or back to available (release), with `hooks->on_end` (if any)
  // on the first shard. Idempotent. release() returns the flash sales that
  // got units back (their sold-out flags are stale).
  Status confirm(int64_t order_id, const std::vector<int64_t>& sku_ids,
                 const FirstShardHooks* hooks, const bz_request* req) const;
  Result<std::vector<int64_t>> release(int64_t order_id, const std::vector<int64_t>& sku_ids,
                                       const FirstShardHooks* hooks, const bz_request* req) const;

  // Puts `qty` refunded units of `sku_id` back into available, once per
  // `ref`, if the SKU restocks on refund (otherwise records the ref only).
  Status restock(std::string_view ref, int64_t sku_id, int64_t qty, const bz_request* req) const;

 private:
  enum class Move { kConfirm, kRelease, kUndo };
  Result<std::vector<int64_t>> move_reserved(int64_t order_id, const std::vector<int64_t>& sku_ids,
                                             Move move, const FirstShardHooks* hooks,
                                             const bz_request* req) const;
  bazaar::sdk::Host host_;
};

}  // namespace orders
