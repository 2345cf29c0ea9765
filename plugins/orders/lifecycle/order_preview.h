// POST /api/v1/orders/preview: the confirm-order page. The same body as
// creation, no key, nothing written: every participant of the chain quotes
// (a dry run of its try) in the same order and on the same amounts as
// creation would, so the preview's amounts are the created order's. A
// participant that would refuse is listed with its reason and leaves the
// amounts as they were; the risk check is not run (it judges orders, and may
// count them).
#pragma once

#include "participants/chain.h"

namespace orders {

class OrderPreview {
 public:
  OrderPreview(bazaar::sdk::Host host, const Chain& chain) : host_(host), chain_(chain) {}

  // 200 {"items":[{line, sku_id, title, unit_price, qty, amount, discount,
  // payable}], "total", "discount", "payable", "flash_sale_id",
  // "participants":[{"name","field","stage","discount","ok", "error"?}]}.
  // The shape errors of creation; 422 UNKNOWN_SKU, MIXED_MERCHANTS,
  // <FIELD>_NOT_SUPPORTED as creation would.
  Result<bazaar::sdk::Reply> preview(const bazaar::sdk::Request& req) const;

 private:
  bazaar::sdk::Host host_;
  const Chain& chain_;
};

}  // namespace orders
