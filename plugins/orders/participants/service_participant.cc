#include "participants/service_participant.h"

namespace orders {

namespace {

Error broken(std::string_view prefix, const std::string& what) {
  return {BZ_INTERNAL, "PARTICIPANT_CONTRACT",
          "participant " + std::string(prefix) + " answered outside the contract: " + what};
}

// What order_try and order_quote receive (docs/PLUGINS.md).
Json try_input(const TryContext& ctx) {
  const Cart& cart = *ctx.cart;
  Json input = {{"user_id", id_text(ctx.user_id)},
                {"merchant_id", id_text(cart.lines().empty() ? 0 : cart.lines().front().merchant_id)},
                {"field", ctx.field},
                {"value", ctx.value != nullptr ? *ctx.value : Json()},
                {"lines", lines_json(cart)},
                {"total", cart.total()},
                {"payable", cart.payable()}};
  if (ctx.order_id != 0) input["order_id"] = id_text(ctx.order_id);
  return input;
}

Json settle_input(const SettleContext& ctx) {
  return {{"order_id", id_text(ctx.order_id)},
          {"user_id", id_text(ctx.user_id)},
          {"merchant_id", id_text(ctx.merchant_id)},
          {"data", ctx.data != nullptr ? *ctx.data : Json::object()},
          {"value", ctx.value != nullptr ? *ctx.value : Json()},
          {"reason", ctx.reason}};
}

Result<Money> money_of(const Json& value, std::string_view prefix, const std::string& what) {
  if (!value.is_number_integer()) return broken(prefix, what + " is not an integer number of fen");
  return Money::fen(value.get<int64_t>());
}

Result<int> line_of(const Json& value, std::string_view prefix) {
  if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 1000) {
    return broken(prefix, "a line number that is not a positive integer");
  }
  return static_cast<int>(value.get<int64_t>());
}

}  // namespace

Result<std::optional<Hold>> read_hold(const Json& answer, std::string_view participant, int64_t now_ms) {
  auto it = answer.find("hold");
  if (it == answer.end() || it->is_null()) return std::optional<Hold>();
  if (!it->is_object() || !it->contains("name") || !(*it)["name"].is_string() ||
      !valid_hold_name((*it)["name"].get_ref<const std::string&>())) {
    return broken(participant, "hold must be {\"name\":[a-z0-9_]{1,64},\"reason\":…}");
  }
  std::string reason = it->value("reason", std::string());
  if (reason.size() > 200) reason.resize(200);
  return std::optional<Hold>(Hold{(*it)["name"].get<std::string>(), reason, std::string(participant), now_ms});
}

bool ServiceParticipant::available() const {
  return host_.has_service((prefix_ + ".order_try").c_str());
}

Result<Json> ServiceParticipant::call(std::string_view verb, const Json& input, const bazaar::sdk::Txn* txn,
                                      const bz_request* req) const {
  const std::string service = prefix_ + "." + std::string(verb);
  return host_.call(service.c_str(), input, txn, req);
}

Result<Tried> ServiceParticipant::read_tried(const Json& answer) const {
  if (!answer.is_object()) return broken(prefix_, "the answer is not an object");
  Tried tried;
  PriceChange& price = tried.price;
  bool line_discounts = false;
  if (auto lines = answer.find("lines"); lines != answer.end()) {
    if (!lines->is_array()) return broken(prefix_, "lines is not an array");
    for (const Json& l : *lines) {
      if (!l.is_object()) return broken(prefix_, "a line is not an object");
      BAZAAR_ASSIGN_OR_RETURN(const int line, line_of(l.value("line", Json()), prefix_));
      if (l.contains("unit_price")) {
        BAZAAR_ASSIGN_OR_RETURN(const Money unit, money_of(l["unit_price"], prefix_, "unit_price"));
        price.unit_prices.push_back({line, unit});
      }
      if (l.contains("discount")) {
        BAZAAR_ASSIGN_OR_RETURN(const Money share, money_of(l["discount"], prefix_, "a line's discount"));
        price.line_discounts.push_back({line, share});
        price.discount += share;
        line_discounts = true;
      }
    }
  }
  if (auto d = answer.find("discount"); d != answer.end()) {
    BAZAAR_ASSIGN_OR_RETURN(const Money discount, money_of(*d, prefix_, "discount"));
    if (line_discounts && discount != price.discount) {
      return broken(prefix_, "discount differs from the sum of its lines' discounts");
    }
    price.discount = discount;
  }
  if (auto eligible = answer.find("eligible_lines"); eligible != answer.end()) {
    if (!eligible->is_array()) return broken(prefix_, "eligible_lines is not an array");
    for (const Json& n : *eligible) {
      BAZAAR_ASSIGN_OR_RETURN(const int line, line_of(n, prefix_));
      price.eligible_lines.push_back(line);
    }
  }
  if (auto data = answer.find("data"); data != answer.end() && !data->is_null()) {
    if (!data->is_object()) return broken(prefix_, "data is not an object");
    tried.data = *data;
  }
  BAZAAR_ASSIGN_OR_RETURN(tried.hold, read_hold(answer, prefix_, host_.now_ms()));
  return tried;
}

Result<Tried> ServiceParticipant::try_reserve(const TryContext& ctx) const {
  BAZAAR_ASSIGN_OR_RETURN(const Json answer, call("order_try", try_input(ctx), ctx.order_txn, ctx.req));
  return read_tried(answer);
}

Result<Tried> ServiceParticipant::quote(const TryContext& ctx) const {
  BAZAAR_ASSIGN_OR_RETURN(const Json answer, call("order_quote", try_input(ctx), nullptr, ctx.req));
  return read_tried(answer);
}

Result<Confirmed> ServiceParticipant::confirm(const SettleContext& ctx) const {
  BAZAAR_ASSIGN_OR_RETURN(const Json answer, call("order_confirm", settle_input(ctx), nullptr, ctx.req));
  Confirmed confirmed;
  if (answer.is_object()) {
    BAZAAR_ASSIGN_OR_RETURN(confirmed.hold, read_hold(answer, prefix_, host_.now_ms()));
  }
  return confirmed;
}

Status ServiceParticipant::cancel(const SettleContext& ctx) const {
  auto answer = call("order_cancel", settle_input(ctx), nullptr, ctx.req);
  if (!answer.ok()) return answer.error();
  return bazaar::ok_status();
}

}  // namespace orders
