#include "services/storage/database.h"

#include <sqlite3.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <thread>

namespace bazaar::host {
namespace {

// SQLite's default automatic checkpoint, which our WAL hook takes over.
constexpr int kAutoCheckpointFrames = 1000;

int64_t mono_us() {
  using namespace std::chrono;
  return duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count();
}

// The storage layer has no logger: stderr (the host process's own output).
void warn_once(const std::string& path, const std::string& message) {
  static std::mutex mu;
  static std::set<std::string>* warned = new std::set<std::string>;
  std::lock_guard lock(mu);
  if (!warned->insert(path).second) return;
  std::fprintf(stderr, "bazaar storage: %s: %s\n", path.c_str(), message.c_str());
}

// Process-wide SQLite settings, applied once before SQLite initialises (the
// first open). MEMSTATUS off: with it on (SQLite's default), every
// sqlite3_malloc and sqlite3_free takes one process-wide mutex to keep
// allocation statistics nobody reads; with 32 request threads in SQLite at
// once that mutex was contended (futex waits under sqlite3Malloc in the
// profile of order creation). If something initialised SQLite before the
// first open, the call is refused (SQLITE_MISUSE) and changes nothing.
void configure_sqlite_once() {
  static const int configured = sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
  (void)configured;
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
  configure_sqlite_once();
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
  // Durable: group commit (NORMAL + a coalesced WAL sync before COMMIT returns),
  // or SQLite's own FULL when group commit is off or impossible here.
  bool sqlite_full = options.synchronous == Synchronous::kFull;
  if (sqlite_full && options.group_commit) {
    Status group = out->enable_group_commit();
    if (group.ok()) {
      sqlite_full = false;
    } else {
      warn_once(path, "group commit unavailable (" + group.error().message() +
                          "); using SQLite's synchronous=FULL");
    }
  }
  std::string pragmas = std::string("PRAGMA synchronous=") + (sqlite_full ? "FULL" : "NORMAL") +
                        "; PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY;";
  Status applied = out->exec(pragmas);
  if (!applied.ok()) return applied.error();
  return out;
}

Status Database::enable_group_commit() {
  // The scheme relies on WAL: a commit is frames appended to one file, and
  // recovery replays a checksummed prefix of them.
  sqlite3_stmt* stmt = nullptr;
  std::string mode;
  if (sqlite3_prepare_v2(db_, "PRAGMA journal_mode", -1, &stmt, nullptr) == SQLITE_OK &&
      sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
    mode = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
  }
  sqlite3_finalize(stmt);
  if (mode != "wal") return internal_error("journal_mode is '" + mode + "', not wal");
  const char* file = sqlite3_db_filename(db_, "main");
  if (file == nullptr || *file == '\0') return internal_error("no database file");
  struct stat st {};
  if (::stat(file, &st) != 0) return internal_error(std::string("stat: ") + std::strerror(errno));
  wal_sync_ = WalSync::for_file(static_cast<uint64_t>(st.st_dev), static_cast<uint64_t>(st.st_ino),
                                std::filesystem::path(file).parent_path().string());
  arm_commit_hook();
  return ok_status();
}

void Database::arm_commit_hook() {
  if (wal_sync_ != nullptr) sqlite3_wal_hook(db_, &Database::on_wal_commit, this);
}

// Runs inside the COMMIT (or autocommit) statement that appended frames to the
// WAL, after SQLite released the write lock: other writers go on while we wait.
int Database::on_wal_commit(void* self, sqlite3* db, const char* schema, int wal_frames) {
  auto* d = static_cast<Database*>(self);
  if (d->wal_sync_ != nullptr && std::strcmp(schema, "main") == 0) {
    Status durable = d->wal_sync_->wait_durable(*d);
    if (!durable.ok()) {
      d->sync_error_ = Error{BZ_INTERNAL, "WAL_SYNC_FAILED",
                             d->path_ + ": the commit was written but is not known to be durable: " +
                                 durable.error().message() +
                                 "; writes to this database are refused until the process restarts"};
      return SQLITE_IOERR_FSYNC;  // the statement fails; the commit has happened
    }
  }
  // What SQLite's default hook does (sqlite3_wal_autocheckpoint), since ours replaces it.
  if (wal_frames >= kAutoCheckpointFrames) {
    (void)sqlite3_wal_checkpoint_v2(db, schema, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
  }
  return SQLITE_OK;
}

// Flushes this connection's WAL through SQLite's own handle for it (the unix
// VFS calls fdatasync): always the file the connection writes, never a stale
// descriptor of a deleted or replaced `-wal`, and no extra descriptor.
int Database::sync_wal() {
  sqlite3_file* wal = nullptr;
  int rc = sqlite3_file_control(db_, "main", SQLITE_FCNTL_JOURNAL_POINTER, &wal);
  if (rc != SQLITE_OK) return rc;
  if (wal == nullptr || wal->pMethods == nullptr) return SQLITE_IOERR_FSYNC;  // no WAL open
  return wal->pMethods->xSync(wal, SQLITE_SYNC_NORMAL);
}

std::optional<Error> Database::take_sync_error() {
  std::optional<Error> out = std::move(sync_error_);
  sync_error_.reset();
  return out;
}

Status Database::writable() const {
  return wal_sync_ != nullptr ? wal_sync_->health() : ok_status();
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
    if (std::optional<Error> unsynced = take_sync_error()) return *unsynced;
    return error(rc, "exec");
  }
  return ok_status();
}

Status Database::run_cached(std::string_view sql) {
  auto stmt = prepare(sql);
  if (!stmt.ok()) return stmt.error();
  int rc = sqlite3_step(*stmt);
  sqlite3_reset(*stmt);
  if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
    if (std::optional<Error> unsynced = take_sync_error()) return *unsynced;  // a COMMIT
    return error(rc, sql);
  }
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
