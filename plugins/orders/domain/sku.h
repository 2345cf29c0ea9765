// A SKU and its stock counters (one row of orders_skus on the shard its id
// names), and its JSON forms (docs/API.md, "Catalog"). Invariant at every
// moment: initial + added = available + reserved + sold, each >= 0.
#pragma once

#include "domain/money.h"
#include "domain/values.h"

#include <string>

namespace orders {

inline constexpr int64_t kMaxStock = 1'000'000'000;
inline constexpr int64_t kMaxPrice = 1'000'000'000;

struct Sku {
  int64_t id = 0;
  int64_t merchant_id = 0;
  std::string title;
  Money price;
  bool restock_on_refund = true;
  bool active = true;
  int64_t initial = 0, added = 0, available = 0, reserved = 0, sold = 0, returned = 0;
  int64_t created_ms = 0, updated_ms = 0;
};

// The merchant's view, with every counter.
Json sku_json(const Sku& sku);
// GET /api/v1/skus/{id}: what a shopper may see.
Json public_sku_json(const Sku& sku);

}  // namespace orders
