#include "domain/risk_facts.h"

#include <set>

namespace orders {

Json order_create_facts(const Cart& cart, const Requester& who, const std::optional<std::string>& coupon_code,
                        int64_t now_ms) {
  Json skus = Json::array();
  std::set<int64_t> merchants;
  int64_t units = 0;
  for (const CartLine& line : cart.lines()) {
    skus.push_back(id_text(line.sku_id));
    merchants.insert(line.merchant_id);
    units += line.qty;
  }
  Json merchant_ids = Json::array();
  for (int64_t m : merchants) merchant_ids.push_back(id_text(m));
  Json facts = {{"order.amount", cart.payable()},
                {"order.total", cart.total()},
                {"order.item_count", cart.lines().size()},
                {"order.quantity", units},
                {"order.sku_ids", std::move(skus)},
                {"order.merchant_ids", std::move(merchant_ids)},
                {"user.id", id_text(who.user_id)},
                {"request.ip", who.client_ip},
                {"request.time", now_ms}};
  if (coupon_code) facts["order.coupon_code"] = *coupon_code;
  if (!who.device_id.empty()) facts["device.id"] = who.device_id;
  return facts;
}

std::optional<std::string> coupon_code_of(const Json* value) {
  if (value == nullptr) return std::nullopt;
  if (value->is_string()) return value->get<std::string>();
  if (value->is_object()) {
    auto code = value->find("code");
    if (code != value->end() && code->is_string()) return code->get<std::string>();
  }
  return std::nullopt;
}

}  // namespace orders
