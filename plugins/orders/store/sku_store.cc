#include "store/sku_store.h"

#include "store/written.h"

namespace orders {

namespace {

constexpr std::string_view kSkuColumns =
    "id, merchant_id, title, price, restock_on_refund, active, initial, added, available, reserved, "
    "sold, returned, created_ms, updated_ms";

Sku read_sku(const Row& r) {
  Sku k;
  k.id = r.int64(0);
  k.merchant_id = r.int64(1);
  k.title = r.string(2);
  k.price = Money::fen(r.int64(3));
  k.restock_on_refund = r.int64(4) != 0;
  k.active = r.int64(5) != 0;
  k.initial = r.int64(6);
  k.added = r.int64(7);
  k.available = r.int64(8);
  k.reserved = r.int64(9);
  k.sold = r.int64(10);
  k.returned = r.int64(11);
  k.created_ms = r.int64(12);
  k.updated_ms = r.int64(13);
  return k;
}

}  // namespace

Status SkuStore::insert(Txn& txn, const Sku& s) {
  return written(txn.exec(
      "INSERT INTO orders_skus (id, merchant_id, title, price, restock_on_refund, initial, available, "
      "created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?7)",
      s.id, s.merchant_id, s.title, s.price.in_fen(), int64_t{s.restock_on_refund ? 1 : 0}, s.initial,
      s.created_ms));
}

Result<std::optional<Sku>> SkuStore::load(Txn& txn, int64_t sku_id) {
  BAZAAR_ASSIGN_OR_RETURN(auto stmt,
                          txn.query("SELECT " + std::string(kSkuColumns) + " FROM orders_skus WHERE id = ?1", sku_id));
  return stmt.first(read_sku);
}

Result<std::vector<Sku>> SkuStore::list_by_merchant(Txn& txn, int64_t merchant_id, int64_t before_id, int limit) {
  BAZAAR_ASSIGN_OR_RETURN(auto stmt, txn.query("SELECT " + std::string(kSkuColumns) +
                                                   " FROM orders_skus WHERE merchant_id = ?1 AND id < ?2 "
                                                   "ORDER BY id DESC LIMIT ?3",
                                               merchant_id, before_id, int64_t{limit}));
  return stmt.collect(read_sku);
}

Result<int64_t> SkuStore::update(Txn& txn, int64_t sku_id, int64_t merchant_id, const std::optional<std::string>& title,
                                 std::optional<int64_t> price, std::optional<int64_t> restock_on_refund,
                                 std::optional<int64_t> active, int64_t now_ms) {
  // NULL keeps a column: one statement whatever fields are given.
  return txn.exec(
      "UPDATE orders_skus SET title = COALESCE(?1, title), price = COALESCE(?2, price), "
      "restock_on_refund = COALESCE(?3, restock_on_refund), active = COALESCE(?4, active), "
      "updated_ms = ?5 WHERE id = ?6 AND merchant_id = ?7",
      title, price, restock_on_refund, active, now_ms, sku_id, merchant_id);
}

Result<int64_t> SkuStore::set_available(Txn& txn, int64_t sku_id, int64_t merchant_id, int64_t available,
                                        int64_t now_ms) {
  // One statement: the difference goes to `added`, so the equation holds.
  return txn.exec(
      "UPDATE orders_skus SET added = added + (?1 - available), available = ?1, updated_ms = ?2 "
      "WHERE id = ?3 AND merchant_id = ?4",
      available, now_ms, sku_id, merchant_id);
}

Result<int64_t> SkuStore::add_stock(Txn& txn, int64_t sku_id, int64_t merchant_id, int64_t add, int64_t now_ms) {
  return txn.exec(
      "UPDATE orders_skus SET added = added + ?1, available = available + ?1, updated_ms = ?2 "
      "WHERE id = ?3 AND merchant_id = ?4 AND available + ?1 <= ?5",
      add, now_ms, sku_id, merchant_id, kMaxStock);
}

Result<std::optional<ReservedLine>> SkuStore::reserve(Txn& txn, int64_t order_id, int64_t user_id, int64_t sku_id,
                                                      int64_t qty, int64_t now_ms) {
  // Prepared per line: preparing the same SQL hands back the cached statement, reset.
  BAZAAR_ASSIGN_OR_RETURN(
      auto take,
      txn.query("UPDATE orders_skus SET available = available - ?1, reserved = reserved + ?1, updated_ms = ?3 "
                "WHERE id = ?2 AND active = 1 AND available >= ?1 RETURNING merchant_id, title, price",
                qty, sku_id, now_ms));
  BAZAAR_ASSIGN_OR_RETURN(
      std::optional<ReservedLine> taken,
      take.first([](const Row& r) { return ReservedLine{r.int64(0), r.string(1), Money::fen(r.int64(2))}; }));
  if (!taken) return taken;
  BAZAAR_RETURN_IF_ERROR(txn.exec(
      "INSERT INTO orders_reservations (order_id, sku_id, user_id, qty, flash_id, state, created_ms, updated_ms) "
      "VALUES (?1, ?2, ?3, ?4, NULL, 'RESERVED', ?5, ?5)",
      order_id, sku_id, user_id, qty, now_ms));
  return taken;
}

Error SkuStore::why_not_reserved(Txn& txn, int64_t sku_id) {
  auto stmt = txn.query("SELECT active FROM orders_skus WHERE id = ?1", sku_id);
  if (!stmt.ok()) return stmt.error();
  auto active = stmt->first([](const Row& r) { return r.int64(0) != 0; });
  if (!active.ok()) return active.error();
  if (!*active || !**active) {
    return bazaar::failed_precondition("UNKNOWN_SKU", "SKU " + id_text(sku_id) + " is not for sale");
  }
  return bazaar::conflict("SOLD_OUT", "not enough stock for SKU " + id_text(sku_id));
}

Result<std::optional<MovedReservation>> SkuStore::move(Txn& txn, int64_t order_id, int64_t sku_id,
                                                       ReservationMove how, int64_t now_ms) {
  // Per SKU, the row's state is the guard: each move happens once. An undone
  // reservation leaves no row.
  auto mark = how == ReservationMove::kUndo
                  ? txn.query("DELETE FROM orders_reservations WHERE order_id = ?1 AND sku_id = ?2 "
                              "AND state = 'RESERVED' RETURNING qty, flash_id, user_id",
                              order_id, sku_id)
                  : txn.query("UPDATE orders_reservations SET state = ?3, updated_ms = ?4 "
                              "WHERE order_id = ?1 AND sku_id = ?2 AND state = 'RESERVED' "
                              "RETURNING qty, flash_id, user_id",
                              order_id, sku_id, how == ReservationMove::kConfirm ? "CONFIRMED" : "RELEASED", now_ms);
  if (!mark.ok()) return mark.error();
  BAZAAR_ASSIGN_OR_RETURN(std::optional<MovedReservation> moved, mark->first([](const Row& r) {
    return MovedReservation{r.int64(0), r.int64(2), r.optional_int64(1)};
  }));
  if (!moved) return moved;
  BAZAAR_RETURN_IF_ERROR(
      how == ReservationMove::kConfirm
          ? txn.exec("UPDATE orders_skus SET reserved = reserved - ?1, sold = sold + ?1, updated_ms = ?2 WHERE id = ?3",
                     moved->qty, now_ms, sku_id)
          : txn.exec("UPDATE orders_skus SET reserved = reserved - ?1, available = available + ?1, "
                     "updated_ms = ?2 WHERE id = ?3",
                     moved->qty, now_ms, sku_id));
  return moved;
}

Status SkuStore::restock(Txn& txn, std::string_view ref, int64_t sku_id, int64_t qty, int64_t now_ms) {
  BAZAAR_ASSIGN_OR_RETURN(
      const int64_t first,
      txn.exec("INSERT INTO orders_stock_moves (ref, sku_id, qty, created_ms) VALUES (?1, ?2, ?3, ?4) "
               "ON CONFLICT (ref) DO NOTHING",
               ref, sku_id, qty, now_ms));
  if (first == 0) return bazaar::ok_status();  // done by an earlier run
  BAZAAR_ASSIGN_OR_RETURN(
      const int64_t moved,
      txn.exec("UPDATE orders_skus SET sold = sold - ?1, available = available + ?1, returned = returned + ?1, "
               "updated_ms = ?2 WHERE id = ?3 AND restock_on_refund = 1 AND sold >= ?1",
               qty, now_ms, sku_id));
  if (moved == 1) return bazaar::ok_status();
  BAZAAR_ASSIGN_OR_RETURN(auto policy, txn.query("SELECT restock_on_refund FROM orders_skus WHERE id = ?1", sku_id));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<bool> restocks, policy.first([](const Row& r) { return r.int64(0) == 1; }));
  if (restocks && *restocks) {
    // The units are still reserved (the payment's settlement has not run):
    // the caller must not commit, so the ref stays free for the retry.
    return bazaar::unavailable("STOCK_NOT_SETTLED", "refunded units are not sold yet");
  }
  return bazaar::ok_status();
}

}  // namespace orders
