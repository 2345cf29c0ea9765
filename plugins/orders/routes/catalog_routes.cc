#include "catalog.h"

#include "scatter.h"

namespace orders {

using bazaar::sdk::Reply;
using bazaar::sdk::Request;
using bazaar::sdk::Txn;

struct Catalog::Sku {
  int64_t id = 0;
  int64_t merchant_id = 0;
  std::string title;
  int64_t price = 0;
  bool restock_on_refund = true;
  bool active = true;
  int64_t initial = 0, added = 0, available = 0, reserved = 0, sold = 0, returned = 0;
  int64_t created_ms = 0, updated_ms = 0;

  Json to_json() const {
    return {{"sku_id", id_text(id)},
            {"merchant_id", id_text(merchant_id)},
            {"title", title},
            {"price", price},
            {"restock_on_refund", restock_on_refund},
            {"active", active},
            {"stock",
             {{"initial", initial}, {"added", added}, {"available", available},
              {"reserved", reserved}, {"sold", sold}, {"returned", returned}}},
            {"created_at", iso_time(created_ms)},
            {"updated_at", iso_time(updated_ms)}};
  }
};

namespace {

constexpr std::string_view kSkuColumns =
    "id, merchant_id, title, price, restock_on_refund, active, initial, added, available, reserved, "
    "sold, returned, created_ms, updated_ms";
constexpr int64_t kMaxStock = 1'000'000'000;
constexpr int64_t kMaxPrice = 1'000'000'000;

template <class S>
void read_sku(const bazaar::sdk::Stmt& s, S& k) {
  k.id = s.int64(0);
  k.merchant_id = s.int64(1);
  k.title = std::string(s.text(2));
  k.price = s.int64(3);
  k.restock_on_refund = s.int64(4) != 0;
  k.active = s.int64(5) != 0;
  k.initial = s.int64(6);
  k.added = s.int64(7);
  k.available = s.int64(8);
  k.reserved = s.int64(9);
  k.sold = s.int64(10);
  k.returned = s.int64(11);
  k.created_ms = s.int64(12);
  k.updated_ms = s.int64(13);
}

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

Result<bool> bool_field(const Json& body, const char* field) {
  auto it = body.find(field);
  if (!it->is_boolean()) return bazaar::invalid_argument("INVALID_BODY", std::string(field) + " must be true or false");
  return it->get<bool>();
}

Result<std::optional<Catalog::Sku>> load_sku(Txn& txn, int64_t id);

}  // namespace

namespace {

Result<std::optional<Catalog::Sku>> load_sku(Txn& txn, int64_t id) {
  auto stmt = txn.prepare("SELECT " + std::string(kSkuColumns) + " FROM orders_skus WHERE id = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, id);
  auto found = stmt->step();
  if (!found.ok()) return found.error();
  if (!*found) return std::optional<Catalog::Sku>();
  Catalog::Sku sku;
  read_sku(*stmt, sku);
  return std::optional<Catalog::Sku>(std::move(sku));
}

}  // namespace

Result<Reply> Catalog::create(const Request& req) {
  auto body = object_body(req.body());
  if (!body.ok()) return body.error();
  if (Status s = only_fields(*body, {"title", "price", "stock", "restock_on_refund"}); !s.ok()) {
    return s.error();
  }
  auto title = title_field(*body);
  if (!title.ok()) return title.error();
  auto price = int_field(*body, "price", 1, kMaxPrice, "BAD_PRICE");
  if (!price.ok()) return price.error();
  auto stock = int_field(*body, "stock", 0, kMaxStock, "BAD_STOCK");
  if (!stock.ok()) return stock.error();
  bool restock = true;
  if (body->contains("restock_on_refund")) {
    auto r = bool_field(*body, "restock_on_refund");
    if (!r.ok()) return r.error();
    restock = *r;
  }
  // A new SKU goes to the next shard in turn (ids are spread by time), so
  // hot SKUs of one merchant do not all share one file.
  const int64_t now = host_.now_ms();
  const uint32_t shard =
      host_.shard_of(static_cast<uint64_t>(now) * 0x9E3779B97F4A7C15ULL ^
                     static_cast<uint64_t>(req.identity().subject_id));
  Sku sku;
  sku.id = host_.next_id(shard);
  sku.merchant_id = req.identity().subject_id;
  sku.title = *title;
  sku.price = *price;
  sku.restock_on_refund = restock;
  sku.initial = sku.available = *stock;
  sku.created_ms = sku.updated_ms = now;
  auto txn = host_.begin(shard, BZ_TXN_WRITE, req.raw());
  if (!txn.ok()) return txn.error();
  auto added = txn->exec(
      "INSERT INTO orders_skus (id, merchant_id, title, price, restock_on_refund, initial, available, "
      "created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?7)",
      sku.id, sku.merchant_id, sku.title, sku.price, int64_t{restock ? 1 : 0}, sku.initial, now);
  if (!added.ok()) return added.error();
  if (Status s = txn->commit(); !s.ok()) return s.error();
  host_.count("skus_created");
  return Reply::created(sku.to_json());
}

Result<Reply> Catalog::get_own(const Request& req) {
  auto id = parse_id_text(req.param("id"));
  if (!id || host_.shard_of_id(*id) >= host_.shard_count()) return sku_not_found();
  auto txn = host_.begin(host_.shard_of_id(*id), BZ_TXN_READ, req.raw());
  if (!txn.ok()) return txn.error();
  auto sku = load_sku(*txn, *id);
  if (!sku.ok()) return sku.error();
  if (!*sku || (*sku)->merchant_id != req.identity().subject_id) return sku_not_found();
  return Reply::json((*sku)->to_json());
}

Result<Reply> Catalog::get_public(const Request& req) {
  auto id = parse_id_text(req.param("id"));
  if (!id || host_.shard_of_id(*id) >= host_.shard_count()) return sku_not_found();
  auto txn = host_.begin(host_.shard_of_id(*id), BZ_TXN_READ, req.raw());
  if (!txn.ok()) return txn.error();
  auto sku = load_sku(*txn, *id);
  if (!sku.ok()) return sku.error();
  if (!*sku) return sku_not_found();
  const Sku& s = **sku;
  return Reply::json({{"sku_id", id_text(s.id)}, {"merchant_id", id_text(s.merchant_id)},
                      {"title", s.title}, {"price", s.price}, {"available", s.available},
                      {"active", s.active}});
}

Result<Reply> Catalog::list_own(const Request& req) {
  auto page = parse_page(req);
  if (!page.ok()) return page.error();
  const int64_t merchant = req.identity().subject_id;
  auto rows = newest_across_shards<Sku>(
      host_, req.raw(), *page,
      [&](Txn& txn) -> Result<std::vector<Sku>> {
        auto stmt = txn.prepare("SELECT " + std::string(kSkuColumns) +
                                " FROM orders_skus WHERE merchant_id = ?1 AND id < ?2 "
                                "ORDER BY id DESC LIMIT ?3");
        if (!stmt.ok()) return stmt.error();
        stmt->bind_all(merchant, page->before_id, int64_t{page->limit});
        std::vector<Sku> out;
        while (true) {
          auto more = stmt->step();
          if (!more.ok()) return more.error();
          if (!*more) break;
          Sku s;
          read_sku(*stmt, s);
          out.push_back(std::move(s));
        }
        return out;
      },
      [](const Sku& s) { return s.id; });
  if (!rows.ok()) return rows.error();
  return Reply::json(page_json(
      "skus", *rows, *page, [](const Sku& s) { return s.to_json(); }, [](const Sku& s) { return s.id; }));
}

template <class Change>
Result<Reply> Catalog::change_own(const Request& req, Change&& change) {
  auto id = parse_id_text(req.param("id"));
  if (!id || host_.shard_of_id(*id) >= host_.shard_count()) return sku_not_found();
  auto txn = host_.begin(host_.shard_of_id(*id), BZ_TXN_WRITE, req.raw());
  if (!txn.ok()) return txn.error();
  // Every change is scoped by merchant in its WHERE: another merchant's SKU
  // is "not found", never changed.
  Result<int64_t> changed = change(*txn, *id, req.identity().subject_id, host_.now_ms());
  if (!changed.ok()) return changed.error();
  if (*changed == 0) return sku_not_found();
  auto sku = load_sku(*txn, *id);
  if (!sku.ok()) return sku.error();
  if (Status s = txn->commit(); !s.ok()) return s.error();
  return Reply::json((*sku)->to_json());
}

Result<Reply> Catalog::update(const Request& req) {
  auto body = object_body(req.body());
  if (!body.ok()) return body.error();
  if (Status s = only_fields(*body, {"title", "price", "restock_on_refund", "active"}); !s.ok()) {
    return s.error();
  }
  // NULL keeps a column: one statement whatever fields are given.
  std::optional<std::string> title;
  std::optional<int64_t> price, restock, active;
  if (body->contains("title")) {
    auto t = title_field(*body);
    if (!t.ok()) return t.error();
    title = *t;
  }
  if (body->contains("price")) {
    auto p = int_field(*body, "price", 1, kMaxPrice, "BAD_PRICE");
    if (!p.ok()) return p.error();
    price = *p;
  }
  for (auto [field, target] : {std::pair{"restock_on_refund", &restock}, std::pair{"active", &active}}) {
    if (!body->contains(field)) continue;
    auto b = bool_field(*body, field);
    if (!b.ok()) return b.error();
    *target = *b ? 1 : 0;
  }
  return change_own(req, [&](Txn& txn, int64_t id, int64_t merchant, int64_t now) -> Result<int64_t> {
    return txn.exec(
        "UPDATE orders_skus SET title = COALESCE(?1, title), price = COALESCE(?2, price), "
        "restock_on_refund = COALESCE(?3, restock_on_refund), active = COALESCE(?4, active), "
        "updated_ms = ?5 WHERE id = ?6 AND merchant_id = ?7",
        title, price, restock, active, now, id, merchant);
  });
}

Result<Reply> Catalog::set_stock(const Request& req) {
  auto body = object_body(req.body());
  if (!body.ok()) return body.error();
  if (Status s = only_fields(*body, {"available"}); !s.ok()) return s.error();
  auto available = int_field(*body, "available", 0, kMaxStock, "BAD_STOCK");
  if (!available.ok()) return available.error();
  return change_own(req, [&](Txn& txn, int64_t id, int64_t merchant, int64_t now) {
    // One statement: the difference goes to `added`, so the equation holds.
    return txn.exec(
        "UPDATE orders_skus SET added = added + (?1 - available), available = ?1, updated_ms = ?2 "
        "WHERE id = ?3 AND merchant_id = ?4",
        *available, now, id, merchant);
  });
}

Result<Reply> Catalog::add_stock(const Request& req) {
  auto body = object_body(req.body());
  if (!body.ok()) return body.error();
  if (Status s = only_fields(*body, {"add"}); !s.ok()) return s.error();
  auto add = int_field(*body, "add", 1, kMaxStock, "BAD_STOCK");
  if (!add.ok()) return add.error();
  return change_own(req, [&](Txn& txn, int64_t id, int64_t merchant, int64_t now) {
    return txn.exec(
        "UPDATE orders_skus SET added = added + ?1, available = available + ?1, updated_ms = ?2 "
        "WHERE id = ?3 AND merchant_id = ?4 AND available + ?1 <= ?5",
        *add, now, id, merchant, kMaxStock);
  });
}

}  // namespace orders
