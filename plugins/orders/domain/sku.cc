#include "domain/sku.h"

namespace orders {

Json sku_json(const Sku& s) {
  return {{"sku_id", id_text(s.id)},
          {"merchant_id", id_text(s.merchant_id)},
          {"title", s.title},
          {"price", s.price},
          {"restock_on_refund", s.restock_on_refund},
          {"active", s.active},
          {"stock",
           {{"initial", s.initial}, {"added", s.added}, {"available", s.available},
            {"reserved", s.reserved}, {"sold", s.sold}, {"returned", s.returned}}},
          {"created_at", iso_time(s.created_ms)},
          {"updated_at", iso_time(s.updated_ms)}};
}

Json public_sku_json(const Sku& s) {
  return {{"sku_id", id_text(s.id)}, {"merchant_id", id_text(s.merchant_id)},
          {"title", s.title},        {"price", s.price},
          {"available", s.available}, {"active", s.active}};
}

}  // namespace orders
