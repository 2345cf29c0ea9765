#include "idempotency.h"

namespace orders {

using bazaar::sdk::Txn;

bool Idempotency::valid_key(std::string_view key) {
  if (key.empty() || key.size() > 64) return false;
  for (char c : key) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == ':' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::string Idempotency::encode_skus(const std::vector<int64_t>& sku_ids) {
  std::string out;
  for (int64_t sku : sku_ids) {
    if (!out.empty()) out += ',';
    out += id_text(sku);
  }
  return out;
}

std::vector<int64_t> Idempotency::decode_skus(std::string_view text) {
  std::vector<int64_t> out;
  while (!text.empty()) {
    size_t comma = text.find(',');
    if (auto id = parse_id_text(text.substr(0, comma))) out.push_back(*id);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

namespace {

std::string attempt_mark(const Attempt& a) { return "attempt:" + id_text(a.user_id) + ":" + a.key; }

// What the record of (user, key) says about a request with this body.
Result<KeyVerdict> read_verdict(Txn& txn, const Attempt& a) {
  auto stmt = txn.prepare(
      "SELECT i.request_hash, i.state, COALESCE(a.http_status, i.http_status), "
      "COALESCE(a.body, i.response), i.lease_until_ms "
      "FROM orders_idempotency i LEFT JOIN orders_idempotency_answers a ON a.order_id = i.order_id "
      "WHERE i.user_id = ?1 AND i.key = ?2");
  if (!stmt.ok()) return stmt.error();
  stmt->bind(1, a.user_id).bind(2, a.key);
  auto found = stmt->step();
  if (!found.ok()) return found.error();
  KeyVerdict verdict;
  if (!*found) return verdict;
  if (stmt->text(0) != a.request_hash) {
    verdict.kind = KeyVerdict::Kind::kMismatch;
  } else if (stmt->text(1) == "DONE") {
    verdict.kind = KeyVerdict::Kind::kReplay;
    verdict.http_status = static_cast<int>(stmt->int64(2));
    verdict.response = std::string(stmt->text(3));
  } else if (stmt->int64(4) > a.now_ms) {  // an earlier version's live claim
    verdict.kind = KeyVerdict::Kind::kInFlight;
  }
  return verdict;
}

}  // namespace

Result<KeyVerdict> Idempotency::begin(const Attempt& a, const bz_request* req) const {
  const auto marked = host_.cache_add_checked(attempt_mark(a), id_text(a.token), kAttemptTtlS);
  auto verdict = [&]() -> Result<KeyVerdict> {
    auto txn = host_.begin(host_.shard_of(static_cast<uint64_t>(a.user_id)), BZ_TXN_READ, req);
    if (!txn.ok()) return txn.error();
    return read_verdict(*txn, a);
  }();
  if (!verdict.ok()) {
    // A busy shard must not hold the key for the mark's lifetime.
    if (marked == bazaar::sdk::Host::Added::kStored) abandon(a);
    return verdict.error();
  }
  // The mark of an attempt that committed stays until it expires: the record
  // (read after the mark) answers its retries. Without a record, it is running.
  if (verdict->kind == KeyVerdict::Kind::kProceed &&
      marked == bazaar::sdk::Host::Added::kExists) {
    verdict->kind = KeyVerdict::Kind::kInFlight;
  }
  return verdict;
}

void Idempotency::abandon(const Attempt& a) const { host_.cache_delete(attempt_mark(a)); }

Result<KeyVerdict> Idempotency::record(Txn& txn, const Attempt& a, int http_status) {
  // Expired keys (and their answers) go a few at a time with the orders that
  // pass by: bounded work, no sweeper.
  auto answers_purged = txn.exec(
      "DELETE FROM orders_idempotency_answers WHERE order_id IN (SELECT order_id FROM "
      "orders_idempotency WHERE expires_ms < ?1 ORDER BY expires_ms LIMIT 16)",
      a.now_ms);
  if (!answers_purged.ok()) return answers_purged.error();
  auto purged = txn.exec(
      "DELETE FROM orders_idempotency WHERE (user_id, key) IN (SELECT user_id, key FROM "
      "orders_idempotency WHERE expires_ms < ?1 ORDER BY expires_ms LIMIT 16)",
      a.now_ms);
  if (!purged.ok()) return purged.error();
  auto inserted = txn.exec(
      "INSERT INTO orders_idempotency (user_id, key, request_hash, state, token, order_id, "
      "reserved_skus, http_status, created_ms, lease_until_ms, expires_ms) "
      "VALUES (?1, ?2, ?3, 'DONE', ?4, ?5, '', ?6, ?7, 0, ?8) "
      "ON CONFLICT (user_id, key) DO UPDATE SET request_hash = excluded.request_hash, state = 'DONE', "
      "token = excluded.token, order_id = excluded.order_id, reserved_skus = '', "
      "http_status = excluded.http_status, response = NULL, created_ms = excluded.created_ms, "
      "lease_until_ms = 0, expires_ms = excluded.expires_ms "
      "WHERE state = 'IN_FLIGHT' AND lease_until_ms <= excluded.created_ms",
      a.user_id, a.key, a.request_hash, a.token, a.order_id, int64_t{http_status}, a.now_ms,
      a.now_ms + kKeepMs);
  if (!inserted.ok()) return inserted.error();
  if (*inserted == 1) return KeyVerdict{};
  auto verdict = read_verdict(txn, a);
  if (!verdict.ok()) return verdict.error();
  if (verdict->kind == KeyVerdict::Kind::kProceed) {  // cannot be: the upsert would have taken it
    return bazaar::unavailable("DATABASE_BUSY", "the idempotency record changed underneath; retry");
  }
  return verdict;
}

Status Idempotency::store_answer(Txn& txn, int64_t order_id, int http_status, std::string_view response) {
  auto stored = txn.exec(
      "INSERT INTO orders_idempotency_answers (order_id, http_status, body) VALUES (?1, ?2, ?3)",
      order_id, int64_t{http_status}, response);
  if (!stored.ok()) return stored.error();
  return bazaar::ok_status();
}

}  // namespace orders
