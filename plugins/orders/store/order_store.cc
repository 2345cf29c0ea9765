#include "order_store.h"

namespace orders {

namespace {

constexpr std::string_view kOrderColumns =
    "id, user_id, merchant_id, status, total, discount, payable, refunded, address, flash_id, "
    "payment_deadline_ms, created_ms, updated_ms, paid_ms";

Order read_order(const bazaar::sdk::Stmt& s) {
  Order o;
  o.id = s.int64(0);
  o.user_id = s.int64(1);
  o.merchant_id = s.int64(2);
  o.status = std::string(s.text(3));
  o.total = s.int64(4);
  o.discount = s.int64(5);
  o.payable = s.int64(6);
  o.refunded = s.int64(7);
  o.address = std::string(s.text(8));
  if (!s.is_null(9)) o.flash_id = s.int64(9);
  o.payment_deadline_ms = s.int64(10);
  o.created_ms = s.int64(11);
  o.updated_ms = s.int64(12);
  if (!s.is_null(13)) o.paid_ms = s.int64(13);
  return o;
}

Result<std::vector<OrderRow>> list_where(Txn& txn, std::string_view owner_column, int64_t owner,
                                         std::string_view status, int64_t before_id, int limit) {
  // Two fixed statements per owner column (any status / one status): each
  // is served by its (owner, [status,] id) index and cached by the host.
  std::string sql = "SELECT " + std::string(kOrderColumns) +
                    ", (SELECT COUNT(*) FROM orders_items i WHERE i.order_id = o.id)"
                    " FROM orders_orders o WHERE " + std::string(owner_column) + " = ?1" +
                    (status.empty() ? "" : " AND status = ?4") +
                    " AND id < ?2 ORDER BY id DESC LIMIT ?3";
  auto stmt = txn.prepare(sql);
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, owner).bind(2, before_id).bind(3, int64_t{limit});
  if (!status.empty()) stmt->bind(4, status);
  std::vector<OrderRow> rows;
  while (true) {
    auto more = stmt->step();
    if (!more.ok()) return more.error();
    if (!*more) break;
    rows.push_back({read_order(*stmt), stmt->int64(14)});
  }
  return rows;
}

}  // namespace

Status OrderStore::insert(Txn& txn, const Order& o, std::string_view actor, std::string_view reason) {
  auto order_stmt = txn.prepare(
      "INSERT INTO orders_orders (id, user_id, merchant_id, status, total, discount, payable, "
      "address, flash_id, payment_deadline_ms, created_ms, updated_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)");
  if (!order_stmt.ok()) return order_stmt.error();
  order_stmt->bind_all(o.id, o.user_id, o.merchant_id, o.status, o.total, o.discount, o.payable,
                       o.address, o.flash_id, o.payment_deadline_ms, o.created_ms);
  if (Status ran = order_stmt->run(); !ran.ok()) return ran;
  for (const OrderItem& i : o.items) {
    // exec prepares per row: the host's cache hands back the same statement, reset.
    auto added = txn.exec(
        "INSERT INTO orders_items (order_id, line, sku_id, title, unit_price, qty, amount, discount, "
        "paid_amount) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        o.id, i.line, i.sku_id, i.title, i.unit_price, i.qty, i.amount, i.discount, i.paid_amount);
    if (!added.ok()) return added.error();
  }
  return add_history(txn, o.id, std::nullopt, o.status, actor, reason, o.created_ms);
}

Result<std::optional<Order>> OrderStore::load(Txn& txn, int64_t order_id) {
  auto stmt = txn.prepare("SELECT " + std::string(kOrderColumns) + " FROM orders_orders WHERE id = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, order_id);
  auto found = stmt->step();
  if (!found.ok()) return found.error();
  if (!*found) return std::optional<Order>();
  Order order = read_order(*stmt);
  auto items = txn.prepare(
      "SELECT line, sku_id, title, unit_price, qty, amount, discount, paid_amount, refunded_qty, "
      "refunded_amount FROM orders_items WHERE order_id = ?1 ORDER BY line");
  if (!items.ok()) return items.error();
  items->bind(1, order_id);
  while (true) {
    auto more = items->step();
    if (!more.ok()) return more.error();
    if (!*more) break;
    OrderItem i;
    i.line = static_cast<int>(items->int64(0));
    i.sku_id = items->int64(1);
    i.title = std::string(items->text(2));
    i.unit_price = items->int64(3);
    i.qty = items->int64(4);
    i.amount = items->int64(5);
    i.discount = items->int64(6);
    i.paid_amount = items->int64(7);
    i.refunded_qty = items->int64(8);
    i.refunded_amount = items->int64(9);
    order.items.push_back(std::move(i));
  }
  return std::optional<Order>(std::move(order));
}

Result<bool> OrderStore::transition(Txn& txn, int64_t order_id, std::string_view from,
                                    std::string_view to, std::string_view actor,
                                    std::string_view reason, int64_t now_ms) {
  auto moved = txn.exec(
      "UPDATE orders_orders SET status = ?1, updated_ms = ?2, "
      "paid_ms = CASE WHEN ?1 = 'PAID' THEN ?2 ELSE paid_ms END WHERE id = ?3 AND status = ?4",
      to, now_ms, order_id, from);
  if (!moved.ok()) return moved.error();
  if (*moved == 0) return false;
  Status logged = add_history(txn, order_id, from, to, actor, reason, now_ms);
  if (!logged.ok()) return logged.error();
  return true;
}

Status OrderStore::add_history(Txn& txn, int64_t order_id, std::optional<std::string_view> from,
                               std::string_view to, std::string_view actor,
                               std::string_view reason, int64_t now_ms) {
  // seq = last + 1 is safe: the caller holds the shard's write lock.
  auto stmt = txn.prepare(
      "INSERT INTO orders_history (order_id, seq, from_status, to_status, actor, reason, at_ms) "
      "SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6 FROM orders_history WHERE order_id = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, order_id);
  if (from) {
    stmt->bind(2, *from);
  } else {
    stmt->bind_null(2);
  }
  stmt->bind(3, to).bind(4, actor).bind(5, reason).bind(6, now_ms);
  return stmt->run();
}

Result<Json> OrderStore::history(Txn& txn, int64_t order_id) {
  auto stmt = txn.prepare(
      "SELECT seq, from_status, to_status, actor, reason, at_ms FROM orders_history "
      "WHERE order_id = ?1 ORDER BY seq");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, order_id);
  Json rows = Json::array();
  while (true) {
    auto more = stmt->step();
    if (!more.ok()) return more.error();
    if (!*more) break;
    rows.push_back({{"seq", stmt->int64(0)},
                    {"from", stmt->is_null(1) ? Json(nullptr) : Json(std::string(stmt->text(1)))},
                    {"to", std::string(stmt->text(2))},
                    {"actor", std::string(stmt->text(3))},
                    {"reason", std::string(stmt->text(4))},
                    {"at", iso_time(stmt->int64(5))}});
  }
  return rows;
}

Result<std::vector<OrderRow>> OrderStore::list_by_user(Txn& txn, int64_t user_id,
                                                       std::string_view status, int64_t before_id,
                                                       int limit) {
  return list_where(txn, "user_id", user_id, status, before_id, limit);
}

Result<std::vector<OrderRow>> OrderStore::list_by_merchant(Txn& txn, int64_t merchant_id,
                                                           std::string_view status,
                                                           int64_t before_id, int limit) {
  return list_where(txn, "merchant_id", merchant_id, status, before_id, limit);
}

// The key names the entry's format (see queries.cc): a new format takes a
// new key, so workers of two versions never read each other's entries.
std::string OrderStore::detail_key(int64_t order_id) { return "order_detail:" + id_text(order_id); }
std::string OrderStore::first_page_key(int64_t user_id) { return "orders1:" + id_text(user_id); }

void OrderStore::invalidate_after_commit(Txn& txn, int64_t order_id, int64_t user_id) {
  txn.delete_after_commit(detail_key(order_id));
  txn.delete_after_commit(first_page_key(user_id));
}

Status OrderStore::void_id(Txn& txn, int64_t order_id, int64_t now_ms) {
  auto voided = txn.exec(
      "INSERT INTO orders_voided (order_id, voided_ms) VALUES (?1, ?2) ON CONFLICT (order_id) DO NOTHING",
      order_id, now_ms);
  if (!voided.ok()) return voided.error();
  return bazaar::ok_status();
}

Result<bool> OrderStore::is_voided(Txn& txn, int64_t order_id) {
  auto stmt = txn.prepare("SELECT 1 FROM orders_voided WHERE order_id = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, order_id);
  return stmt->step();
}

}  // namespace orders
