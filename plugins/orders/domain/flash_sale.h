// A flash sale (秒杀): a gate of limited units at a sale price in front of a
// SKU's stock, for a time window, with a per-buyer limit (docs/API.md,
// "Flash sales"). One row of orders_flash_sales on its SKU's shard.
#pragma once

#include "domain/money.h"
#include "domain/values.h"

#include <string>

namespace orders {

struct FlashSale {
  int64_t id = 0;
  int64_t merchant_id = 0;
  int64_t sku_id = 0;
  Money price;
  int64_t quantity = 0;
  int64_t remaining = 0;
  int64_t per_user_limit = 0;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string status;  // ACTIVE or CANCELLED

  bool open_at(int64_t now_ms) const { return status == "ACTIVE" && start_ms <= now_ms && now_ms < end_ms; }
};

// The sale as its merchant sees it (with_merchant) or as the public does.
Json flash_sale_json(const FlashSale& sale, bool with_merchant);

}  // namespace orders
