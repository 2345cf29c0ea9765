#include "store/payment_store.h"

#include "store/written.h"

namespace orders {

uint64_t PaymentStore::placement_hash(std::string_view key) {
  uint64_t h = 14695981039346656037ULL;
  for (char c : key) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  return h;
}

Result<bool> PaymentStore::spend_nonce(Txn& txn, std::string_view nonce, int64_t now_ms, int64_t keep_after_ms,
                                       int64_t purge) {
  BAZAAR_RETURN_IF_ERROR(txn.exec(
      "DELETE FROM orders_payment_nonces WHERE nonce IN "
      "(SELECT nonce FROM orders_payment_nonces WHERE seen_ms < ?1 LIMIT ?2)",
      keep_after_ms, purge));
  BAZAAR_ASSIGN_OR_RETURN(
      const int64_t recorded,
      txn.exec("INSERT INTO orders_payment_nonces (nonce, seen_ms) VALUES (?1, ?2) "
               "ON CONFLICT (nonce) DO UPDATE SET seen_ms = excluded.seen_ms WHERE seen_ms < ?3",
               nonce, now_ms, keep_after_ms));
  return recorded == 1;
}

Result<int64_t> PaymentStore::claim(Txn& txn, std::string_view transaction_id, int64_t order_id, int64_t now_ms) {
  BAZAAR_ASSIGN_OR_RETURN(
      const int64_t inserted,
      txn.exec("INSERT INTO orders_payment_claims (provider_txn_id, order_id, claimed_ms) VALUES (?1, ?2, ?3) "
               "ON CONFLICT (provider_txn_id) DO NOTHING",
               transaction_id, order_id, now_ms));
  if (inserted == 1) return order_id;
  BAZAAR_ASSIGN_OR_RETURN(
      auto owner, txn.query("SELECT order_id FROM orders_payment_claims WHERE provider_txn_id = ?1", transaction_id));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<int64_t> found, owner.first([](const Row& r) { return r.int64(0); }));
  if (!found) return bazaar::internal_error("a transaction id claim conflicted but cannot be read");
  return *found;
}

Result<std::optional<int64_t>> PaymentStore::record(Txn& txn, std::string_view transaction_id, int64_t order_id,
                                                    Money amount, int64_t now_ms) {
  BAZAAR_ASSIGN_OR_RETURN(
      const int64_t inserted,
      txn.exec("INSERT INTO orders_payments (provider_txn_id, order_id, amount, outcome, reason, received_ms) "
               "VALUES (?1, ?2, ?3, 'APPLIED', 'paid', ?4) ON CONFLICT (provider_txn_id) DO NOTHING",
               transaction_id, order_id, amount.in_fen(), now_ms));
  if (inserted == 1) return std::optional<int64_t>();
  BAZAAR_ASSIGN_OR_RETURN(
      auto stmt, txn.query("SELECT order_id FROM orders_payments WHERE provider_txn_id = ?1", transaction_id));
  BAZAAR_ASSIGN_OR_RETURN(std::optional<int64_t> recorded, stmt.first([](const Row& r) { return r.int64(0); }));
  return std::optional<int64_t>(recorded.value_or(order_id));
}

Status PaymentStore::mark_refund_required(Txn& txn, std::string_view transaction_id, std::string_view reason) {
  return written(txn.exec(
      "UPDATE orders_payments SET outcome = 'REFUND_REQUIRED', reason = ?1 WHERE provider_txn_id = ?2", reason,
      transaction_id));
}

}  // namespace orders
