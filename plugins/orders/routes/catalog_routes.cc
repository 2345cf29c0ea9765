#include "routes/catalog_routes.h"

#include "routes/paging.h"
#include "store/sku_store.h"

namespace orders {

namespace {

Error sku_not_found() { return bazaar::not_found("SKU_NOT_FOUND", "no such SKU"); }

Result<std::string> title_field(const Json& body) {
  auto it = body.find("title");
  if (it == body.end() || !it->is_string() || it->get_ref<const std::string&>().empty() ||
      it->get_ref<const std::string&>().size() > 200) {
    return bazaar::invalid_argument("BAD_TITLE", "title must be 1 to 200 bytes of text");
  }
  for (char ch : it->get_ref<const std::string&>()) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return bazaar::invalid_argument("BAD_TITLE", "title has control characters");
  }
  return it->get<std::string>();
}

// A boolean member the body is known to contain.
Result<bool> bool_field(const Json& body, const char* field) {
  const Json& value = body.at(field);
  if (!value.is_boolean()) return bazaar::invalid_argument("INVALID_BODY", std::string(field) + " must be true or false");
  return value.get<bool>();
}

// The SKU the path names, or 404 for an id no shard of this node holds.
Result<int64_t> sku_id_of(const bazaar::sdk::Host& host, const Request& req) {
  auto id = parse_id_text(req.param("id"));
  if (!id || host.shard_of_id(*id) >= host.shard_count()) return sku_not_found();
  return *id;
}

}  // namespace

Result<Reply> CatalogRoutes::create(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const Json body, object_body(req.body()));
  BAZAAR_RETURN_IF_ERROR(only_fields(body, {"title", "price", "stock", "restock_on_refund"}));
  BAZAAR_ASSIGN_OR_RETURN(const std::string title, title_field(body));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t price, int_field(body, "price", 1, kMaxPrice, "BAD_PRICE"));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t stock, int_field(body, "stock", 0, kMaxStock, "BAD_STOCK"));
  bool restock = true;
  if (body.contains("restock_on_refund")) {
    BAZAAR_ASSIGN_OR_RETURN(restock, bool_field(body, "restock_on_refund"));
  }
  // A new SKU goes to the next shard in turn (ids are spread by time), so
  // hot SKUs of one merchant do not all share one file.
  const int64_t now = host_.now_ms();
  const uint32_t shard = host_.shard_of(static_cast<uint64_t>(now) * 0x9E3779B97F4A7C15ULL ^
                                        static_cast<uint64_t>(req.identity().subject_id));
  Sku sku;
  sku.id = host_.next_id(shard);
  sku.merchant_id = req.identity().subject_id;
  sku.title = title;
  sku.price = Money::fen(price);
  sku.restock_on_refund = restock;
  sku.initial = sku.available = stock;
  sku.created_ms = sku.updated_ms = now;
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, req.raw()));
  BAZAAR_RETURN_IF_ERROR(SkuStore::insert(txn, sku));
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  host_.count("skus_created");
  return Reply::created(sku_json(sku));
}

Result<Reply> CatalogRoutes::get_own(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, sku_id_of(host_, req));
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(id), BZ_TXN_READ, req.raw()));
  BAZAAR_ASSIGN_OR_RETURN(const std::optional<Sku> sku, SkuStore::load(txn, id));
  if (!sku || sku->merchant_id != req.identity().subject_id) return sku_not_found();
  return Reply::json(sku_json(*sku));
}

Result<Reply> CatalogRoutes::get_public(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, sku_id_of(host_, req));
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(id), BZ_TXN_READ, req.raw()));
  BAZAAR_ASSIGN_OR_RETURN(const std::optional<Sku> sku, SkuStore::load(txn, id));
  if (!sku) return sku_not_found();
  return Reply::json(public_sku_json(*sku));
}

Result<Reply> CatalogRoutes::list_own(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const PageRequest page, parse_page(req));
  const int64_t merchant = req.identity().subject_id;
  BAZAAR_ASSIGN_OR_RETURN(
      const std::vector<Sku> rows,
      newest_across_shards<Sku>(
          host_, req.raw(), page,
          [&](Txn& txn) { return SkuStore::list_by_merchant(txn, merchant, page.before_id, page.limit); },
          [](const Sku& s) { return s.id; }));
  return Reply::json(page_json("skus", rows, page, sku_json, [](const Sku& s) { return s.id; }));
}

template <class Change>
Result<Reply> CatalogRoutes::change_own(const Request& req, Change&& change) const {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t id, sku_id_of(host_, req));
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(id), BZ_TXN_WRITE, req.raw()));
  // Every change is scoped by merchant in its WHERE: another merchant's SKU
  // is "not found", never changed.
  BAZAAR_ASSIGN_OR_RETURN(const int64_t changed, change(txn, id, req.identity().subject_id, host_.now_ms()));
  if (changed == 0) return sku_not_found();
  BAZAAR_ASSIGN_OR_RETURN(const std::optional<Sku> sku, SkuStore::load(txn, id));
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  if (!sku) return sku_not_found();
  return Reply::json(sku_json(*sku));
}

Result<Reply> CatalogRoutes::update(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const Json body, object_body(req.body()));
  BAZAAR_RETURN_IF_ERROR(only_fields(body, {"title", "price", "restock_on_refund", "active"}));
  std::optional<std::string> title;
  std::optional<int64_t> price, restock, active;
  if (body.contains("title")) {
    BAZAAR_ASSIGN_OR_RETURN(title, title_field(body));
  }
  if (body.contains("price")) {
    BAZAAR_ASSIGN_OR_RETURN(price, int_field(body, "price", 1, kMaxPrice, "BAD_PRICE"));
  }
  for (auto [field, target] : {std::pair{"restock_on_refund", &restock}, std::pair{"active", &active}}) {
    if (!body.contains(field)) continue;
    BAZAAR_ASSIGN_OR_RETURN(const bool on, bool_field(body, field));
    *target = on ? 1 : 0;
  }
  return change_own(req, [&](Txn& txn, int64_t id, int64_t merchant, int64_t now) {
    return SkuStore::update(txn, id, merchant, title, price, restock, active, now);
  });
}

Result<Reply> CatalogRoutes::set_stock(const Request& req) const {
  return stock_change(req, "available", 0, SkuStore::set_available);
}

Result<Reply> CatalogRoutes::add_stock(const Request& req) const {
  return stock_change(req, "add", 1, SkuStore::add_stock);
}

template <class Store>
Result<Reply> CatalogRoutes::stock_change(const Request& req, const char* field, int64_t min, Store&& store) const {
  BAZAAR_ASSIGN_OR_RETURN(const Json body, object_body(req.body()));
  BAZAAR_RETURN_IF_ERROR(only_fields(body, {field}));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t units, int_field(body, field, min, kMaxStock, "BAD_STOCK"));
  return change_own(req, [&](Txn& txn, int64_t id, int64_t merchant, int64_t now) {
    return store(txn, id, merchant, units, now);
  });
}

}  // namespace orders
