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

Status schedule_timeout(Txn& txn, const ClaimRequest& c) {
  Json payload = {{"user_id", c.user_id}, {"key", c.key}, {"skus", Idempotency::encode_skus(c.sku_ids)}};
  return txn.schedule_timer("payment_timeout", id_text(c.order_id), c.payment_deadline_ms,
                            payload.dump());
}

}  // namespace

Result<ClaimOutcome> Idempotency::claim(const ClaimRequest& c, const bz_request* req) const {
  auto txn = host_.begin(host_.shard_of(static_cast<uint64_t>(c.user_id)), BZ_TXN_WRITE, req);
  if (!txn.ok()) return txn.error();
  // Expired keys (and their answers) go a few at a time with the claims that
  // pass by: bounded work, no sweeper.
  auto answers_purged = txn->exec(
      "DELETE FROM orders_idempotency_answers WHERE order_id IN (SELECT order_id FROM "
      "orders_idempotency WHERE expires_ms < ?1 ORDER BY expires_ms LIMIT 16)",
      c.now_ms);
  if (!answers_purged.ok()) return answers_purged.error();
  auto purged = txn->exec(
      "DELETE FROM orders_idempotency WHERE (user_id, key) IN (SELECT user_id, key FROM "
      "orders_idempotency WHERE expires_ms < ?1 ORDER BY expires_ms LIMIT 16)",
      c.now_ms);
  if (!purged.ok()) return purged.error();
  const std::string skus = encode_skus(c.sku_ids);
  auto inserted = txn->exec(
      "INSERT INTO orders_idempotency (user_id, key, request_hash, state, token, order_id, "
      "reserved_skus, created_ms, lease_until_ms, expires_ms) "
      "VALUES (?1, ?2, ?3, 'IN_FLIGHT', ?4, ?5, ?6, ?7, ?8, ?9) ON CONFLICT (user_id, key) DO NOTHING",
      c.user_id, c.key, c.request_hash, c.token, c.order_id, skus, c.now_ms, c.now_ms + kLeaseMs,
      c.now_ms + kKeepMs);
  if (!inserted.ok()) return inserted.error();
  ClaimOutcome outcome;
  if (*inserted == 0) {
    auto stmt = txn->prepare(
        "SELECT i.request_hash, i.state, i.token, i.order_id, i.reserved_skus, "
        "COALESCE(a.http_status, i.http_status), COALESCE(a.body, i.response), i.lease_until_ms "
        "FROM orders_idempotency i LEFT JOIN orders_idempotency_answers a ON a.order_id = i.order_id "
        "WHERE i.user_id = ?1 AND i.key = ?2");
    if (!stmt.ok()) return stmt.error();
    stmt->bind(1, c.user_id).bind(2, c.key);
    auto found = stmt->step();
    if (!found.ok()) return found.error();
    if (!*found) return bazaar::unavailable("DATABASE_BUSY", "idempotency record vanished; retry");
    if (stmt->text(0) != c.request_hash) {
      outcome.kind = ClaimOutcome::Kind::kMismatch;
      return outcome;
    }
    if (stmt->text(1) == "DONE") {
      outcome.kind = ClaimOutcome::Kind::kReplay;
      outcome.http_status = static_cast<int>(stmt->int64(5));
      outcome.response = std::string(stmt->text(6));
      return outcome;
    }
    if (stmt->int64(7) > c.now_ms) {
      outcome.kind = ClaimOutcome::Kind::kInFlight;
      return outcome;
    }
    // A dead attempt's claim: take it over. Its order can no longer commit
    // (complete() checks the token), so its reservations are ours to release.
    const int64_t old_token = stmt->int64(2);
    outcome.abandoned = AbandonedAttempt{stmt->int64(3), decode_skus(stmt->text(4))};
    auto taken = txn->exec(
        "UPDATE orders_idempotency SET token = ?1, order_id = ?2, reserved_skus = ?3, created_ms = ?4, "
        "lease_until_ms = ?5, expires_ms = ?6 WHERE user_id = ?7 AND key = ?8 AND token = ?9 "
        "AND state = 'IN_FLIGHT'",
        c.token, c.order_id, skus, c.now_ms, c.now_ms + kLeaseMs, c.now_ms + kKeepMs, c.user_id, c.key,
        old_token);
    if (!taken.ok()) return taken.error();
  }
  if (Status s = schedule_timeout(*txn, c); !s.ok()) return s.error();
  if (Status s = txn->commit(); !s.ok()) return s.error();
  outcome.kind = ClaimOutcome::Kind::kClaimed;
  return outcome;
}

Status Idempotency::complete(Txn& txn, int64_t user_id, std::string_view key, int64_t token,
                             int64_t order_id, int http_status, std::string_view response) {
  // Same-size values in place (no leaf split); the answer goes to its own table.
  auto done = txn.exec(
      "UPDATE orders_idempotency SET state = 'DONE', http_status = ?1, lease_until_ms = 0 "
      "WHERE user_id = ?2 AND key = ?3 AND token = ?4 AND state = 'IN_FLIGHT'",
      int64_t{http_status}, user_id, key, token);
  if (!done.ok()) return done.error();
  if (*done == 0) {
    return bazaar::conflict("IDEMPOTENCY_IN_FLIGHT",
                            "this request took too long and another attempt took its key over");
  }
  auto stored = txn.exec(
      "INSERT INTO orders_idempotency_answers (order_id, http_status, body) VALUES (?1, ?2, ?3)",
      order_id, int64_t{http_status}, response);
  if (!stored.ok()) return stored.error();
  return bazaar::ok_status();
}

Status Idempotency::forget(int64_t user_id, std::string_view key, int64_t token, int64_t order_id,
                           const bz_request* req) const {
  auto txn = host_.begin(host_.shard_of(static_cast<uint64_t>(user_id)), BZ_TXN_WRITE, req);
  if (!txn.ok()) return txn.error();
  auto gone = txn->exec(
      "DELETE FROM orders_idempotency WHERE user_id = ?1 AND key = ?2 AND token = ?3 "
      "AND state = 'IN_FLIGHT'",
      user_id, key, token);
  if (!gone.ok()) return gone.error();
  auto timer = txn->cancel_timer("payment_timeout", id_text(order_id));
  if (!timer.ok()) return timer.error();
  return txn->commit();
}

}  // namespace orders
