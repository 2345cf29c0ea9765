#include "store/flash_store.h"

#include "store/written.h"

namespace orders {

namespace {

constexpr std::string_view kSaleColumns =
    "id, merchant_id, sku_id, price, quantity, remaining, per_user_limit, start_ms, end_ms, status";

FlashSale read_sale(const Row& r) {
  FlashSale s;
  s.id = r.int64(0);
  s.merchant_id = r.int64(1);
  s.sku_id = r.int64(2);
  s.price = Money::fen(r.int64(3));
  s.quantity = r.int64(4);
  s.remaining = r.int64(5);
  s.per_user_limit = r.int64(6);
  s.start_ms = r.int64(7);
  s.end_ms = r.int64(8);
  s.status = r.string(9);
  return s;
}

}  // namespace

Status FlashStore::insert(Txn& txn, const FlashSale& s, int64_t now_ms) {
  return written(txn.exec(
      "INSERT INTO orders_flash_sales (id, merchant_id, sku_id, price, quantity, remaining, per_user_limit, "
      "start_ms, end_ms, status, created_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?5, ?6, ?7, ?8, 'ACTIVE', ?9)",
      s.id, s.merchant_id, s.sku_id, s.price.in_fen(), s.quantity, s.per_user_limit, s.start_ms, s.end_ms, now_ms));
}

Result<std::optional<FlashSale>> FlashStore::load(Txn& txn, int64_t flash_id) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt, txn.query("SELECT " + std::string(kSaleColumns) + " FROM orders_flash_sales WHERE id = ?1", flash_id));
  return stmt.first(read_sale);
}

Result<std::vector<FlashSale>> FlashStore::list_by_merchant(Txn& txn, int64_t merchant_id, int64_t before_id,
                                                            int limit) {
  BAZAAR_ASSIGN_OR_RETURN(auto stmt, txn.query("SELECT " + std::string(kSaleColumns) +
                                                   " FROM orders_flash_sales WHERE merchant_id = ?1 AND id < ?2 "
                                                   "ORDER BY id DESC LIMIT ?3",
                                               merchant_id, before_id, int64_t{limit}));
  return stmt.collect(read_sale);
}

Status FlashStore::cancel(Txn& txn, int64_t flash_id, int64_t merchant_id) {
  return written(txn.exec("UPDATE orders_flash_sales SET status = 'CANCELLED' WHERE id = ?1 AND merchant_id = ?2",
                          flash_id, merchant_id));
}

Result<std::optional<TakenUnits>> FlashStore::take(Txn& txn, int64_t flash_id, int64_t sku_id, int64_t qty,
                                                   int64_t now_ms) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto take, txn.query("UPDATE orders_flash_sales SET remaining = remaining - ?1 WHERE id = ?2 AND sku_id = ?3 "
                           "AND status = 'ACTIVE' AND start_ms <= ?4 AND end_ms > ?4 AND remaining >= ?1 "
                           "RETURNING price, per_user_limit, remaining",
                           qty, flash_id, sku_id, now_ms));
  return take.first([](const Row& r) { return TakenUnits{Money::fen(r.int64(0)), r.int64(1), r.int64(2)}; });
}

Error FlashStore::refusal(Txn& txn, int64_t flash_id, int64_t sku_id, int64_t now_ms) {
  auto sale = load(txn, flash_id);
  if (!sale.ok()) return sale.error();
  if (!*sale) return bazaar::not_found("FLASH_SALE_NOT_FOUND", "no such flash sale");
  const FlashSale& s = **sale;
  if (s.sku_id != sku_id) {
    return bazaar::failed_precondition("FLASH_SALE_MISMATCH", "the flash sale is for another SKU");
  }
  if (s.status != "ACTIVE" || now_ms >= s.end_ms) {
    return bazaar::failed_precondition("FLASH_SALE_ENDED", "the flash sale has ended");
  }
  if (now_ms < s.start_ms) {
    return bazaar::failed_precondition("FLASH_SALE_NOT_STARTED", "the flash sale has not started");
  }
  return bazaar::conflict("SOLD_OUT", "the flash sale is sold out");
}

Result<bool> FlashStore::count_buyer(Txn& txn, int64_t flash_id, int64_t user_id, int64_t qty, int64_t limit) {
  if (qty > limit) return false;  // a first buy inserts without the WHERE below
  // The limit is the WHERE of one upsert: concurrent buys of one user serialise on the row.
  BAZAAR_ASSIGN_OR_RETURN(
      const int64_t counted,
      txn.exec("INSERT INTO orders_flash_buyers (flash_id, user_id, qty) VALUES (?1, ?2, ?3) "
               "ON CONFLICT (flash_id, user_id) DO UPDATE SET qty = qty + excluded.qty "
               "WHERE qty + excluded.qty <= ?4",
               flash_id, user_id, qty, limit));
  return counted == 1;
}

Result<int64_t> FlashStore::bought(Txn& txn, int64_t flash_id, int64_t user_id) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt, txn.query("SELECT qty FROM orders_flash_buyers WHERE flash_id = ?1 AND user_id = ?2", flash_id, user_id));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<int64_t> qty, stmt.first([](const Row& r) { return r.int64(0); }));
  return qty.value_or(0);
}

Status FlashStore::give_back(Txn& txn, int64_t flash_id, int64_t user_id, int64_t qty) {
  BAZAAR_RETURN_IF_ERROR(
      txn.exec("UPDATE orders_flash_sales SET remaining = remaining + ?1 WHERE id = ?2", qty, flash_id));
  return written(txn.exec("UPDATE orders_flash_buyers SET qty = qty - ?1 WHERE flash_id = ?2 AND user_id = ?3", qty,
                          flash_id, user_id));
}

Status FlashStore::hold(Txn& txn, int64_t order_id, int64_t flash_id, int64_t user_id, int64_t qty, int64_t now_ms) {
  return written(txn.exec(
      "INSERT INTO orders_flash_holds (order_id, flash_id, user_id, qty, state, created_ms, updated_ms) "
      "VALUES (?1, ?2, ?3, ?4, 'HELD', ?5, ?5)",
      order_id, flash_id, user_id, qty, now_ms));
}

Result<std::optional<std::pair<int64_t, int64_t>>> FlashStore::move_hold(Txn& txn, int64_t order_id, int64_t flash_id,
                                                                         FlashHoldMove how, int64_t now_ms) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt, txn.query("UPDATE orders_flash_holds SET state = ?3, updated_ms = ?4 "
                           "WHERE order_id = ?1 AND flash_id = ?2 AND state = 'HELD' RETURNING qty, user_id",
                           order_id, flash_id, how == FlashHoldMove::kConfirm ? "CONFIRMED" : "RELEASED", now_ms));
  return stmt.first([](const Row& r) { return std::make_pair(r.int64(0), r.int64(1)); });
}

}  // namespace orders
