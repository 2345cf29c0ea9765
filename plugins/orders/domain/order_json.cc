#include "order_model.h"

namespace orders {

namespace {
__extension__ typedef __int128 wide_int;  // products of two 64-bit amounts
}  // namespace

bool is_status(std::string_view s) {
  return s == kPendingPayment || s == kPaid || s == kShipped || s == kDelivered || s == kCancelled ||
         s == kRefunded;
}

bool is_paid_state(std::string_view s) { return s == kPaid || s == kShipped || s == kDelivered; }

void Order::apply_discount(int64_t amount) {
  discount = amount;
  payable = total - discount;
  int64_t left = discount;
  for (size_t i = 0; i < items.size(); ++i) {
    OrderItem& item = items[i];
    // __int128: amount * discount may exceed 64 bits for large orders.
    int64_t share = i + 1 == items.size()
                        ? left
                        : static_cast<int64_t>(static_cast<wide_int>(item.amount) * discount / total);
    share = std::min(share, item.amount);
    item.discount = share;
    item.paid_amount = item.amount - share;
    left -= share;
  }
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
  return {{"order_id", id_text(o.id)},
          {"user_id", id_text(o.user_id)},
          {"merchant_id", id_text(o.merchant_id)},
          {"status", o.status},
          {"total", o.total},
          {"discount", o.discount},
          {"payable", o.payable},
          {"refunded", o.refunded},
          {"flash_sale_id", o.flash_id ? Json(id_text(*o.flash_id)) : Json(nullptr)},
          {"items", std::move(items)},
          {"address", Json::parse(o.address, nullptr, false)},
          {"payment_deadline", iso_time(o.payment_deadline_ms)},
          {"created_at", iso_time(o.created_ms)},
          {"updated_at", iso_time(o.updated_ms)},
          {"paid_at", iso_or_null(o.paid_ms)}};
}

Json order_summary_json(const Order& o, int64_t item_count) {
  return {{"order_id", id_text(o.id)},   {"merchant_id", id_text(o.merchant_id)},
          {"status", o.status},          {"total", o.total},
          {"payable", o.payable},        {"item_count", item_count},
          {"created_at", iso_time(o.created_ms)}};
}

}  // namespace orders
