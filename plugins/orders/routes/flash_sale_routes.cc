#include "flash_sales.h"

#include "scatter.h"

#include <chrono>
#include <mutex>

namespace orders {

using bazaar::sdk::Reply;
using bazaar::sdk::Request;
using bazaar::sdk::Txn;

struct FlashSales::Sale {
  int64_t id = 0;
  int64_t merchant_id = 0;
  int64_t sku_id = 0;
  int64_t price = 0;
  int64_t quantity = 0;
  int64_t remaining = 0;
  int64_t per_user_limit = 0;
  int64_t start_ms = 0;
  int64_t end_ms = 0;
  std::string status;

  Json to_json(bool with_merchant) const {
    Json j = {{"flash_sale_id", id_text(id)}, {"sku_id", id_text(sku_id)},
              {"price", price},               {"quantity", quantity},
              {"remaining", remaining},       {"per_user_limit", per_user_limit},
              {"start", iso_time(start_ms)},  {"end", iso_time(end_ms)},
              {"status", status},             {"sold_out", remaining == 0}};
    if (with_merchant) j["merchant_id"] = id_text(merchant_id);
    return j;
  }
};

namespace {

constexpr std::string_view kSaleColumns =
    "id, merchant_id, sku_id, price, quantity, remaining, per_user_limit, start_ms, end_ms, status";

template <class S>
void read_sale(const bazaar::sdk::Stmt& s, S& sale) {
  sale.id = s.int64(0);
  sale.merchant_id = s.int64(1);
  sale.sku_id = s.int64(2);
  sale.price = s.int64(3);
  sale.quantity = s.int64(4);
  sale.remaining = s.int64(5);
  sale.per_user_limit = s.int64(6);
  sale.start_ms = s.int64(7);
  sale.end_ms = s.int64(8);
  sale.status = std::string(s.text(9));
}

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

Error sale_not_found() { return bazaar::not_found("FLASH_SALE_NOT_FOUND", "no such flash sale"); }

Result<int64_t> time_field(const Json& body, const char* field) {
  auto it = body.find(field);
  if (it == body.end() || !it->is_string()) {
    return bazaar::invalid_argument("BAD_WINDOW", std::string(field) + " must be an ISO-8601 time");
  }
  auto ms = parse_iso_time(it->get_ref<const std::string&>());
  if (!ms) return bazaar::invalid_argument("BAD_WINDOW", std::string(field) + " must be an ISO-8601 time");
  return *ms;
}

}  // namespace

std::string FlashSales::flag_key(int64_t flash_id) { return "flash_sold_out:" + id_text(flash_id); }

Result<std::optional<FlashSales::Sale>> FlashSales::load(int64_t flash_id, const bz_request* req) {
  auto txn = host_.begin(host_.shard_of_id(flash_id), BZ_TXN_READ, req);
  if (!txn.ok()) return txn.error();
  auto stmt = txn->prepare("SELECT " + std::string(kSaleColumns) + " FROM orders_flash_sales WHERE id = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, flash_id);
  auto found = stmt->step();
  if (!found.ok()) return found.error();
  if (!*found) return std::optional<Sale>();
  Sale sale;
  read_sale(*stmt, sale);
  return std::optional<Sale>(sale);
}

Result<FlashSales::Sale> FlashSales::load_own(const Request& req) {
  auto id = parse_id_text(req.param("id"));
  if (!id || host_.shard_of_id(*id) >= host_.shard_count()) return sale_not_found();
  auto sale = load(*id, req.raw());
  if (!sale.ok()) return sale.error();
  if (!*sale || (*sale)->merchant_id != req.identity().subject_id) return sale_not_found();
  return **sale;
}

Result<Reply> FlashSales::create(const Request& req) {
  auto parsed = object_body(req.body());
  if (!parsed.ok()) return parsed.error();
  const Json& body = *parsed;
  if (Status s = only_fields(body, {"sku_id", "price", "quantity", "start", "end", "per_user_limit"});
      !s.ok()) {
    return s.error();
  }
  auto sku = parse_id(body.value("sku_id", Json()), "sku_id", "BAD_SKU_ID");
  if (!sku.ok()) return sku.error();
  auto price = int_field(body, "price", 1, 1'000'000'000, "BAD_PRICE");
  if (!price.ok()) return price.error();
  auto quantity = int_field(body, "quantity", 1, 1'000'000, "BAD_QUANTITY");
  if (!quantity.ok()) return quantity.error();
  int64_t limit = 1;
  if (body.contains("per_user_limit")) {
    auto l = int_field(body, "per_user_limit", 1, 999, "BAD_LIMIT");
    if (!l.ok()) return l.error();
    limit = *l;
  }
  auto start = time_field(body, "start");
  if (!start.ok()) return start.error();
  auto end = time_field(body, "end");
  if (!end.ok()) return end.error();
  if (*end <= *start) return bazaar::invalid_argument("BAD_WINDOW", "end must be after start");

  const int64_t merchant = req.identity().subject_id;
  const uint32_t shard = host_.shard_of_id(*sku);
  if (shard >= host_.shard_count()) return bazaar::not_found("SKU_NOT_FOUND", "no such SKU");
  auto txn = host_.begin(shard, BZ_TXN_WRITE, req.raw());
  if (!txn.ok()) return txn.error();
  auto owner = txn->prepare("SELECT merchant_id FROM orders_skus WHERE id = ?1");
  if (!owner.ok()) return owner.error();
  owner->bind(1, *sku);
  auto found = owner->step();
  if (!found.ok()) return found.error();
  if (!*found || owner->int64(0) != merchant) return bazaar::not_found("SKU_NOT_FOUND", "no such SKU");
  Sale sale{host_.next_id(shard), merchant, *sku, *price, *quantity, *quantity, limit, *start, *end,
            "ACTIVE"};
  auto added = txn->exec(
      "INSERT INTO orders_flash_sales (id, merchant_id, sku_id, price, quantity, remaining, "
      "per_user_limit, start_ms, end_ms, status, created_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, 'ACTIVE', ?9)",
      sale.id, merchant, *sku, *price, *quantity, limit, *start, *end, host_.now_ms());
  if (!added.ok()) return added.error();
  if (Status s = txn->commit(); !s.ok()) return s.error();
  return Reply::created(sale.to_json(true));
}

Result<Reply> FlashSales::get_own(const Request& req) {
  auto sale = load_own(req);
  if (!sale.ok()) return sale.error();
  return Reply::json(sale->to_json(true));
}

Result<Reply> FlashSales::get_public(const Request& req) {
  auto id = parse_id_text(req.param("id"));
  if (!id || host_.shard_of_id(*id) >= host_.shard_count()) return sale_not_found();
  auto sale = load(*id, req.raw());
  if (!sale.ok()) return sale.error();
  if (!*sale) return sale_not_found();
  return Reply::json((*sale)->to_json(false));
}

Result<Reply> FlashSales::list_own(const Request& req) {
  auto page = parse_page(req);
  if (!page.ok()) return page.error();
  const int64_t merchant = req.identity().subject_id;
  auto rows = newest_across_shards<Sale>(
      host_, req.raw(), *page,
      [&](Txn& txn) -> Result<std::vector<Sale>> {
        auto stmt = txn.prepare("SELECT " + std::string(kSaleColumns) +
                                " FROM orders_flash_sales WHERE merchant_id = ?1 AND id < ?2 "
                                "ORDER BY id DESC LIMIT ?3");
        if (!stmt.ok()) return stmt.error();
        stmt->bind_all(merchant, page->before_id, int64_t{page->limit});
        std::vector<Sale> out;
        while (true) {
          auto more = stmt->step();
          if (!more.ok()) return more.error();
          if (!*more) break;
          Sale s;
          read_sale(*stmt, s);
          out.push_back(std::move(s));
        }
        return out;
      },
      [](const Sale& s) { return s.id; });
  if (!rows.ok()) return rows.error();
  return Reply::json(page_json(
      "flash_sales", *rows, *page, [](const Sale& s) { return s.to_json(true); },
      [](const Sale& s) { return s.id; }));
}

Result<Reply> FlashSales::cancel(const Request& req) {
  auto sale = load_own(req);
  if (!sale.ok()) return sale.error();
  auto txn = host_.begin(host_.shard_of_id(sale->id), BZ_TXN_WRITE, req.raw());
  if (!txn.ok()) return txn.error();
  auto moved = txn->exec(
      "UPDATE orders_flash_sales SET status = 'CANCELLED' WHERE id = ?1 AND merchant_id = ?2",
      sale->id, sale->merchant_id);
  if (!moved.ok()) return moved.error();
  if (Status s = txn->commit(); !s.ok()) return s.error();
  sale->status = "CANCELLED";
  return Reply::json(sale->to_json(true));
}

void FlashSales::remember(int64_t flash_id, bool sold_out) {
  std::unique_lock lock(mutex_);
  if (sold_out) {
    sold_out_until_[flash_id] = steady_ms() + 1000;
  } else {
    sold_out_until_.erase(flash_id);
  }
}

bool FlashSales::known_sold_out(int64_t flash_id) {
  {
    std::shared_lock lock(mutex_);
    auto it = sold_out_until_.find(flash_id);
    if (it != sold_out_until_.end() && it->second > steady_ms()) return true;
  }
  if (host_.cache_get(flag_key(flash_id))) {
    remember(flash_id, true);
    return true;
  }
  return false;
}

void FlashSales::mark_sold_out(int64_t flash_id) {
  remember(flash_id, true);
  host_.cache_set(flag_key(flash_id), "1", 3600);
  (void)host_.signal("orders.flash_sold_out.", {{"id", id_text(flash_id)}});
}

void FlashSales::mark_restocked(int64_t flash_id) {
  remember(flash_id, false);
  host_.cache_delete(flag_key(flash_id));
  (void)host_.signal("orders.flash_restocked.", {{"id", id_text(flash_id)}});
}

Status FlashSales::on_sold_out_signal(const bazaar::sdk::Event& signal) {
  Json doc = Json::parse(signal.payload, nullptr, false);
  if (auto id = doc.is_object() ? parse_id_text(doc.value("id", std::string())) : std::nullopt) {
    remember(*id, true);
  }
  return bazaar::ok_status();
}

Status FlashSales::on_restocked_signal(const bazaar::sdk::Event& signal) {
  Json doc = Json::parse(signal.payload, nullptr, false);
  if (auto id = doc.is_object() ? parse_id_text(doc.value("id", std::string())) : std::nullopt) {
    remember(*id, false);
  }
  return bazaar::ok_status();
}

}  // namespace orders
