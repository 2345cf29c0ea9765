#include "participants.h"

#include <algorithm>

namespace orders {

namespace {

bool unavailable_service(const Error& e) { return e.code() == "SERVICE_UNAVAILABLE"; }

std::string upper(std::string_view field) {
  std::string out(field);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::toupper(c); });
  return out;
}

}  // namespace

Participants::Participants(bazaar::sdk::Host host) : host_(host) {}

bool Participants::is_participant_field(std::string_view field) {
  return field == "coupon" || field == "group_buy";
}

std::string Participants::prefix_for(std::string_view field) const {
  const std::string key = "participant." + std::string(field);
  if (auto configured = host_.config(key.c_str()); configured && !configured->empty()) {
    return std::string(*configured);
  }
  return field == "coupon" ? "coupons" : "groupbuy";
}

Status Participants::risk_check(const Json& facts, const bz_request* req) const {
  auto answer = host_.call("risk.check", facts, nullptr, req);
  if (!answer.ok()) {
    if (unavailable_service(answer.error())) return bazaar::ok_status();  // no risk plugin: allow
    return answer.error();
  }
  if (answer->value("decision", std::string("allow")) == "deny") {
    return Error(BZ_PERMISSION_DENIED, answer->value("code", std::string("RISK_DENIED")),
                 answer->value("message", std::string("the order was refused by a risk rule")));
  }
  return bazaar::ok_status();
}

Result<std::vector<TriedParticipant>> Participants::try_all(bazaar::sdk::Txn& txn, const Order& order,
                                                            const std::vector<ExternalTry>& wanted,
                                                            const bz_request* req) const {
  std::vector<TriedParticipant> tried;
  Json items = Json::array();
  for (const OrderItem& i : order.items) {
    items.push_back({{"line", i.line}, {"sku_id", id_text(i.sku_id)}, {"qty", i.qty},
                     {"unit_price", i.unit_price}, {"amount", i.amount}});
  }
  int64_t left = order.total;
  for (const ExternalTry& want : wanted) {
    TriedParticipant p;
    p.name = prefix_for(want.field);
    const std::string service = p.name + ".order_try";
    Json input = {{"order_id", id_text(order.id)}, {"user_id", id_text(order.user_id)},
                  {"merchant_id", id_text(order.merchant_id)}, {"total", order.total},
                  {"payable", left}, {"items", items}, {"value", want.value}};
    auto answer = host_.call(service.c_str(), input, &txn, req);
    if (!answer.ok()) {
      if (unavailable_service(answer.error())) {
        return bazaar::failed_precondition(upper(want.field) + "_NOT_SUPPORTED",
                                           "\"" + want.field + "\" needs the " + p.name +
                                               " plugin, which this node does not run");
      }
      return answer.error();
    }
    const Json& discount = (*answer)["discount"];
    p.discount = discount.is_number_integer() ? discount.get<int64_t>() : 0;
    if (p.discount < 0 || p.discount > left) {
      return bazaar::internal_error(service + " answered a discount outside 0.." + std::to_string(left));
    }
    left -= p.discount;
    p.data = answer->contains("data") ? (*answer)["data"] : Json::object();
    tried.push_back(std::move(p));
  }
  return tried;
}

Status Participants::confirm(std::string_view name, const Json& input, const bz_request* req) const {
  const std::string service = std::string(name) + ".order_confirm";
  auto answer = host_.call(service.c_str(), input, nullptr, req);
  return answer.ok() ? bazaar::ok_status() : Status(answer.error());
}

Status Participants::cancel(std::string_view name, const Json& input, const bz_request* req) const {
  const std::string service = std::string(name) + ".order_cancel";
  auto answer = host_.call(service.c_str(), input, nullptr, req);
  return answer.ok() ? bazaar::ok_status() : Status(answer.error());
}

}  // namespace orders
