#include "store/refund_store.h"

#include "store/written.h"

namespace orders {

Status RefundStore::insert(bazaar::sdk::Txn& txn, int64_t refund_id, int64_t order_id, const RefundPlan& plan,
                           std::string_view reason, std::string_view actor, int64_t now_ms) {
  Json lines = Json::array();
  for (const RefundLine& l : plan.lines) {
    lines.push_back({{"line", l.line}, {"sku_id", id_text(l.sku_id)}, {"qty", l.qty}, {"amount", l.amount.in_fen()}});
  }
  return written(txn.exec(
      "INSERT INTO orders_refunds (id, order_id, amount, lines, reason, actor, created_ms) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
      refund_id, order_id, plan.total.in_fen(), lines.dump(), reason, actor, now_ms));
}

Result<std::optional<int64_t>> RefundStore::latest(bazaar::sdk::Txn& txn, int64_t order_id) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt, txn.query("SELECT id FROM orders_refunds WHERE order_id = ?1 ORDER BY id DESC LIMIT 1", order_id));
  return stmt.first([](const bazaar::sdk::Row& r) { return r.int64(0); });
}

}  // namespace orders
