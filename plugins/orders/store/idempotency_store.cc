#include "store/idempotency_store.h"

#include "store/written.h"

namespace orders {

Result<KeyVerdict> IdempotencyStore::read(Txn& txn, const Attempt& a) {
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt, txn.query("SELECT i.request_hash, i.state, COALESCE(a.http_status, i.http_status), "
                           "COALESCE(a.body, i.response), i.lease_until_ms "
                           "FROM orders_idempotency i LEFT JOIN orders_idempotency_answers a ON a.order_id = i.order_id "
                           "WHERE i.user_id = ?1 AND i.key = ?2",
                           a.user_id, a.key));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<KeyVerdict> found, stmt.first([&](const Row& r) {
    KeyVerdict verdict;
    if (r.text(0) != a.request_hash) {
      verdict.kind = KeyVerdict::Kind::kMismatch;
    } else if (r.text(1) == "DONE") {
      verdict.kind = KeyVerdict::Kind::kReplay;
      verdict.http_status = static_cast<int>(r.int64(2));
      verdict.response = r.string(3);
    } else if (r.int64(4) > a.now_ms) {  // an earlier version's live claim
      verdict.kind = KeyVerdict::Kind::kInFlight;
    }
    return verdict;
  }));
  return found.value_or(KeyVerdict{});
}

Result<KeyVerdict> IdempotencyStore::record(Txn& txn, const Attempt& a, int http_status) {
  BAZAAR_RETURN_IF_ERROR(txn.exec(
      "DELETE FROM orders_idempotency_answers WHERE order_id IN (SELECT order_id FROM "
      "orders_idempotency WHERE expires_ms < ?1 ORDER BY expires_ms LIMIT 16)",
      a.now_ms));
  BAZAAR_RETURN_IF_ERROR(txn.exec(
      "DELETE FROM orders_idempotency WHERE (user_id, key) IN (SELECT user_id, key FROM "
      "orders_idempotency WHERE expires_ms < ?1 ORDER BY expires_ms LIMIT 16)",
      a.now_ms));
  BAZAAR_ASSIGN_OR_RETURN(
      const int64_t inserted,
      txn.exec("INSERT INTO orders_idempotency (user_id, key, request_hash, state, token, order_id, "
               "reserved_skus, http_status, created_ms, lease_until_ms, expires_ms) "
               "VALUES (?1, ?2, ?3, 'DONE', ?4, ?5, '', ?6, ?7, 0, ?8) "
               "ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash, state = 'DONE', "
               "token = excluded.token, order_id = excluded.order_id, reserved_skus = '', "
               "http_status = excluded.http_status, response = NULL, created_ms = excluded.created_ms, "
               "lease_until_ms = 0, expires_ms = excluded.expires_ms "
               "WHERE state = 'IN_FLIGHT' AND lease_until_ms <= excluded.created_ms",
               a.user_id, a.key, a.request_hash, a.token, a.order_id, int64_t{http_status}, a.now_ms,
               a.now_ms + kKeepMs));
  if (inserted == 1) return KeyVerdict{};
  BAZAAR_ASSIGN_OR_RETURN(KeyVerdict verdict, read(txn, a));
  if (verdict.kind == KeyVerdict::Kind::kProceed) {  // cannot be: the upsert would have taken it
    return bazaar::unavailable("DATABASE_BUSY", "the idempotency record changed underneath; retry");
  }
  return verdict;
}

Status IdempotencyStore::drop_stale_claim(Txn& txn, int64_t user_id, std::string_view key, int64_t order_id) {
  return written(txn.exec(
      "DELETE FROM orders_idempotency WHERE user_id = ?1 AND key = ?2 AND order_id = ?3 AND state = 'IN_FLIGHT'",
      user_id, key, order_id));
}

Status IdempotencyStore::store_answer(Txn& txn, int64_t order_id, int http_status, std::string_view response) {
  return written(txn.exec("INSERT INTO orders_idempotency_answers (order_id, http_status, body) VALUES (?1, ?2, ?3)",
                          order_id, int64_t{http_status}, response));
}

}  // namespace orders
