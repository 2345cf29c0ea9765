#include "routes/flash_sale_routes.h"

#include "routes/paging.h"
#include "store/flash_store.h"
#include "store/sku_store.h"

namespace orders {

namespace {

Error sale_not_found() { return bazaar::not_found("FLASH_SALE_NOT_FOUND", "no such flash sale"); }

Result<int64_t> time_field(const Json& body, const char* field) {
  auto it = body.find(field);
  std::optional<int64_t> ms;
  if (it != body.end() && it->is_string()) ms = parse_iso_time(it->get_ref<const std::string&>());
  if (!ms) return bazaar::invalid_argument("BAD_WINDOW", std::string(field) + " must be an ISO-8601 time");
  return *ms;
}

}  // namespace

Result<std::optional<FlashSale>> FlashSaleRoutes::load(const Request& req) const {
  auto id = parse_id_text(req.param("id"));
  if (!id || host_.shard_of_id(*id) >= host_.shard_count()) return std::optional<FlashSale>();
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(*id), BZ_TXN_READ, req.raw()));
  return FlashStore::load(txn, *id);
}

Result<FlashSale> FlashSaleRoutes::load_own(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(std::optional<FlashSale> sale, load(req));
  if (!sale || sale->merchant_id != req.identity().subject_id) return sale_not_found();
  return std::move(*sale);
}

Result<Reply> FlashSaleRoutes::create(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const Json body, object_body(req.body()));
  BAZAAR_RETURN_IF_ERROR(only_fields(body, {"sku_id", "price", "quantity", "start", "end", "per_user_limit"}));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t sku_id, parse_id(body.value("sku_id", Json()), "sku_id", "BAD_SKU_ID"));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t price, int_field(body, "price", 1, 1'000'000'000, "BAD_PRICE"));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t quantity, int_field(body, "quantity", 1, 1'000'000, "BAD_QUANTITY"));
  int64_t limit = 1;
  if (body.contains("per_user_limit")) {
    BAZAAR_ASSIGN_OR_RETURN(limit, int_field(body, "per_user_limit", 1, 999, "BAD_LIMIT"));
  }
  BAZAAR_ASSIGN_OR_RETURN(const int64_t start, time_field(body, "start"));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t end, time_field(body, "end"));
  if (end <= start) return bazaar::invalid_argument("BAD_WINDOW", "end must be after start");

  const int64_t merchant = req.identity().subject_id;
  // A sale lives on its SKU's shard, so its units and the SKU's stock move together.
  const uint32_t shard = host_.shard_of_id(sku_id);
  if (shard >= host_.shard_count()) return bazaar::not_found("SKU_NOT_FOUND", "no such SKU");
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(shard, BZ_TXN_WRITE, req.raw()));
  BAZAAR_ASSIGN_OR_RETURN(const std::optional<Sku> sku, SkuStore::load(txn, sku_id));
  if (!sku || sku->merchant_id != merchant) return bazaar::not_found("SKU_NOT_FOUND", "no such SKU");
  FlashSale sale;
  sale.id = host_.next_id(shard);
  sale.merchant_id = merchant;
  sale.sku_id = sku_id;
  sale.price = Money::fen(price);
  sale.quantity = sale.remaining = quantity;
  sale.per_user_limit = limit;
  sale.start_ms = start;
  sale.end_ms = end;
  sale.status = "ACTIVE";
  BAZAAR_RETURN_IF_ERROR(FlashStore::insert(txn, sale, host_.now_ms()));
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  return Reply::created(flash_sale_json(sale, true));
}

Result<Reply> FlashSaleRoutes::get_own(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const FlashSale sale, load_own(req));
  return Reply::json(flash_sale_json(sale, true));
}

Result<Reply> FlashSaleRoutes::get_public(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const std::optional<FlashSale> sale, load(req));
  if (!sale) return sale_not_found();
  return Reply::json(flash_sale_json(*sale, false));
}

Result<Reply> FlashSaleRoutes::list_own(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(const PageRequest page, parse_page(req));
  const int64_t merchant = req.identity().subject_id;
  BAZAAR_ASSIGN_OR_RETURN(
      const std::vector<FlashSale> rows,
      newest_across_shards<FlashSale>(
          host_, req.raw(), page,
          [&](Txn& txn) { return FlashStore::list_by_merchant(txn, merchant, page.before_id, page.limit); },
          [](const FlashSale& s) { return s.id; }));
  return Reply::json(page_json(
      "flash_sales", rows, page, [](const FlashSale& s) { return flash_sale_json(s, true); },
      [](const FlashSale& s) { return s.id; }));
}

Result<Reply> FlashSaleRoutes::cancel(const Request& req) const {
  BAZAAR_ASSIGN_OR_RETURN(FlashSale sale, load_own(req));
  BAZAAR_ASSIGN_OR_RETURN(Txn txn, host_.begin(host_.shard_of_id(sale.id), BZ_TXN_WRITE, req.raw()));
  BAZAAR_RETURN_IF_ERROR(FlashStore::cancel(txn, sale.id, sale.merchant_id));
  BAZAAR_RETURN_IF_ERROR(txn.commit());
  sale.status = "CANCELLED";
  return Reply::json(flash_sale_json(sale, true));
}

}  // namespace orders
