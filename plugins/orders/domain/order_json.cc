#include "domain/order_json.h"

namespace orders {

Json hold_json(const Hold& h) {
  return {{"name", h.name}, {"reason", h.reason}, {"placed_by", h.placed_by}, {"placed_at", iso_time(h.placed_ms)}};
}

Json order_json(const Order& o) {
  Json items = Json::array();
  for (const OrderItem& i : o.items) {
    items.push_back({{"line", i.line},
                     {"sku_id", id_text(i.sku_id)},
                     {"title", i.title},
                     {"unit_price", i.unit_price},
                     {"qty", i.qty},
                     {"amount", i.amount},
                     {"discount", i.discount},
                     {"paid_amount", i.paid_amount},
                     {"refunded_qty", i.refunded_qty},
                     {"refunded_amount", i.refunded_amount}});
  }
  Json holds = Json::array();
  for (const Hold& h : o.holds) holds.push_back(hold_json(h));
  return {{"order_id", id_text(o.id)},
          {"user_id", id_text(o.user_id)},
          {"merchant_id", id_text(o.merchant_id)},
          {"status", to_string(o.status)},
          {"total", o.total},
          {"discount", o.discount},
          {"payable", o.payable},
          {"refunded", o.refunded},
          {"flash_sale_id", o.flash_id ? Json(id_text(*o.flash_id)) : Json(nullptr)},
          {"items", std::move(items)},
          {"holds", std::move(holds)},
          {"address", Json::parse(o.address, nullptr, false)},
          {"payment_deadline", iso_time(o.payment_deadline_ms)},
          {"created_at", iso_time(o.created_ms)},
          {"updated_at", iso_time(o.updated_ms)},
          {"paid_at", iso_or_null(o.paid_ms)}};
}

Json order_summary_json(const Order& o, int64_t item_count) {
  return {{"order_id", id_text(o.id)},       {"merchant_id", id_text(o.merchant_id)},
          {"status", to_string(o.status)},   {"total", o.total},
          {"payable", o.payable},            {"item_count", item_count},
          {"created_at", iso_time(o.created_ms)}};
}

}  // namespace orders
