#include "stock.h"

#include <map>
#include <ranges>

namespace orders {

using bazaar::sdk::Txn;

namespace {

// Why a flash-sale unit could not be taken, read after the conditional
// UPDATE found nothing (never before it: that would be read-then-check).
Error flash_refusal(Txn& txn, int64_t flash_id, int64_t sku_id, int64_t qty, int64_t now_ms) {
  auto stmt = txn.prepare(
      "SELECT sku_id, status, start_ms, end_ms, remaining FROM orders_flash_sales WHERE id = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, flash_id);
  auto found = stmt->step();
  if (!found.ok()) return found.error();
  if (!*found) return bazaar::not_found("FLASH_SALE_NOT_FOUND", "no such flash sale");
  if (stmt->int64(0) != sku_id) {
    return bazaar::failed_precondition("FLASH_SALE_MISMATCH", "the flash sale is for another SKU");
  }
  if (stmt->text(1) != "ACTIVE" || now_ms >= stmt->int64(3)) {
    return bazaar::failed_precondition("FLASH_SALE_ENDED", "the flash sale has ended");
  }
  if (now_ms < stmt->int64(2)) {
    return bazaar::failed_precondition("FLASH_SALE_NOT_STARTED", "the flash sale has not started");
  }
  (void)qty;
  return bazaar::conflict("SOLD_OUT", "the flash sale is sold out");
}

// Takes qty units of the sale and counts them against the buyer's limit.
// Returns the sale price and the units left.
Result<std::pair<int64_t, int64_t>> take_flash_unit(Txn& txn, int64_t flash_id, int64_t sku_id,
                                                    int64_t user_id, int64_t qty, int64_t now_ms) {
  auto take = txn.prepare(
      "UPDATE orders_flash_sales SET remaining = remaining - ?1 WHERE id = ?2 AND sku_id = ?3 "
      "AND status = 'ACTIVE' AND start_ms <= ?4 AND end_ms > ?4 AND remaining >= ?1 "
      "RETURNING price, per_user_limit, remaining");
  if (!take.ok()) return take.error();
  take->bind_all(qty, flash_id, sku_id, now_ms);
  auto taken = take->step();
  if (!taken.ok()) return taken.error();
  if (!*taken) return flash_refusal(txn, flash_id, sku_id, qty, now_ms);
  const int64_t price = take->int64(0);
  const int64_t limit = take->int64(1);
  const int64_t remaining = take->int64(2);
  (void)take->step();
  if (qty > limit) {
    return bazaar::conflict("FLASH_SALE_LIMIT_REACHED",
                            "at most " + std::to_string(limit) + " per buyer in this sale");
  }
  // The limit is the WHERE of one upsert: concurrent buys of one user serialise on the row.
  auto counted = txn.exec(
      "INSERT INTO orders_flash_buyers (flash_id, user_id, qty) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (flash_id, user_id) DO UPDATE SET qty = qty + excluded.qty "
      "WHERE qty + excluded.qty <= ?4",
      flash_id, user_id, qty, limit);
  if (!counted.ok()) return counted.error();
  if (*counted == 0) {
    return bazaar::conflict("FLASH_SALE_LIMIT_REACHED",
                            "at most " + std::to_string(limit) + " per buyer in this sale");
  }
  return std::make_pair(price, remaining);
}

Error why_not_reserved(Txn& txn, int64_t sku_id) {
  auto stmt = txn.prepare("SELECT active FROM orders_skus WHERE id = ?1");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, sku_id);
  auto found = stmt->step();
  if (!found.ok()) return found.error();
  if (!*found || stmt->int64(0) == 0) {
    return bazaar::failed_precondition("UNKNOWN_SKU", "SKU " + id_text(sku_id) + " is not for sale");
  }
  return bazaar::conflict("SOLD_OUT", "not enough stock for SKU " + id_text(sku_id));
}

// Reserves the lines of one shard in `txn`; fills `out` at their indexes.
Status reserve_on_shard(Txn& txn, int64_t order_id, int64_t user_id,
                        const std::vector<StockLine>& lines, const std::vector<size_t>& indexes,
                        std::optional<int64_t> flash_id, int64_t now_ms, Reservation& out) {
  for (size_t index : indexes) {
    // Prepared per line: a stepped statement must be reset before it is bound
    // again, and preparing the same SQL hands back the cached one, reset.
    auto take = txn.prepare(
        "UPDATE orders_skus SET available = available - ?1, reserved = reserved + ?1, updated_ms = ?3 "
        "WHERE id = ?2 AND active = 1 AND available >= ?1 RETURNING merchant_id, title, price");
    if (!take.ok()) return take.error();
    const StockLine& line = lines[index];
    PricedLine priced;
    if (flash_id) {
      auto unit = take_flash_unit(txn, *flash_id, line.sku_id, user_id, line.qty, now_ms);
      if (!unit.ok()) return unit.error();
      priced.unit_price = unit->first;
      out.flash_remaining = unit->second;
    }
    take->bind_all(line.qty, line.sku_id, now_ms);
    auto taken = take->step();
    if (!taken.ok()) return taken.error();
    if (!*taken) return why_not_reserved(txn, line.sku_id);
    priced.sku_id = line.sku_id;
    priced.merchant_id = take->int64(0);
    priced.title = std::string(take->text(1));
    if (!flash_id) priced.unit_price = take->int64(2);
    priced.qty = line.qty;
    (void)take->step();  // finish the statement before it is bound again
    auto held = txn.exec(
        "INSERT INTO orders_reservations (order_id, sku_id, user_id, qty, flash_id, state, "
        "created_ms, updated_ms) VALUES (?1, ?2, ?3, ?4, NULLIF(?5, 0), 'RESERVED', ?6, ?6)",
        order_id, line.sku_id, user_id, line.qty, flash_id.value_or(0), now_ms);
    if (!held.ok()) return held.error();
    out.lines[index] = std::move(priced);
  }
  return bazaar::ok_status();
}

std::map<uint32_t, std::vector<int64_t>> by_shard(const bazaar::sdk::Host& host,
                                                  const std::vector<int64_t>& sku_ids) {
  std::map<uint32_t, std::vector<int64_t>> shards;
  for (int64_t sku : sku_ids) shards[host.shard_of_id(sku)].push_back(sku);
  return shards;
}

}  // namespace

Result<Reservation> Stock::reserve(int64_t order_id, int64_t user_id,
                                   const std::vector<StockLine>& lines,
                                   std::optional<int64_t> flash_id, const FirstShardHooks& hooks,
                                   const bz_request* req) const {
  std::map<uint32_t, std::vector<size_t>> shards;  // ordered: every request locks in one order
  for (size_t i = 0; i < lines.size(); ++i) shards[host_.shard_of_id(lines[i].sku_id)].push_back(i);
  // A sale lives on its SKU's shard: one on another shard is not this SKU's
  // (if it exists at all: the answer must not depend on where ids landed).
  if (flash_id && host_.shard_of_id(*flash_id) != host_.shard_of_id(lines.at(0).sku_id)) {
    if (host_.shard_of_id(*flash_id) >= host_.shard_count()) {
      return bazaar::not_found("FLASH_SALE_NOT_FOUND", "no such flash sale");
    }
    auto txn = host_.begin(host_.shard_of_id(*flash_id), BZ_TXN_READ, req);
    if (!txn.ok()) return txn.error();
    auto stmt = txn->prepare("SELECT 1 FROM orders_flash_sales WHERE id = ?1");
    if (!stmt.ok()) return stmt.error();
    stmt->bind(1, *flash_id);
    auto found = stmt->step();
    if (!found.ok()) return found.error();
    if (!*found) return bazaar::not_found("FLASH_SALE_NOT_FOUND", "no such flash sale");
    return bazaar::failed_precondition("FLASH_SALE_MISMATCH", "the flash sale is for another SKU");
  }
  Reservation out;
  out.lines.resize(lines.size());
  std::vector<int64_t> done;  // SKUs whose shard committed, to release on a later failure
  const int64_t now = host_.now_ms();
  for (const auto& [shard, indexes] : shards) {
    Status reserved = [&]() -> Status {
      auto txn = host_.begin(shard, BZ_TXN_WRITE, req);
      if (!txn.ok()) return txn.error();
      Status s = reserve_on_shard(*txn, order_id, user_id, lines, indexes, flash_id, now, out);
      if (!s.ok()) return s;  // the Txn rolls back as it goes out of scope
      if (done.empty() && hooks.on_reserve) {
        if (Status hooked = hooks.on_reserve(*txn); !hooked.ok()) return hooked;
      }
      return txn->commit();
    }();
    if (!reserved.ok()) {
      if (!done.empty()) {
        auto undone = undo(order_id, done, hooks, req);
        if (!undone.ok()) {
          // What on_reserve created (the payment_timeout timer) releases them later.
          host_.log(BZ_LOG_WARN, "undoing a failed reservation: " + undone.error().message());
        }
      }
      return reserved.error();
    }
    for (size_t i : indexes) done.push_back(lines[i].sku_id);
  }
  return out;
}

Result<std::vector<int64_t>> Stock::move_reserved(int64_t order_id,
                                                  const std::vector<int64_t>& sku_ids, Move move,
                                                  const FirstShardHooks* hooks,
                                                  const bz_request* req) const {
  std::vector<int64_t> flash_restored;
  const int64_t now = host_.now_ms();
  const bool to_sold = move == Move::kConfirm;
  const auto shards = by_shard(host_, sku_ids);
  // Every move ends on the first shard, whose hook removes what releases the
  // rest: a failure on another shard leaves that in place.
  for (const auto& [shard, skus] : std::views::reverse(shards)) {
    auto txn = host_.begin(shard, BZ_TXN_WRITE, req);
    if (!txn.ok()) return txn.error();
    if (hooks != nullptr && hooks->on_end && shard == shards.begin()->first) {
      if (Status hooked = hooks->on_end(*txn); !hooked.ok()) return hooked.error();
    }
    for (int64_t sku : skus) {
      // Per SKU: see reserve_on_shard. An undone reservation leaves no row.
      auto mark = move == Move::kUndo
                      ? txn->prepare("DELETE FROM orders_reservations WHERE order_id = ?1 AND sku_id = ?2 "
                                     "AND state = 'RESERVED' RETURNING qty, flash_id, user_id")
                      : txn->prepare("UPDATE orders_reservations SET state = ?3, updated_ms = ?4 "
                                     "WHERE order_id = ?1 AND sku_id = ?2 AND state = 'RESERVED' "
                                     "RETURNING qty, flash_id, user_id");
      if (!mark.ok()) return mark.error();
      mark->bind(1, order_id).bind(2, sku);
      if (move != Move::kUndo) mark->bind(3, to_sold ? "CONFIRMED" : "RELEASED").bind(4, now);
      auto moved = mark->step();
      if (!moved.ok()) return moved.error();
      if (!*moved) continue;  // never reserved here, or already moved: nothing to do
      const int64_t qty = mark->int64(0);
      const std::optional<int64_t> flash =
          mark->is_null(1) ? std::nullopt : std::optional<int64_t>(mark->int64(1));
      const int64_t user = mark->int64(2);
      (void)mark->step();
      auto counted =
          to_sold ? txn->exec("UPDATE orders_skus SET reserved = reserved - ?1, sold = sold + ?1, "
                              "updated_ms = ?2 WHERE id = ?3",
                              qty, now, sku)
                  : txn->exec("UPDATE orders_skus SET reserved = reserved - ?1, "
                              "available = available + ?1, updated_ms = ?2 WHERE id = ?3",
                              qty, now, sku);
      if (!counted.ok()) return counted.error();
      if (flash && !to_sold) {  // the unit and the buyer's allowance go back to the sale
        auto unit = txn->exec("UPDATE orders_flash_sales SET remaining = remaining + ?1 WHERE id = ?2",
                              qty, *flash);
        if (!unit.ok()) return unit.error();
        auto buyer = txn->exec(
            "UPDATE orders_flash_buyers SET qty = qty - ?1 WHERE flash_id = ?2 AND user_id = ?3",
            qty, *flash, user);
        if (!buyer.ok()) return buyer.error();
        flash_restored.push_back(*flash);
      }
    }
    Status committed = txn->commit();
    if (!committed.ok()) return committed.error();
  }
  return flash_restored;
}

Status Stock::confirm(int64_t order_id, const std::vector<int64_t>& sku_ids,
                      const FirstShardHooks* hooks, const bz_request* req) const {
  auto moved = move_reserved(order_id, sku_ids, Move::kConfirm, hooks, req);
  if (!moved.ok()) return moved.error();
  return bazaar::ok_status();
}

Result<std::vector<int64_t>> Stock::release(int64_t order_id, const std::vector<int64_t>& sku_ids,
                                            const FirstShardHooks* hooks,
                                            const bz_request* req) const {
  return move_reserved(order_id, sku_ids, Move::kRelease, hooks, req);
}

Result<std::vector<int64_t>> Stock::undo(int64_t order_id, const std::vector<int64_t>& sku_ids,
                                         const FirstShardHooks& hooks, const bz_request* req) const {
  return move_reserved(order_id, sku_ids, Move::kUndo, &hooks, req);
}

Status Stock::restock(std::string_view ref, int64_t sku_id, int64_t qty,
                      const bz_request* req) const {
  const int64_t now = host_.now_ms();
  auto txn = host_.begin(host_.shard_of_id(sku_id), BZ_TXN_WRITE, req);
  if (!txn.ok()) return txn.error();
  auto first = txn->exec(
      "INSERT INTO orders_stock_moves (ref, sku_id, qty, created_ms) VALUES (?1, ?2, ?3, ?4) "
      "ON CONFLICT (ref) DO NOTHING",
      ref, sku_id, qty, now);
  if (!first.ok()) return first.error();
  if (*first == 1) {
    auto moved = txn->exec(
        "UPDATE orders_skus SET sold = sold - ?1, available = available + ?1, "
        "returned = returned + ?1, updated_ms = ?2 WHERE id = ?3 AND restock_on_refund = 1 AND sold >= ?1",
        qty, now, sku_id);
    if (!moved.ok()) return moved.error();
    if (*moved == 0) {
      auto policy = txn->prepare("SELECT restock_on_refund, sold FROM orders_skus WHERE id = ?1");
      if (!policy.ok()) return policy.error();
      policy->bind(1, sku_id);
      auto found = policy->step();
      if (!found.ok()) return found.error();
      if (*found && policy->int64(0) == 1) {
        // The units are still reserved (the payment's settlement has not run):
        // keep no record, so the restock timer retries after it.
        return bazaar::unavailable("STOCK_NOT_SETTLED", "refunded units are not sold yet");
      }
    }
  }
  return txn->commit();
}

}  // namespace orders
