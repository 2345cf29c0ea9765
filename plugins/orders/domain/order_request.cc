#include "domain/order_request.h"

#include <set>

namespace orders {

namespace {

Status check_address(const Json& address) {
  if (!address.is_object() || address.size() > 12) {
    return bazaar::invalid_argument("BAD_ADDRESS", "address must be an object of at most 12 fields");
  }
  for (const char* required : {"name", "phone", "line1", "city"}) {
    if (!address.contains(required)) {
      return bazaar::invalid_argument("BAD_ADDRESS", std::string("address.") + required + " is required");
    }
  }
  for (const auto& [name, value] : address.items()) {
    if (!value.is_string() || value.get_ref<const std::string&>().empty() ||
        value.get_ref<const std::string&>().size() > 200 || name.size() > 32) {
      return bazaar::invalid_argument("BAD_ADDRESS", "address fields are text of 1 to 200 bytes");
    }
    for (char ch : value.get_ref<const std::string&>()) {
      const auto c = static_cast<unsigned char>(ch);
      if (c < 0x20 || c == 0x7f) {
        return bazaar::invalid_argument("BAD_ADDRESS", "address." + name + " has control characters");
      }
    }
  }
  return bazaar::ok_status();
}

Result<std::vector<RequestedLine>> parse_lines(const Json& body) {
  auto items = body.find("items");
  if (items == body.end() || !items->is_array() || items->empty()) {
    return bazaar::invalid_argument("NO_ITEMS", "items must be a non-empty array");
  }
  if (items->size() > kMaxOrderLines) {
    return bazaar::invalid_argument("TOO_MANY_ITEMS", "at most " + std::to_string(kMaxOrderLines) + " items");
  }
  std::vector<RequestedLine> lines;
  std::set<int64_t> seen;
  for (const Json& item : *items) {
    if (!item.is_object()) return bazaar::invalid_argument("INVALID_BODY", "each item must be an object");
    BAZAAR_RETURN_IF_ERROR(only_fields(item, {"sku_id", "qty"}));
    BAZAAR_ASSIGN_OR_RETURN(const int64_t sku, parse_id(item.value("sku_id", Json()), "sku_id", "BAD_SKU_ID"));
    BAZAAR_ASSIGN_OR_RETURN(const int64_t qty, int_field(item, "qty", 1, kMaxLineQty, "BAD_QTY"));
    if (!seen.insert(sku).second) {
      return bazaar::invalid_argument("DUPLICATE_SKU", "SKU " + id_text(sku) + " appears twice");
    }
    lines.push_back({sku, qty});
  }
  return lines;
}

}  // namespace

const Json* OrderRequest::value_of(std::string_view field) const {
  for (const RequestedParticipant& p : participants) {
    if (p.field == field) return &p.value;
  }
  return nullptr;
}

Result<OrderRequest> parse_order_request(std::string_view text,
                                         const std::vector<std::string>& participant_fields) {
  BAZAAR_ASSIGN_OR_RETURN(Json body, object_body(text));
  std::vector<std::string_view> allowed = {"items", "address"};
  for (const std::string& field : participant_fields) allowed.push_back(field);
  BAZAAR_RETURN_IF_ERROR(only_fields(body, allowed));

  OrderRequest out;
  BAZAAR_ASSIGN_OR_RETURN(out.lines, parse_lines(body));
  auto address = body.find("address");
  if (address == body.end()) return bazaar::invalid_argument("BAD_ADDRESS", "address is required");
  BAZAAR_RETURN_IF_ERROR(check_address(*address));
  out.address = address->dump();
  for (const std::string& field : participant_fields) {
    auto it = body.find(field);
    if (it == body.end()) continue;
    if (it->dump().size() > kMaxParticipantValueBytes) {
      return bazaar::invalid_argument("INVALID_BODY", field + " is more than " +
                                                          std::to_string(kMaxParticipantValueBytes) +
                                                          " bytes of JSON");
    }
    out.participants.push_back({field, *it});
  }
  out.body = std::move(body);
  return out;
}

Cart cart_of(const OrderRequest& request) {
  std::vector<std::pair<int64_t, int64_t>> lines;
  for (const RequestedLine& l : request.lines) lines.push_back({l.sku_id, l.qty});
  return Cart::of(lines);
}

}  // namespace orders
