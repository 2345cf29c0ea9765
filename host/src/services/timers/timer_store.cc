#include "services/timers/timer_store.h"

#include <sqlite3.h>

#include <algorithm>

#include "services/storage/transaction.h"

namespace bazaar::host {
namespace {

constexpr std::string_view kInsertSql =
    "INSERT INTO bazaar_timers (plugin, kind, key, due_ms, payload, attempt, last_error, claim_token)"
    " VALUES (?1, ?2, ?3, ?4, ?5, 0, NULL, NULL)"
    " ON CONFLICT (plugin, kind, key) DO UPDATE SET due_ms = excluded.due_ms,"
    " payload = excluded.payload, attempt = 0, last_error = NULL, claim_token = NULL";
constexpr std::string_view kCancelSql =
    "DELETE FROM bazaar_timers WHERE plugin = ?1 AND kind = ?2 AND key = ?3";
constexpr std::string_view kDueSql =
    "SELECT plugin, kind, key, due_ms, payload, attempt FROM bazaar_timers"
    " WHERE due_ms <= ?1 ORDER BY due_ms LIMIT ?2";
constexpr std::string_view kClaimSql =
    "UPDATE bazaar_timers SET due_ms = ?1, attempt = attempt + 1, claim_token = ?2"
    " WHERE plugin = ?3 AND kind = ?4 AND key = ?5 AND due_ms = ?6";
constexpr std::string_view kCompleteSql =
    "DELETE FROM bazaar_timers WHERE plugin = ?1 AND kind = ?2 AND key = ?3 AND claim_token = ?4";
constexpr std::string_view kFailSql =
    "UPDATE bazaar_timers SET due_ms = ?5, last_error = ?6, claim_token = NULL"
    " WHERE plugin = ?1 AND kind = ?2 AND key = ?3 AND claim_token = ?4";

// Resets a cached statement when the scope ends, so no statement stays active
// (holding a read snapshot) past the call that used it.
class Stmt {
 public:
  explicit Stmt(sqlite3_stmt* s) : s_(s) {}
  ~Stmt() { sqlite3_reset(s_); }
  Stmt(const Stmt&) = delete;
  Stmt& operator=(const Stmt&) = delete;

  void text(int index, std::string_view v) {
    sqlite3_bind_text64(s_, index, v.data(), v.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  }
  void int64(int index, int64_t v) { sqlite3_bind_int64(s_, index, v); }
  int step() { return sqlite3_step(s_); }
  std::string column_text(int column) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s_, column));
    return p == nullptr ? std::string()
                        : std::string(p, static_cast<size_t>(sqlite3_column_bytes(s_, column)));
  }
  int64_t column_int64(int column) { return sqlite3_column_int64(s_, column); }

 private:
  sqlite3_stmt* s_;
};

void bind_id(Stmt& s, std::string_view plugin, std::string_view kind, std::string_view key) {
  s.text(1, plugin);
  s.text(2, kind);
  s.text(3, key);
}

// Runs a statement without rows; the number of rows it changed.
Result<int64_t> run(Database& db, Stmt& s, std::string_view what) {
  int rc = s.step();
  if (rc != SQLITE_DONE) return db.error(rc, what);
  return db.changes();
}

Error bad_timer(std::string message) { return invalid_argument("BAD_TIMER", std::move(message)); }

}  // namespace

Status validate_timer_kind(std::string_view kind) {
  if (kind.empty() || kind.size() > kTimerKindMax) {
    return bad_timer("timer kind must be 1 to 64 characters");
  }
  for (char c : kind) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) {
      return bad_timer("timer kind '" + std::string(kind) + "' may only use a-z, 0-9 and _");
    }
  }
  return ok_status();
}

Status validate_timer(std::string_view kind, std::string_view key, int64_t due_ms,
                      std::string_view payload) {
  BAZAAR_RETURN_IF_ERROR(validate_timer_kind(kind));
  if (key.empty() || key.size() > kTimerKeyMax) {
    return bad_timer("timer key must be 1 to 200 bytes");
  }
  for (char c : key) {
    if (c < 0x20 || c > 0x7E) return bad_timer("timer key must be printable ASCII");
  }
  if (payload.size() > kTimerPayloadMax) return bad_timer("timer payload exceeds 64 KiB");
  if (due_ms < 0 || due_ms > kTimerDueMax) {
    return bad_timer("timer due time must be UTC milliseconds between 1970 and 9999");
  }
  return ok_status();
}

Status schedule_timer(Database& db, std::string_view plugin, std::string_view kind,
                      std::string_view key, int64_t due_ms, std::string_view payload) {
  BAZAAR_RETURN_IF_ERROR(validate_timer(kind, key, due_ms, payload));
  auto prepared = db.prepare(kInsertSql);
  if (!prepared.ok()) return prepared.error();
  Stmt s(*prepared);
  bind_id(s, plugin, kind, key);
  s.int64(4, due_ms);
  s.text(5, payload);
  auto changed = run(db, s, "schedule timer");
  if (!changed.ok()) return changed.error();
  return ok_status();
}

Result<bool> cancel_timer(Database& db, std::string_view plugin, std::string_view kind,
                          std::string_view key) {
  auto prepared = db.prepare(kCancelSql);
  if (!prepared.ok()) return prepared.error();
  Stmt s(*prepared);
  bind_id(s, plugin, kind, key);
  auto changed = run(db, s, "cancel timer");
  if (!changed.ok()) return changed.error();
  return *changed > 0;
}

Result<std::vector<ClaimedTimer>> claim_due_timers(Database& db, int64_t now_ms, int64_t lease_ms,
                                                   size_t limit, int64_t token) {
  std::vector<ClaimedTimer> due;
  auto txn = Transaction::begin(db, TxnMode::kWrite);
  if (!txn.ok()) return txn.error();
  {
    auto prepared = db.prepare(kDueSql);
    if (!prepared.ok()) return prepared.error();
    Stmt s(*prepared);
    s.int64(1, now_ms);
    s.int64(2, static_cast<int64_t>(limit));
    for (;;) {
      int rc = s.step();
      if (rc == SQLITE_DONE) break;
      if (rc != SQLITE_ROW) return db.error(rc, "read due timers");
      ClaimedTimer t;
      t.plugin = s.column_text(0);
      t.kind = s.column_text(1);
      t.key = s.column_text(2);
      t.due_ms = s.column_int64(3);
      t.payload = s.column_text(4);
      t.attempt = static_cast<uint32_t>(std::clamp<int64_t>(s.column_int64(5), 0, UINT32_MAX - 1)) + 1;
      t.lease_until_ms = now_ms + lease_ms;
      t.token = token;
      due.push_back(std::move(t));
    }
  }
  std::vector<ClaimedTimer> claimed;
  claimed.reserve(due.size());
  for (ClaimedTimer& t : due) {
    // Compare-and-set on the due time read above: a runner that read the same
    // row before another claimed it changes nothing.
    auto prepared = db.prepare(kClaimSql);
    if (!prepared.ok()) return prepared.error();
    Stmt s(*prepared);
    s.int64(1, t.lease_until_ms);
    s.int64(2, token);
    s.text(3, t.plugin);
    s.text(4, t.kind);
    s.text(5, t.key);
    s.int64(6, t.due_ms);
    auto changed = run(db, s, "claim timer");
    if (!changed.ok()) return changed.error();
    if (*changed == 1) claimed.push_back(std::move(t));
  }
  BAZAAR_RETURN_IF_ERROR(txn->commit());
  return claimed;
}

Result<bool> complete_timer(Database& db, const ClaimedTimer& timer) {
  auto txn = Transaction::begin(db, TxnMode::kWrite);
  if (!txn.ok()) return txn.error();
  int64_t deleted = 0;
  {
    auto prepared = db.prepare(kCompleteSql);
    if (!prepared.ok()) return prepared.error();
    Stmt s(*prepared);
    bind_id(s, timer.plugin, timer.kind, timer.key);
    s.int64(4, timer.token);
    auto changed = run(db, s, "complete timer");
    if (!changed.ok()) return changed.error();
    deleted = *changed;
  }
  BAZAAR_RETURN_IF_ERROR(txn->commit());
  return deleted > 0;
}

Result<bool> fail_timer(Database& db, const ClaimedTimer& timer, int64_t retry_at_ms,
                        std::string_view error) {
  auto txn = Transaction::begin(db, TxnMode::kWrite);
  if (!txn.ok()) return txn.error();
  int64_t updated = 0;
  {
    auto prepared = db.prepare(kFailSql);
    if (!prepared.ok()) return prepared.error();
    Stmt s(*prepared);
    bind_id(s, timer.plugin, timer.kind, timer.key);
    s.int64(4, timer.token);
    s.int64(5, retry_at_ms);
    s.text(6, error.substr(0, kTimerErrorMax));
    auto changed = run(db, s, "fail timer");
    if (!changed.ok()) return changed.error();
    updated = *changed;
  }
  BAZAAR_RETURN_IF_ERROR(txn->commit());
  return updated > 0;
}

int64_t timer_backoff_ms(uint32_t attempt, int64_t min_ms, int64_t max_ms) {
  int64_t delay = std::max<int64_t>(min_ms, 0);
  for (uint32_t i = 1; i < attempt && delay < max_ms; ++i) delay *= 2;
  if (delay == 0) return 0;
  return std::min(delay, max_ms);
}

}  // namespace bazaar::host
