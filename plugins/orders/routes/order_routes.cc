#include "routes/order_routes.h"

#include "domain/order_json.h"

namespace orders {

Result<Reply> OrderRoutes::cancel(const Request& req) const {
  auto id = parse_id_text(req.param("id"));
  if (!id) return bazaar::not_found("ORDER_NOT_FOUND", "no such order");
  BAZAAR_ASSIGN_OR_RETURN(const Json body, optional_object_body(req.body()));
  BAZAAR_RETURN_IF_ERROR(only_fields(body, {"reason"}));
  std::string reason = "cancelled by buyer";
  if (auto r = body.find("reason"); r != body.end()) {
    if (!r->is_string() || r->get_ref<const std::string&>().size() > 200) {
      return bazaar::invalid_argument("INVALID_BODY", "reason is text of at most 200 bytes");
    }
    reason = r->get<std::string>();
  }
  const int64_t user = req.identity().subject_id;
  BAZAAR_ASSIGN_OR_RETURN(const Order order,
                          cancel_.cancel({*id, user, actor_of(req.identity()), reason, "buyer"}, req.raw()));
  return Reply::json(order_json(order));
}

}  // namespace orders
