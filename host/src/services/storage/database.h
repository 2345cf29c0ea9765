// One SQLite connection with its prepared-statement cache.
//
// Not thread-safe: a Database is used by one thread at a time (ShardSet hands
// connections out through a pool). Opened with SQLITE_OPEN_NOMUTEX because of
// that, in WAL mode, with the configured `synchronous` level.
//
// Durable databases (Synchronous::kFull) use group commit (wal_sync.h): the
// connection runs SQLite's `synchronous=NORMAL` (COMMIT writes its WAL frames
// and releases the write lock without an fsync) and a WAL hook makes every
// commit durable before the COMMIT statement returns: it waits for a
// fdatasync of the `-wal` file that started after the commit's frames were
// written, shared with the other threads of the process committing to the same
// file at about the same time. The hook runs for every commit of the
// connection that wrote frames (Transaction::commit, an autocommit exec());
// it also runs SQLite's automatic checkpoint (every 1000 WAL frames, passive),
// which a custom WAL hook replaces. Never run `PRAGMA wal_autocheckpoint` on a
// durable connection: it would replace the hook (Transaction::commit re-arms
// it before each COMMIT). If the database cannot be put in WAL mode, it falls
// back to SQLite's own `synchronous=FULL` (logged once on stderr).
//
// Busy handling: SQLite's default handler sleeps 1, 2, 5, 10 ... 100 ms, which
// under ordinary write contention puts whole milliseconds into p99. Writers
// here take the lock with BEGIN IMMEDIATE and retry with a spin-then-short-
// sleep back-off (yield, then 20 µs doubling to 1 ms), bounded by the
// caller's deadline; every wait is counted.
#pragma once

#include <bazaar/result.hpp>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "services/storage/wal_sync.h"

struct sqlite3;
struct sqlite3_stmt;

namespace bazaar::host {

enum class Synchronous { kNormal, kFull };

// What each setting survives (docs/ARCHITECTURE.md, "Durability"):
//   FULL:   a commit that returned survives process crash and power loss.
//   NORMAL: survives a process crash; a power loss may undo the last commits.
struct DatabaseOptions {
  Synchronous synchronous = Synchronous::kFull;
  int64_t busy_limit_ms = 5000;  // upper bound when the caller has no deadline
  // kFull only: true = group commit (above); false = SQLite's own
  // synchronous=FULL, an fsync inside every COMMIT under the write lock (the
  // fallback, and the baseline for tests and benchmarks). Same guarantee.
  bool group_commit = true;
};

// Counters a Database reports into (may be null).
struct DatabaseStats {
  std::function<void()> on_commit;
  std::function<void(int64_t waited_us)> on_busy;
  std::function<void(int members)> on_batch_commit;  // write_batcher.h: a batch of `members` committed
};

class Statement;

class Database final : private WalFile {
 public:
  static Result<std::unique_ptr<Database>> open(const std::string& path,
                                                const DatabaseOptions& options,
                                                DatabaseStats stats = {});
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  // Runs one or more statements without results (schema, pragmas).
  Status exec(std::string_view sql);

  // Runs one statement without parameters or results through the statement
  // cache (BEGIN, COMMIT, ROLLBACK: parsed once per connection, not per use).
  Status run_cached(std::string_view sql);

  // A cached prepared statement, reset and unbound. Valid until the Database
  // closes; only one user of a given SQL text at a time.
  Result<sqlite3_stmt*> prepare(std::string_view sql);

  // Busy waits end at this time on the *monotonic* clock (steady_clock, ms), not
  // the host clock, so a moved test clock cannot stretch or cut them; 0 means
  // busy_limit_ms from the first wait. Callers convert a request deadline.
  void set_deadline(int64_t deadline_mono_ms) { deadline_mono_ms_ = deadline_mono_ms; }

  // Resets every statement still in progress. A SELECT stepped but not run to
  // completion keeps its read snapshot (and blocks COMMIT) until reset, even
  // after the transaction ends, so transactions call this before they end.
  void reset_statements();

  int64_t changes() const;
  int64_t last_insert_rowid() const;
  const std::string& path() const { return path_; }
  sqlite3* raw() const { return db_; }
  const DatabaseStats& stats() const { return stats_; }

  // Maps a SQLite result code to our error codes (constraint -> CONFLICT,
  // busy -> UNAVAILABLE, else INTERNAL) with the database's message.
  Error error(int rc, std::string_view what) const;

  // --- group commit (durable databases) ---
  // True when commits are made durable by the WAL hook and WalSync (false for
  // `normal` databases and for the synchronous=FULL fallback).
  bool group_commit() const { return wal_sync_ != nullptr; }
  // This file's coordinator in this process, or null without group commit.
  const WalSync* wal_sync() const { return wal_sync_.get(); }
  // (Re-)installs the WAL hook; Transaction::commit calls it before COMMIT.
  void arm_commit_hook();
  // Fails once a WAL sync of this file failed in this process (sticky): the
  // write transactions are refused, reads go on.
  Status writable() const;

 private:
  Database(sqlite3* db, std::string path, DatabaseOptions options, DatabaseStats stats);
  static int on_busy(void* self, int attempt);
  static int on_wal_commit(void* self, sqlite3* db, const char* schema, int wal_frames);
  Status enable_group_commit();
  // The error of a commit whose frames were written but whose WAL sync failed
  // (the statement then fails with SQLITE_IOERR_FSYNC): exec() and
  // run_cached() return it (code WAL_SYNC_FAILED) instead of "disk I/O error".
  std::optional<Error> take_sync_error();
  int sync_wal() override;  // WalFile: this connection's WAL handle, xSync (fdatasync)

  sqlite3* db_;
  std::string path_;
  DatabaseOptions options_;
  DatabaseStats stats_;
  int64_t deadline_mono_ms_ = 0;
  int64_t busy_started_us_ = 0;
  std::unordered_map<std::string, sqlite3_stmt*> statements_;
  std::shared_ptr<WalSync> wal_sync_;
  std::optional<Error> sync_error_;
};

}  // namespace bazaar::host
