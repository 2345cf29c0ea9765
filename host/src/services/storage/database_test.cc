#include "services/storage/database.h"
#include "test_support/temp_dir.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <future>
#include <latch>
#include <string>
#include <thread>
#include <vector>

#include "services/storage/transaction.h"

namespace bazaar::host {
namespace {

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// A fresh directory under TMPDIR, removed with everything in it.
using test_support::TempDir;

std::unique_ptr<Database> open_or_die(const std::string& path, DatabaseOptions options = {},
                                      DatabaseStats stats = {}) {
  auto db = Database::open(path, options, std::move(stats));
  if (!db.ok()) {
    ADD_FAILURE() << db.error().message();
    return nullptr;
  }
  return std::move(*db);
}

// Reads a one-row, one-column query as text.
std::string query_text(Database& db, const char* sql) {
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db.raw(), sql, -1, &stmt, nullptr) != SQLITE_OK) return "<prepare failed>";
  std::string out = "<no row>";
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    const unsigned char* text = sqlite3_column_text(stmt, 0);
    out = text != nullptr ? reinterpret_cast<const char*>(text) : "<null>";
  }
  sqlite3_finalize(stmt);
  return out;
}

int64_t count_rows(Database& db, const char* table) {
  return std::stoll(query_text(db, (std::string("SELECT COUNT(*) FROM ") + table).c_str()));
}

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed"; }
  TempDir dir_;
};

TEST_F(DatabaseTest, OpenSetsWalAndGroupCommitForFull) {
  auto db = open_or_die(dir_.file("full.db"), {Synchronous::kFull, 5000, true});
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(query_text(*db, "PRAGMA journal_mode"), "wal");
  // Durable through group commit: SQLite's NORMAL plus a WAL sync per commit (wal_sync_test.cc).
  EXPECT_TRUE(db->group_commit());
  EXPECT_EQ(query_text(*db, "PRAGMA synchronous"), "1");
  EXPECT_EQ(query_text(*db, "PRAGMA foreign_keys"), "1");
  EXPECT_EQ(db->path(), dir_.file("full.db"));
}

TEST_F(DatabaseTest, OpenSetsSqliteFullWithoutGroupCommit) {
  auto db = open_or_die(dir_.file("full.db"), {Synchronous::kFull, 5000, false});
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(query_text(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_FALSE(db->group_commit());
  EXPECT_EQ(query_text(*db, "PRAGMA synchronous"), "2");  // FULL
}

TEST_F(DatabaseTest, OpenSetsNormalSynchronous) {
  auto db = open_or_die(dir_.file("normal.db"), {Synchronous::kNormal, 5000, true});
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(query_text(*db, "PRAGMA journal_mode"), "wal");
  EXPECT_EQ(query_text(*db, "PRAGMA synchronous"), "1");  // NORMAL
  EXPECT_FALSE(db->group_commit());
}

TEST_F(DatabaseTest, OpenInMissingDirectoryFails) {
  auto db = Database::open(dir_.file("no/such/dir.db"), {});
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.error().status(), BZ_INTERNAL);
  EXPECT_NE(db.error().message().find("no/such/dir.db"), std::string::npos);
}

TEST_F(DatabaseTest, PrepareCachesResetsAndClearsBindings) {
  auto db = open_or_die(dir_.file("a.db"));
  ASSERT_NE(db, nullptr);
  const char* sql = "SELECT ?1 UNION ALL SELECT 2";

  auto first = db->prepare(sql);
  ASSERT_TRUE(first.ok()) << first.error().message();
  ASSERT_EQ(sqlite3_bind_int(*first, 1, 42), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(*first), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(*first, 0), 42);
  EXPECT_NE(sqlite3_stmt_busy(*first), 0);  // left mid-way on purpose

  auto second = db->prepare(sql);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, *first);                    // the cached statement
  EXPECT_EQ(sqlite3_stmt_busy(*second), 0);      // reset
  ASSERT_EQ(sqlite3_step(*second), SQLITE_ROW);  // from the first row again
  EXPECT_EQ(sqlite3_column_type(*second, 0), SQLITE_NULL);  // binding cleared

  auto other = db->prepare("SELECT 3");
  ASSERT_TRUE(other.ok());
  EXPECT_NE(*other, *first);
}

TEST_F(DatabaseTest, PrepareErrorIsInternal) {
  auto db = open_or_die(dir_.file("a.db"));
  ASSERT_NE(db, nullptr);
  auto bad = db->prepare("SELEKT nonsense");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().status(), BZ_INTERNAL);
  EXPECT_EQ(bad.error().code(), "DATABASE_ERROR");
}

TEST_F(DatabaseTest, ConstraintViolationIsConflict) {
  auto db = open_or_die(dir_.file("a.db"));
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)").ok());
  ASSERT_TRUE(db->exec("INSERT INTO t VALUES (1, 'a')").ok());

  Status dup = db->exec("INSERT INTO t VALUES (1, 'b')");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().status(), BZ_CONFLICT);
  EXPECT_EQ(dup.error().code(), "CONSTRAINT");

  // The same through a prepared statement and error(rc).
  auto insert = db->prepare("INSERT INTO t (id, v) VALUES (?, ?)");
  ASSERT_TRUE(insert.ok());
  sqlite3_bind_int(*insert, 1, 2);  // v left NULL: NOT NULL constraint
  int rc = sqlite3_step(*insert);
  ASSERT_NE(rc, SQLITE_DONE);
  Error e = db->error(rc, "insert");
  EXPECT_EQ(e.status(), BZ_CONFLICT);
  EXPECT_EQ(e.code(), "CONSTRAINT");
  EXPECT_EQ(count_rows(*db, "t"), 1);
}

TEST_F(DatabaseTest, ErrorMapsBusyAndOthers) {
  auto db = open_or_die(dir_.file("a.db"));
  ASSERT_NE(db, nullptr);
  EXPECT_EQ(db->error(SQLITE_BUSY, "x").status(), BZ_UNAVAILABLE);
  EXPECT_EQ(db->error(SQLITE_BUSY, "x").code(), "DATABASE_BUSY");
  EXPECT_EQ(db->error(SQLITE_BUSY_SNAPSHOT, "x").status(), BZ_UNAVAILABLE);
  EXPECT_EQ(db->error(SQLITE_LOCKED, "x").status(), BZ_UNAVAILABLE);
  EXPECT_EQ(db->error(SQLITE_CONSTRAINT_UNIQUE, "x").status(), BZ_CONFLICT);
  EXPECT_EQ(db->error(SQLITE_IOERR, "x").status(), BZ_INTERNAL);
}

TEST_F(DatabaseTest, BusyGivesUpAtTheDeadline) {
  std::atomic<int> busy_calls{0};
  std::atomic<int64_t> max_waited_us{0};
  DatabaseStats stats;
  stats.on_busy = [&](int64_t waited_us) {
    ++busy_calls;
    if (waited_us > max_waited_us) max_waited_us = waited_us;
  };
  auto a = open_or_die(dir_.file("busy.db"));
  auto b = open_or_die(dir_.file("busy.db"), {}, stats);
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->exec("CREATE TABLE t (v INTEGER)").ok());

  auto held = Transaction::begin(*a, TxnMode::kWrite);
  ASSERT_TRUE(held.ok()) << held.error().message();

  const int64_t started = steady_ms();
  b->set_deadline(started + 50);
  auto blocked = Transaction::begin(*b, TxnMode::kWrite);
  const int64_t took = steady_ms() - started;

  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().status(), BZ_UNAVAILABLE);
  EXPECT_EQ(blocked.error().code(), "DATABASE_BUSY");
  EXPECT_GE(took, 30) << "gave up long before the deadline";
  EXPECT_LT(took, 1000) << "waited far past the deadline";
  EXPECT_GE(busy_calls.load(), 1);
  EXPECT_GE(max_waited_us.load(), 30'000);
  EXPECT_LT(max_waited_us.load(), 1'000'000);

  // With the holder gone, the same connection gets the lock at once.
  ASSERT_TRUE(held->commit().ok());
  b->set_deadline(steady_ms() + 1000);
  auto later = Transaction::begin(*b, TxnMode::kWrite);
  EXPECT_TRUE(later.ok());
}

TEST_F(DatabaseTest, BusyWithoutDeadlineUsesBusyLimit) {
  auto a = open_or_die(dir_.file("busy.db"));
  auto b = open_or_die(dir_.file("busy.db"), {Synchronous::kFull, 60});
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  auto held = Transaction::begin(*a, TxnMode::kWrite);
  ASSERT_TRUE(held.ok());

  const int64_t started = steady_ms();
  auto blocked = Transaction::begin(*b, TxnMode::kWrite);
  const int64_t took = steady_ms() - started;
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.error().status(), BZ_UNAVAILABLE);
  EXPECT_GE(took, 40);
  EXPECT_LT(took, 1000);
}

TEST_F(DatabaseTest, BusyWaiterGetsTheLockWhenTheHolderCommits) {
  {
    auto setup = open_or_die(dir_.file("busy.db"));
    ASSERT_NE(setup, nullptr);
    ASSERT_TRUE(setup->exec("CREATE TABLE t (v INTEGER)").ok());
  }
  std::promise<void> holder_locked;
  std::promise<void> waiter_waiting;
  std::atomic<bool> waiting_signalled{false};
  std::atomic<int> commits{0};

  DatabaseStats b_stats;
  b_stats.on_busy = [&](int64_t) {
    if (!waiting_signalled.exchange(true)) waiter_waiting.set_value();
  };
  b_stats.on_commit = [&] { ++commits; };
  auto b = open_or_die(dir_.file("busy.db"), {}, b_stats);
  ASSERT_NE(b, nullptr);

  std::thread holder([&] {
    auto a = open_or_die(dir_.file("busy.db"));
    if (a == nullptr) {
      holder_locked.set_value();
      return;
    }
    auto txn = Transaction::begin(*a, TxnMode::kWrite);
    EXPECT_TRUE(txn.ok());
    EXPECT_TRUE(a->exec("INSERT INTO t VALUES (1)").ok());
    holder_locked.set_value();
    // Keep the lock until B is known to be waiting, and a little longer.
    if (waiter_waiting.get_future().wait_for(std::chrono::seconds(5)) !=
        std::future_status::ready) {
      ADD_FAILURE() << "waiter never reported busy";
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    if (txn.ok()) {
      EXPECT_TRUE(txn->commit().ok());
    }
  });

  holder_locked.get_future().wait();
  b->set_deadline(steady_ms() + 5000);
  const int64_t started = steady_ms();
  auto txn = Transaction::begin(*b, TxnMode::kWrite);
  const int64_t took = steady_ms() - started;
  holder.join();

  ASSERT_TRUE(txn.ok()) << txn.error().message();
  EXPECT_TRUE(waiting_signalled.load());
  EXPECT_LT(took, 5000);
  ASSERT_TRUE(b->exec("INSERT INTO t VALUES (2)").ok());
  ASSERT_TRUE(txn->commit().ok());
  EXPECT_EQ(commits.load(), 1);
  EXPECT_EQ(count_rows(*b, "t"), 2);  // the holder's row and ours
}

TEST_F(DatabaseTest, OnCommitCalledPerCommitOnly) {
  std::atomic<int> commits{0};
  DatabaseStats stats;
  stats.on_commit = [&] { ++commits; };
  auto db = open_or_die(dir_.file("a.db"), {}, stats);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->exec("CREATE TABLE t (v INTEGER)").ok());
  for (int i = 0; i < 3; ++i) {
    auto txn = Transaction::begin(*db, TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(txn->commit().ok());
  }
  {
    auto rolled_back = Transaction::begin(*db, TxnMode::kWrite);
    ASSERT_TRUE(rolled_back.ok());
  }
  EXPECT_EQ(commits.load(), 3);
}

// Several connections opening the same fresh file race to switch it to WAL;
// SQLite answers the losers BUSY without calling the busy handler, so open()
// has to retry (found by this test: ~1% of such opens failed).
TEST_F(DatabaseTest, ConcurrentOpensOfAFreshFileAllSucceed) {
  constexpr int kRounds = 40;
  constexpr int kThreads = 8;
  std::atomic<int> failures{0};
  for (int round = 0; round < kRounds; ++round) {
    const std::string path = dir_.file("fresh-" + std::to_string(round) + ".db");
    std::latch start(kThreads);
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&] {
        start.arrive_and_wait();
        auto db = Database::open(path, {});
        if (!db.ok()) {
          ADD_FAILURE() << "round " << round << ": " << db.error().message();
          ++failures;
          return;
        }
        if (query_text(**db, "PRAGMA journal_mode") != "wal") ++failures;
      });
    }
    for (auto& th : threads) th.join();
    if (failures.load() > 0) break;
  }
  EXPECT_EQ(failures.load(), 0);
}

// Contention on one file: every writer has its own connection and takes the
// write lock with BEGIN IMMEDIATE; the busy handler must get each one through.
TEST_F(DatabaseTest, ConcurrentWritersOnOneFileAllCommit) {
  constexpr int kThreads = 6;
  constexpr int kTxnsPerThread = 150;
  const std::string path = dir_.file("contended.db");
  {
    auto setup = open_or_die(path);
    ASSERT_NE(setup, nullptr);
    ASSERT_TRUE(setup->exec("CREATE TABLE t (thread INTEGER NOT NULL, n INTEGER NOT NULL, "
                            "PRIMARY KEY (thread, n))")
                    .ok());
  }
  std::atomic<int> commits{0};
  std::atomic<int> busy_events{0};
  std::atomic<int> failures{0};
  DatabaseStats stats;
  stats.on_commit = [&] { ++commits; };
  stats.on_busy = [&](int64_t) { ++busy_events; };

  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      auto opened = Database::open(path, {Synchronous::kFull, 10'000}, stats);
      if (!opened.ok()) {
        ++failures;
        return;
      }
      Database& db = **opened;
      for (int n = 0; n < kTxnsPerThread; ++n) {
        auto txn = Transaction::begin(db, TxnMode::kWrite);
        if (!txn.ok()) {
          ++failures;
          continue;
        }
        auto insert = db.prepare("INSERT INTO t (thread, n) VALUES (?, ?)");
        if (!insert.ok()) {
          ++failures;
          continue;
        }
        sqlite3_bind_int(*insert, 1, t);
        sqlite3_bind_int(*insert, 2, n);
        int rc = sqlite3_step(*insert);
        sqlite3_reset(*insert);
        if (rc != SQLITE_DONE || !txn->commit().ok()) ++failures;
      }
    });
  }
  for (auto& th : threads) th.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(commits.load(), kThreads * kTxnsPerThread);
  auto check = open_or_die(path);
  ASSERT_NE(check, nullptr);
  EXPECT_EQ(count_rows(*check, "t"), kThreads * kTxnsPerThread);
  EXPECT_EQ(query_text(*check, "SELECT COUNT(DISTINCT thread) FROM t"), std::to_string(kThreads));
  // Not asserted (scheduling decides), but reported for the curious.
  RecordProperty("busy_events", busy_events.load());
}

}  // namespace
}  // namespace bazaar::host
