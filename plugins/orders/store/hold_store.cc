#include "store/hold_store.h"

#include "store/written.h"

namespace orders {

Status HoldStore::place(bazaar::sdk::Txn& txn, int64_t order_id, const Hold& h) {
  return written(txn.exec(
      "INSERT INTO orders_holds (order_id, name, reason, placed_by, placed_ms) VALUES (?1, ?2, ?3, ?4, ?5) "
      "ON CONFLICT (order_id, name) DO UPDATE SET reason = excluded.reason, placed_by = excluded.placed_by, "
      "placed_ms = excluded.placed_ms, released_by = NULL, released_ms = NULL WHERE released_ms IS NOT NULL",
      order_id, h.name, h.reason, h.placed_by, h.placed_ms));
}

Result<HoldRelease> HoldStore::release(bazaar::sdk::Txn& txn, int64_t order_id, std::string_view name,
                                       std::string_view released_by, int64_t now_ms) {
  BAZAAR_ASSIGN_OR_RETURN(
      const int64_t released,
      txn.exec("UPDATE orders_holds SET released_by = ?1, released_ms = ?2 "
               "WHERE order_id = ?3 AND name = ?4 AND released_ms IS NULL",
               released_by, now_ms, order_id, name));
  if (released == 1) return HoldRelease::kReleased;
  BAZAAR_ASSIGN_OR_RETURN(auto known,
                          txn.query("SELECT 1 FROM orders_holds WHERE order_id = ?1 AND name = ?2", order_id, name));
  BAZAAR_ASSIGN_OR_RETURN(const bool exists, known.step());
  return exists ? HoldRelease::kAlreadyReleased : HoldRelease::kNoSuchHold;
}

Result<std::vector<Hold>> HoldStore::open(bazaar::sdk::Txn& txn, int64_t order_id) {
  BAZAAR_ASSIGN_OR_RETURN(auto stmt, txn.query("SELECT name, reason, placed_by, placed_ms FROM orders_holds "
                                               "WHERE order_id = ?1 AND released_ms IS NULL ORDER BY placed_ms, name",
                                               order_id));
  return stmt.collect([](const Row& r) { return Hold{r.string(0), r.string(1), r.string(2), r.int64(3)}; });
}

}  // namespace orders
