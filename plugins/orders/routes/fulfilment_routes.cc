#include "routes/fulfilment_routes.h"

#include "domain/order_json.h"

namespace orders {

namespace {

constexpr size_t kMaxShipField = 100;

// An optional string member of at most kMaxShipField bytes ("" if absent).
Result<std::string> short_string(const Json& object, const char* field, const char* code) {
  auto it = object.find(field);
  if (it == object.end()) return std::string();
  if (!it->is_string() || it->get_ref<const std::string&>().size() > kMaxShipField) {
    return bazaar::invalid_argument(code, std::string(field) + " must be a string of at most " +
                                              std::to_string(kMaxShipField) + " bytes");
  }
  return it->get<std::string>();
}

// The path's order id; 404 for anything that cannot name an order.
Result<int64_t> order_id_of(const Request& req) {
  auto id = parse_id_text(req.param("id"));
  if (!id) return bazaar::not_found("ORDER_NOT_FOUND", "no such order");
  return *id;
}

}  // namespace

Result<Reply> FulfilmentRoutes::ship(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const Json body, optional_object_body(req.body()));
  BAZAAR_RETURN_IF_ERROR(known_fields(body, {"carrier", "tracking"}));
  BAZAAR_ASSIGN_OR_RETURN(const std::string carrier, short_string(body, "carrier", "BAD_CARRIER"));
  BAZAAR_ASSIGN_OR_RETURN(const std::string tracking, short_string(body, "tracking", "BAD_TRACKING"));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, order_id_of(req));
  BAZAAR_ASSIGN_OR_RETURN(const Order order, fulfilment_.ship(id, req.identity().subject_id, carrier, tracking,
                                                              actor_of(req.identity()), req.raw()));
  return Reply::json(order_json(order));
}

Result<Reply> FulfilmentRoutes::deliver(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const Json body, optional_object_body(req.body()));
  BAZAAR_RETURN_IF_ERROR(known_fields(body, {}));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, order_id_of(req));
  BAZAAR_ASSIGN_OR_RETURN(const Order order,
                          fulfilment_.deliver(id, req.identity().subject_id, actor_of(req.identity()), req.raw()));
  return Reply::json(order_json(order));
}

Result<Reply> FulfilmentRoutes::refund(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const RefundRequest wanted, parse_refund_request(req.body()));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, order_id_of(req));
  BAZAAR_ASSIGN_OR_RETURN(const RefundOutcome done, refunds_.refund_lines(id, req.identity().subject_id, wanted,
                                                                          actor_of(req.identity()), req.raw()));
  return Reply::created({{"refund_id", id_text(done.refund_id)},
                         {"order_id", id_text(done.order.id)},
                         {"amount", done.amount},
                         {"order", order_json(done.order)}});
}

}  // namespace orders
