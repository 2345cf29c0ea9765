#include "routes/order_queries.h"

#include "domain/order_json.h"
#include "routes/paging.h"
#include "store/order_store.h"

namespace orders {

namespace {

Error order_not_found() { return bazaar::not_found("ORDER_NOT_FOUND", "no such order"); }

// Both are read "near" (from the worker's memory while no worker has changed
// them: ABI 1.3 cache_get_near); the max age only bounds how long a copy
// outlives memcached's own expiry.
const bazaar::sdk::CacheOptions kDetailCache{.ttl_s = 300, .negative_ttl_s = 10, .near_max_age_ms = 10'000};
const bazaar::sdk::CacheOptions kPageCache{.ttl_s = 60, .negative_ttl_s = 10, .near_max_age_ms = 10'000};

// The cached detail is "<user_id> <merchant_id>\n<order JSON>": the reader
// checks who may see it and answers the JSON as stored, without parsing it.
std::string detail_entry(const Order& order) {
  return id_text(order.user_id) + ' ' + id_text(order.merchant_id) + '\n' + order_json(order).dump();
}

// The order's JSON out of a detail entry if `who` may see it.
std::optional<std::string_view> visible_part(const bz_identity& who, std::string_view entry) {
  const size_t space = entry.find(' ');
  const size_t newline = entry.find('\n');
  if (space == std::string_view::npos || newline == std::string_view::npos || space > newline) {
    return std::nullopt;
  }
  const std::string_view user = entry.substr(0, space);
  const std::string_view merchant = entry.substr(space + 1, newline - space - 1);
  const std::string subject = id_text(who.subject_id);
  const bool allowed = who.role == BZ_ROLE_OPS || (who.role == BZ_ROLE_USER && user == subject) ||
                       (who.role == BZ_ROLE_MERCHANT && merchant == subject);
  if (!allowed) return std::nullopt;
  return entry.substr(newline + 1);
}

// ?status=: nullopt for any.
Result<std::optional<OrderStatus>> status_filter(const Request& req) {
  const std::string status = req.query("status").value_or("");
  if (status.empty()) return std::optional<OrderStatus>();
  if (auto parsed = parse_status(status)) return std::optional<OrderStatus>(*parsed);
  return bazaar::invalid_argument("BAD_STATUS", "status must be one of PENDING_PAYMENT, PAID, SHIPPED, "
                                                "DELIVERED, CANCELLED, REFUNDED");
}

Json rows_page(const std::vector<OrderRow>& rows, const PageRequest& page) {
  return page_json(
      "orders", rows, page, [](const OrderRow& r) { return order_summary_json(r.order, r.item_count); },
      [](const OrderRow& r) { return r.order.id; });
}

}  // namespace

Result<std::string> OrderQueries::visible_order(const Request& req) {
  auto id = parse_id_text(req.param("id"));
  if (!id || host_.shard_of_id(*id) >= host_.shard_count()) return order_not_found();
  auto cached = host_.get_or_load(
      OrderStore::detail_key(*id), kDetailCache, req.raw(),
      [&]() -> Result<std::optional<std::string>> {
        BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(*id), BZ_TXN_READ, req.raw()));
        BAZAAR_ASSIGN_OR_RETURN(const std::optional<Order> order, OrderStore::load(txn, *id));
        if (!order) return std::optional<std::string>();
        return std::optional<std::string>(detail_entry(*order));
      });
  if (!cached.ok()) return cached.error();
  if (!*cached) return order_not_found();
  auto visible = visible_part(req.identity(), **cached);
  if (!visible) return order_not_found();
  return std::string(*visible);
}

Result<Reply> OrderQueries::detail(const Request& req) {
  auto order = visible_order(req);
  if (!order.ok()) return order.error();
  return Reply{200, std::move(*order), {}};
}

Result<Reply> OrderQueries::history(const Request& req) {
  BAZAAR_RETURN_IF_ERROR(visible_order(req));
  const int64_t id = *parse_id_text(req.param("id"));
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(id), BZ_TXN_READ, req.raw()));
  BAZAAR_ASSIGN_OR_RETURN(Json rows, OrderStore::history(txn, id));
  return Reply::json({{"order_id", id_text(id)}, {"history", std::move(rows)}});
}

Result<Reply> OrderQueries::list_mine(const Request& req) {
  BAZAAR_ASSIGN_OR_RETURN(const PageRequest page, parse_page(req));
  BAZAAR_ASSIGN_OR_RETURN(const std::optional<OrderStatus> status, status_filter(req));
  const int64_t user = req.identity().subject_id;
  auto load = [&]() -> Result<std::optional<std::string>> {
    BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of(static_cast<uint64_t>(user)), BZ_TXN_READ, req.raw()));
    BAZAAR_ASSIGN_OR_RETURN(const std::vector<OrderRow> rows,
                            OrderStore::list_by_user(txn, user, status, page.before_id, page.limit));
    return std::optional<std::string>(rows_page(rows, page).dump());
  };
  // Only the default first page is cached: it is what an app opens on.
  const bool first_page = !status && page.before_id == INT64_MAX && page.limit == 20;
  auto body = first_page ? host_.get_or_load(OrderStore::first_page_key(user), kPageCache, req.raw(), load)
                         : load();
  if (!body.ok()) return body.error();
  return Reply{200, **body, {}};
}

Result<Reply> OrderQueries::list_merchant(const Request& req) {
  BAZAAR_ASSIGN_OR_RETURN(const PageRequest page, parse_page(req));
  BAZAAR_ASSIGN_OR_RETURN(const std::optional<OrderStatus> status, status_filter(req));
  const int64_t merchant = req.identity().subject_id;
  BAZAAR_ASSIGN_OR_RETURN(
      const std::vector<OrderRow> rows,
      newest_across_shards<OrderRow>(
          host_, req.raw(), page,
          [&](Txn& txn) { return OrderStore::list_by_merchant(txn, merchant, status, page.before_id, page.limit); },
          [](const OrderRow& r) { return r.order.id; }));
  return Reply::json(rows_page(rows, page));
}

}  // namespace orders
