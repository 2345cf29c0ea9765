#include "participants/attempt_guard.h"

namespace orders {

namespace {

std::string join_ids(const std::vector<int64_t>& ids) {
  std::string out;
  for (int64_t id : ids) {
    if (!out.empty()) out += ',';
    out += id_text(id);
  }
  return out;
}

std::vector<int64_t> split_ids(std::string_view text) {
  std::vector<int64_t> out;
  while (!text.empty()) {
    const size_t comma = text.find(',');
    if (auto id = parse_id_text(text.substr(0, comma))) out.push_back(*id);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

}  // namespace

std::string GuardPayload::encode() const {
  // "skus" stays a comma-separated string: the format earlier versions wrote and read.
  Json named = Json::array();
  for (const Named& p : participants) named.push_back({{"name", p.name}, {"field", p.field}, {"value", p.value}});
  return Json{{"user_id", user_id}, {"skus", join_ids(sku_ids)}, {"participants", std::move(named)}}.dump();
}

std::optional<GuardPayload> GuardPayload::decode(std::string_view text) {
  const Json doc = Json::parse(text, nullptr, false);
  if (!doc.is_object()) return std::nullopt;
  GuardPayload p;
  p.user_id = doc.value("user_id", int64_t{0});
  p.sku_ids = split_ids(doc.value("skus", std::string()));
  p.legacy_key = doc.value("key", std::string());
  if (auto named = doc.find("participants"); named != doc.end() && named->is_array()) {
    for (const Json& n : *named) {
      if (!n.is_object() || !n.contains("name") || !n["name"].is_string()) return std::nullopt;
      p.participants.push_back({n["name"].get<std::string>(), n.value("field", std::string()),
                                n.contains("value") ? n["value"] : Json()});
    }
  }
  return p;
}

bazaar::Status AttemptGuard::place(bazaar::sdk::Txn& txn) {
  if (placed_) return bazaar::ok_status();
  BAZAAR_RETURN_IF_ERROR(txn.schedule_timer(kPaymentTimeoutTimer, id_text(order_id_), due_ms_, payload_.encode()));
  placed_ = true;
  return bazaar::ok_status();
}

bazaar::Status AttemptGuard::lift(bazaar::sdk::Txn& txn, int64_t order_id) {
  auto lifted = txn.cancel_timer(kPaymentTimeoutTimer, id_text(order_id));
  if (!lifted.ok()) return lifted.error();
  return bazaar::ok_status();
}

}  // namespace orders
