#include "database.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>
#include <thread>

namespace bazaar::host {
namespace {

int64_t mono_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

}  // namespace

Database::Database(sqlite3* db, std::string path, DatabaseOptions options, DatabaseStats stats)
    : db_(db), path_(std::move(path)), options_(options), stats_(std::move(stats)) {}

Database::~Database() {
  for (auto& [sql, stmt] : statements_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Result<std::unique_ptr<Database>> Database::open(const std::string& path,
                                                 const DatabaseOptions& options,
                                                 DatabaseStats stats) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return internal_error("cannot open " + path + ": " + message);
  }
  std::unique_ptr<Database> out(new Database(db, path, options, std::move(stats)));
  sqlite3_busy_handler(db, &Database::on_busy, out.get());
  sqlite3_extended_result_codes(db, 1);
  // Switching a new file to WAL needs its exclusive lock. When several
  // connections open the same fresh file at once, SQLite answers BUSY without
  // calling the busy handler (it would deadlock: each holds a shared lock), so
  // the switch is retried here, bounded like any other busy wait.
  const int64_t give_up_us = mono_us() + options.busy_limit_ms * 1000;
  Status wal = out->exec("PRAGMA journal_mode=WAL");
  for (int64_t sleep_us = 20; !wal.ok() && wal.error().status() == BZ_UNAVAILABLE &&
                              mono_us() < give_up_us;
       sleep_us = std::min<int64_t>(sleep_us * 2, 1000)) {
    std::this_thread::sleep_for(std::chrono::microseconds(sleep_us));
    wal = out->exec("PRAGMA journal_mode=WAL");
  }
  if (!wal.ok()) return wal.error();
  std::string pragmas = std::string("PRAGMA synchronous=") +
                        (options.synchronous == Synchronous::kFull ? "FULL" : "NORMAL") +
                        "; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
  Status applied = out->exec(pragmas);
  if (!applied.ok()) return applied.error();
  return out;
}

int Database::on_busy(void* self, int attempt) {
  auto* d = static_cast<Database*>(self);
  int64_t now_us = mono_us();
  if (attempt == 0) d->busy_started_us_ = now_us;
  int64_t limit_us = d->deadline_mono_ms_ > 0
                         ? d->deadline_mono_ms_ * 1000
                         : d->busy_started_us_ + d->options_.busy_limit_ms * 1000;
  if (now_us >= limit_us) {
    if (d->stats_.on_busy) d->stats_.on_busy(now_us - d->busy_started_us_);
    return 0;  // give up: the caller sees SQLITE_BUSY -> 503 UNAVAILABLE
  }
  // The lock holder commits within microseconds (WAL) to a few ms (FULL fsync):
  // yield first, then sleep briefly and double, never SQLite's 1..100 ms steps.
  if (attempt < 4) {
    std::this_thread::yield();
  } else {
    int64_t sleep_us = std::min<int64_t>(20LL << std::min(attempt - 4, 6), 1000);
    std::this_thread::sleep_for(std::chrono::microseconds(std::min(sleep_us, limit_us - now_us)));
  }
  if (d->stats_.on_busy && attempt == 0) d->stats_.on_busy(0);
  return 1;
}

Status Database::exec(std::string_view sql) {
  std::string text(sql);
  char* err = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    sqlite3_free(err);  // the same text error() reads from the connection
    return error(rc, "exec");
  }
  return ok_status();
}

Status Database::run_cached(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt.ok()) return stmt.error();
  int rc = sqlite3_step(*stmt);
  sqlite3_reset(*stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) return error(rc, sql);
  return ok_status();
}

Result<sqlite3_stmt*> Database::prepare(std::string_view sql) {
  std::string key(sql);
  auto it = statements_.find(key);
  if (it != statements_.end()) {
    sqlite3_reset(it->second);
    sqlite3_clear_bindings(it->second);
    return it->second;
  }
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, key.data(), static_cast<int>(key.size()),
                              SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return error(rc, "prepare");
  statements_.emplace(std::move(key), stmt);
  return stmt;
}

void Database::reset_statements() {
  for (sqlite3_stmt* s = sqlite3_next_stmt(db_, nullptr); s != nullptr; s = sqlite3_next_stmt(db_, s)) {
    if (sqlite3_stmt_busy(s) != 0) sqlite3_reset(s);
  }
}

int64_t Database::changes() const { return sqlite3_changes64(db_); }
int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }

Error Database::error(int rc, std::string_view what) const {
  std::string message = std::string(what) + ": " + sqlite3_errmsg(db_);
  switch (rc & 0xFF) {
    case SQLITE_CONSTRAINT: return {BZ_CONFLICT, "CONSTRAINT", message};
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return {BZ_UNAVAILABLE, "DATABASE_BUSY", message};
    default: return {BZ_INTERNAL, "DATABASE_ERROR", message};
  }
}

}  // namespace bazaar::host
