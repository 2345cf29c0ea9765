#include "lifecycle/order_preview.h"

namespace orders {

namespace {

Json error_json(const Error& e) { return {{"code", e.code()}, {"message", e.message()}}; }

}  // namespace

Result<Reply> OrderPreview::preview(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const OrderRequest input, parse_order_request(req.body(), chain_.fields()));
  BAZAAR_ASSIGN_OR_RETURN(const std::vector<Chain::Link> links, chain_.links_for(input));
  Cart cart = cart_of(input);
  std::optional<int64_t> flash_sale_id;
  Json participants = Json::array();
  for (const Chain::Link& link : links) {
    const Participant& p = *link.participant;
    Json entry = {{"name", p.name()}, {"field", link.field.empty() ? Json(nullptr) : Json(link.field)},
                  {"stage", to_string(p.stage())}, {"discount", 0}, {"ok", true}};
    // A precheck's conflict (a sold-out sale) is a refusal; its shape errors fail the preview as they fail creation.
    Status checked = p.precheck(input, link.value);
    if (!checked.ok() && checked.error().status() != BZ_CONFLICT) return checked.error();
    Result<Tried> quoted = checked.ok() ? p.quote({0, req.identity().subject_id, link.field, link.value, &input,
                                                   &cart, nullptr, nullptr, req.raw(), host_.now_ms()})
                                        : Result<Tried>(checked.error());
    if (!quoted.ok()) {
      // Without the catalog's prices nothing can be priced: fail as creation would.
      if (p.stage() == Stage::kBase || quoted.error().status() == BZ_INTERNAL) return quoted.error();
      entry["ok"] = false;
      entry["error"] = error_json(quoted.error());
      participants.push_back(std::move(entry));
      continue;
    }
    BAZAAR_RETURN_IF_ERROR(cart.apply(p.name(), p.stage(), quoted->price));
    if (p.stage() == Stage::kBase) BAZAAR_RETURN_IF_ERROR(cart.single_merchant());
    if (quoted->flash_sale_id) flash_sale_id = quoted->flash_sale_id;
    entry["discount"] = cart.discount_of(p.name());
    if (quoted->refused) {
      entry["ok"] = false;
      entry["error"] = error_json(*quoted->refused);
    }
    participants.push_back(std::move(entry));
  }
  return Reply::json({{"items", lines_json(cart)},
                      {"total", cart.total()},
                      {"discount", cart.discount()},
                      {"payable", cart.payable()},
                      {"flash_sale_id", flash_sale_id ? Json(id_text(*flash_sale_id)) : Json(nullptr)},
                      {"participants", std::move(participants)}});
}

}  // namespace orders
