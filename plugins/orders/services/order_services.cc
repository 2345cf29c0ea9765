#include "services/order_services.h"

#include "domain/order_json.h"
#include "store/order_store.h"
#include "store/participant_store.h"

namespace orders {

namespace {

Result<int64_t> order_id_of(const Json& input) {
  return parse_id(input.is_object() && input.contains("order_id") ? input["order_id"] : Json(), "order_id",
                  "BAD_ORDER_ID");
}

// An optional text member of at most 200 bytes, or `fallback`.
Result<std::string> text_of(const Json& input, const char* field, std::string fallback) {
  auto it = input.find(field);
  if (it == input.end()) return fallback;
  if (!it->is_string() || it->get_ref<const std::string&>().empty() || it->get_ref<const std::string&>().size() > 200) {
    return bazaar::invalid_argument("INVALID_BODY", std::string(field) + " must be text of 1 to 200 bytes");
  }
  return it->get<std::string>();
}

Result<std::string> actor_of_call(const Json& input) {
  auto it = input.find("actor");
  if (it == input.end()) return std::string("system");
  if (!it->is_string() || !valid_hold_name(it->get_ref<const std::string&>())) {
    return bazaar::invalid_argument("INVALID_BODY", "actor must be a plugin name ([a-z0-9_]{1,64})");
  }
  return "plugin:" + it->get<std::string>();
}

Result<std::string> hold_name_of(const Json& input) {
  auto it = input.find("name");
  if (it == input.end() || !it->is_string() || !valid_hold_name(it->get_ref<const std::string&>())) {
    return bazaar::invalid_argument("BAD_HOLD_NAME", "name must be [a-z0-9_]{1,64}");
  }
  return it->get<std::string>();
}

}  // namespace

Result<Json> OrderServices::get(const ServiceCall& call) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, order_id_of(call.input));
  const uint32_t shard = host_.shard_of_id(id);
  if (shard >= host_.shard_count()) return bazaar::not_found("ORDER_NOT_FOUND", "no such order");
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_READ, call.request));
  BAZAAR_ASSIGN_OR_RETURN(const std::optional<Order> order, OrderStore::load(txn, id));
  if (!order) return bazaar::not_found("ORDER_NOT_FOUND", "no such order");
  BAZAAR_ASSIGN_OR_RETURN(const std::vector<ParticipantRow> rows, ParticipantStore::load(txn, id));
  Json out = order_json(*order);
  Json participants = Json::array();
  for (const ParticipantRow& row : rows) participants.push_back({{"name", row.name}, {"state", to_string(row.state)}});
  out["participants"] = std::move(participants);
  return out;
}

Result<Json> OrderServices::refund(const ServiceCall& call) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, order_id_of(call.input));
  BAZAAR_ASSIGN_OR_RETURN(const std::string reason, text_of(call.input, "reason", "refunded by the system"));
  BAZAAR_ASSIGN_OR_RETURN(const std::string actor, actor_of_call(call.input));
  BAZAAR_ASSIGN_OR_RETURN(const RefundOutcome done, refunds_.refund_all(id, reason, actor, call.request));
  return Json{{"result", done.already ? "ALREADY_REFUNDED" : "REFUNDED"},
              {"refund_id", done.refund_id == 0 ? Json(nullptr) : Json(id_text(done.refund_id))},
              {"amount", done.amount},
              {"order", order_json(done.order)}};
}

Result<Json> OrderServices::cancel(const ServiceCall& call) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, order_id_of(call.input));
  BAZAAR_ASSIGN_OR_RETURN(const std::string reason, text_of(call.input, "reason", "cancelled by the system"));
  BAZAAR_ASSIGN_OR_RETURN(const std::string actor, actor_of_call(call.input));
  BAZAAR_ASSIGN_OR_RETURN(const Order order, cancel_.cancel({id, std::nullopt, actor, reason, "system"}, call.request));
  return Json{{"order", order_json(order)}};
}

Result<Json> OrderServices::place_hold(const ServiceCall& call) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, order_id_of(call.input));
  BAZAAR_ASSIGN_OR_RETURN(const std::string name, hold_name_of(call.input));
  BAZAAR_ASSIGN_OR_RETURN(const std::string reason, text_of(call.input, "reason", "held"));
  BAZAAR_ASSIGN_OR_RETURN(const std::string actor, actor_of_call(call.input));
  BAZAAR_ASSIGN_OR_RETURN(const Order order, holds_.place(id, Hold{name, reason, actor, host_.now_ms()}, call.request));
  return Json{{"order", order_json(order)}};
}

Result<Json> OrderServices::release_hold(const ServiceCall& call) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, order_id_of(call.input));
  BAZAAR_ASSIGN_OR_RETURN(const std::string name, hold_name_of(call.input));
  BAZAAR_ASSIGN_OR_RETURN(const std::string actor, actor_of_call(call.input));
  BAZAAR_ASSIGN_OR_RETURN(const HoldRelease released, holds_.release(id, name, actor, call.request));
  return Json{{"released", released == HoldRelease::kReleased}};
}

}  // namespace orders
