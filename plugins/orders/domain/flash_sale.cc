#include "domain/flash_sale.h"

namespace orders {

Json flash_sale_json(const FlashSale& s, bool with_merchant) {
  Json j = {{"flash_sale_id", id_text(s.id)}, {"sku_id", id_text(s.sku_id)},
            {"price", s.price},               {"quantity", s.quantity},
            {"remaining", s.remaining},       {"per_user_limit", s.per_user_limit},
            {"start", iso_time(s.start_ms)},  {"end", iso_time(s.end_ms)},
            {"status", s.status},             {"sold_out", s.remaining == 0}};
  if (with_merchant) j["merchant_id"] = id_text(s.merchant_id);
  return j;
}

}  // namespace orders
