#include "lifecycle/risk_check.h"

namespace orders {

namespace {
constexpr const char* kService = "risk.check";
}  // namespace

bazaar::Result<std::optional<Hold>> RiskCheck::check_order(int64_t order_id, const Cart& cart, const Requester& who,
                                                           const std::optional<std::string>& coupon_code,
                                                           const bazaar::sdk::Txn* order_txn,
                                                           const bz_request* req) const {
  if (!host_.has_service(kService)) return std::optional<Hold>();
  const int64_t now = host_.now_ms();
  const Json input = {{"point", "order.create"},
                      {"order_id", id_text(order_id)},
                      {"facts", order_create_facts(cart, who, coupon_code, now)}};
  BAZAAR_ASSIGN_OR_RETURN(const Json answer, host_.call(kService, input, order_txn, req));
  const std::string decision = answer.is_object() ? answer.value("decision", std::string("allow")) : "allow";
  const std::string message = answer.is_object() ? answer.value("message", std::string()) : std::string();
  if (decision == "deny") {
    return bazaar::Error(BZ_PERMISSION_DENIED, answer.value("code", std::string("RISK_DENIED")),
                         message.empty() ? "the order was refused by a risk rule" : message);
  }
  if (decision == "review") {
    return std::optional<Hold>(
        Hold{"risk_review", message.empty() ? "waiting for a risk review" : message.substr(0, 200), "risk", now});
  }
  return std::optional<Hold>();
}

}  // namespace orders
