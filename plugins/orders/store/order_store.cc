#include "store/order_store.h"

#include "store/hold_store.h"
#include "store/written.h"

namespace orders {

namespace {

constexpr std::string_view kOrderColumns =
    "id, user_id, merchant_id, status, total, discount, payable, refunded, address, flash_id, "
    "payment_deadline_ms, created_ms, updated_ms, paid_ms";

OrderStatus status_column(const Row& r, int column) {
  // The table's CHECK admits only known statuses.
  return parse_status(r.text(column)).value_or(OrderStatus::kPendingPayment);
}

Order read_order(const Row& r) {
  Order o;
  o.id = r.int64(0);
  o.user_id = r.int64(1);
  o.merchant_id = r.int64(2);
  o.status = status_column(r, 3);
  o.total = Money::fen(r.int64(4));
  o.discount = Money::fen(r.int64(5));
  o.payable = Money::fen(r.int64(6));
  o.refunded = Money::fen(r.int64(7));
  o.address = r.string(8);
  o.flash_id = r.optional_int64(9);
  o.payment_deadline_ms = r.int64(10);
  o.created_ms = r.int64(11);
  o.updated_ms = r.int64(12);
  o.paid_ms = r.optional_int64(13);
  return o;
}

OrderItem read_item(const Row& r) {
  OrderItem i;
  i.line = static_cast<int>(r.int64(0));
  i.sku_id = r.int64(1);
  i.title = r.string(2);
  i.unit_price = Money::fen(r.int64(3));
  i.qty = r.int64(4);
  i.amount = Money::fen(r.int64(5));
  i.discount = Money::fen(r.int64(6));
  i.paid_amount = Money::fen(r.int64(7));
  i.refunded_qty = r.int64(8);
  i.refunded_amount = Money::fen(r.int64(9));
  return i;
}

Result<std::vector<OrderRow>> list_where(Txn& txn, std::string_view owner_column, int64_t owner,
                                         std::optional<OrderStatus> status, int64_t before_id, int limit) {
  // Two fixed statements per owner column (any status / one status): each
  // is served by its (owner, [status,] id) index and cached by the host.
  const std::string sql = "SELECT " + std::string(kOrderColumns) +
                          ", (SELECT COUNT(*) FROM orders_items i WHERE i.order_id = o.id)"
                          " FROM orders_orders o WHERE " + std::string(owner_column) + " = ?1" +
                          (status ? " AND status = ?4" : "") + " AND id < ?2 ORDER BY id DESC LIMIT ?3";
  BAZAAR_ASSIGN_OR_RETURN(auto stmt, txn.query(sql, owner, before_id, int64_t{limit}));
  if (status) stmt.bind(4, to_string(*status));
  return stmt.collect([](const Row& r) { return OrderRow{read_order(r), r.int64(14)}; });
}

}  // namespace

Status OrderStore::insert(Txn& txn, const Order& o, const std::vector<LineDiscount>& discounts,
                          std::string_view actor, std::string_view reason) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto order,
      txn.query("INSERT INTO orders_orders (id, user_id, merchant_id, status, total, discount, payable, "
                "address, flash_id, payment_deadline_ms, created_ms, updated_ms) "
                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
                o.id, o.user_id, o.merchant_id, to_string(o.status), o.total.in_fen(), o.discount.in_fen(),
                o.payable.in_fen(), o.address, o.flash_id, o.payment_deadline_ms, o.created_ms));
  BAZAAR_RETURN_IF_ERROR(order.run());
  for (const OrderItem& i : o.items) {
    // exec prepares per row: the host's cache hands back the same statement, reset.
    BAZAAR_RETURN_IF_ERROR(txn.exec(
        "INSERT INTO orders_items (order_id, line, sku_id, title, unit_price, qty, amount, discount, "
        "paid_amount) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        o.id, i.line, i.sku_id, i.title, i.unit_price.in_fen(), i.qty, i.amount.in_fen(), i.discount.in_fen(),
        i.paid_amount.in_fen()));
  }
  for (const LineDiscount& d : discounts) {
    BAZAAR_RETURN_IF_ERROR(txn.exec(
        "INSERT INTO orders_line_discounts (order_id, line, participant, amount) VALUES (?1, ?2, ?3, ?4)",
        o.id, d.line, d.participant, d.amount.in_fen()));
  }
  return add_history(txn, o.id, std::nullopt, o.status, actor, reason, o.created_ms);
}

Result<std::optional<Order>> OrderStore::load(Txn& txn, int64_t order_id) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt, txn.query("SELECT " + std::string(kOrderColumns) + " FROM orders_orders WHERE id = ?1", order_id));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<Order> order, stmt.first(read_order));
  if (!order) return order;
  BAZAAR_ASSIGN_OR_RETURN(
      auto items, txn.query("SELECT line, sku_id, title, unit_price, qty, amount, discount, paid_amount, "
                            "refunded_qty, refunded_amount FROM orders_items WHERE order_id = ?1 ORDER BY line",
                            order_id));
  BAZAAR_ASSIGN_OR_RETURN(order->items, items.collect(read_item));
  BAZAAR_ASSIGN_OR_RETURN(order->holds, HoldStore::open(txn, order_id));
  return order;
}

Result<std::optional<OrderFacts>> OrderStore::facts(Txn& txn, int64_t order_id) {
  BAZAAR_ASSIGN_OR_RETURN(auto stmt, txn.query("SELECT status, payable FROM orders_orders WHERE id = ?1", order_id));
  return stmt.first([](const Row& r) { return OrderFacts{status_column(r, 0), Money::fen(r.int64(1))}; });
}

Result<bool> OrderStore::set_status(Txn& txn, int64_t order_id, OrderStatus from, OrderStatus to, int64_t now_ms) {
  BAZAAR_ASSIGN_OR_RETURN(
      const int64_t moved,
      txn.exec("UPDATE orders_orders SET status = ?1, updated_ms = ?2, "
               "paid_ms = CASE WHEN ?1 = 'PAID' THEN ?2 ELSE paid_ms END WHERE id = ?3 AND status = ?4",
               to_string(to), now_ms, order_id, to_string(from)));
  return moved == 1;
}

Status OrderStore::add_history(Txn& txn, int64_t order_id, std::optional<OrderStatus> from, OrderStatus to,
                               std::string_view actor, std::string_view reason, int64_t now_ms) {
  // seq = last + 1 is safe: the caller holds the shard's write lock.
  std::optional<std::string_view> from_text;
  if (from) from_text = to_string(*from);
  return written(txn.exec(
      "INSERT INTO orders_history (order_id, seq, from_status, to_status, actor, reason, at_ms) "
      "SELECT ?1, COALESCE(MAX(seq), 0) + 1, ?2, ?3, ?4, ?5, ?6 FROM orders_history WHERE order_id = ?1",
      order_id, from_text, to_string(to), actor, reason, now_ms));
}

Result<Json> OrderStore::history(Txn& txn, int64_t order_id) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt, txn.query("SELECT seq, from_status, to_status, actor, reason, at_ms FROM orders_history "
                           "WHERE order_id = ?1 ORDER BY seq",
                           order_id));
  Json rows = Json::array();
  BAZAAR_RETURN_IF_ERROR(stmt.for_each([&](const Row& r) {
    rows.push_back({{"seq", r.int64(0)},
                    {"from", r.is_null(1) ? Json(nullptr) : Json(r.string(1))},
                    {"to", r.string(2)},
                    {"actor", r.string(3)},
                    {"reason", r.string(4)},
                    {"at", iso_time(r.int64(5))}});
  }));
  return rows;
}

Result<bool> OrderStore::refund_line(Txn& txn, int64_t order_id, int line, int64_t qty, Money amount) {
  BAZAAR_ASSIGN_OR_RETURN(
      const int64_t changed,
      txn.exec("UPDATE orders_items SET refunded_qty = refunded_qty + ?1, refunded_amount = refunded_amount + ?2 "
               "WHERE order_id = ?3 AND line = ?4 AND refunded_qty + ?1 <= qty AND refunded_amount + ?2 <= paid_amount",
               qty, amount.in_fen(), order_id, int64_t{line}));
  return changed == 1;
}

Status OrderStore::add_refunded(Txn& txn, int64_t order_id, Money amount, int64_t now_ms) {
  return written(txn.exec("UPDATE orders_orders SET refunded = refunded + ?1, updated_ms = ?2 WHERE id = ?3",
                          amount.in_fen(), now_ms, order_id));
}

Result<std::vector<OrderRow>> OrderStore::list_by_user(Txn& txn, int64_t user_id, std::optional<OrderStatus> status,
                                                       int64_t before_id, int limit) {
  return list_where(txn, "user_id", user_id, status, before_id, limit);
}

Result<std::vector<OrderRow>> OrderStore::list_by_merchant(Txn& txn, int64_t merchant_id,
                                                           std::optional<OrderStatus> status, int64_t before_id,
                                                           int limit) {
  return list_where(txn, "merchant_id", merchant_id, status, before_id, limit);
}

std::string OrderStore::detail_key(int64_t order_id) { return "order_detail2:" + id_text(order_id); }
std::string OrderStore::first_page_key(int64_t user_id) { return "orders1:" + id_text(user_id); }

void OrderStore::invalidate_after_commit(Txn& txn, int64_t order_id, int64_t user_id) {
  txn.delete_after_commit(detail_key(order_id));
  txn.delete_after_commit(first_page_key(user_id));
}

Status OrderStore::void_id(Txn& txn, int64_t order_id, int64_t now_ms) {
  return written(txn.exec(
      "INSERT INTO orders_voided (order_id, voided_ms) VALUES (?1, ?2) ON CONFLICT (order_id) DO NOTHING",
      order_id, now_ms));
}

Result<bool> OrderStore::is_voided(Txn& txn, int64_t order_id) {
  BAZAAR_ASSIGN_OR_RETURN(auto stmt, txn.query("SELECT 1 FROM orders_voided WHERE order_id = ?1", order_id));
  return stmt.step();
}

}  // namespace orders
