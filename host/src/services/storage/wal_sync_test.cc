#include "services/storage/wal_sync.h"

#include <dlfcn.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <future>
#include <latch>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/shared_metrics.h"
#include "services/storage/database.h"
#include "services/storage/shard_set.h"
#include "services/storage/transaction.h"
#include "test_support/temp_dir.h"

// --- fdatasync, observed ------------------------------------------------------
// This definition in the test executable interposes the C library's for every
// caller in the process, SQLite's unix VFS included (libsqlite3 imports it
// dynamically), so the tests see which files really get fdatasync'ed, and can
// make one fail.
namespace {
std::mutex g_sync_mu;
std::map<std::string, int>* g_syncs = new std::map<std::string, int>;  // path -> fdatasync calls
std::string* g_fail_path = new std::string;                              // fdatasync on it: EIO

std::string fd_path(int fd) {
  char link[64];
  std::snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
  std::error_code ec;
  return std::filesystem::read_symlink(link, ec).string();
}
}  // namespace

extern "C" int fdatasync(int fd) {
  using Fn = int (*)(int);
  static Fn real = reinterpret_cast<Fn>(dlsym(RTLD_NEXT, "fdatasync"));
  std::string path = fd_path(fd);
  {
    std::lock_guard lock(g_sync_mu);
    ++(*g_syncs)[path];
    if (!g_fail_path->empty() && path == *g_fail_path) {
      errno = EIO;
      return -1;
    }
  }
  return real(fd);
}

namespace bazaar::host {
namespace {

using test_support::TempDir;

int fdatasyncs_of(const std::string& path) {
  std::lock_guard lock(g_sync_mu);
  auto it = g_syncs->find(path);
  return it == g_syncs->end() ? 0 : it->second;
}

void fail_fdatasync_of(const std::string& path) {
  std::lock_guard lock(g_sync_mu);
  *g_fail_path = path;
}

// --- the coordinator, with a fake WAL -----------------------------------------

// A fake file: writes get sequence numbers; a sync covers every write that
// happened before the sync started (what fdatasync guarantees), and only once
// it has finished.
class FakeWal : public WalFile {
 public:
  explicit FakeWal(std::chrono::microseconds sync_time = std::chrono::microseconds(0))
      : sync_time_(sync_time) {}

  uint64_t write() { return ++written_; }
  uint64_t durable() const { return durable_.load(); }
  int syncs() const { return syncs_.load(); }
  int running_max() const { return running_max_.load(); }

  int sync_wal() override {
    int running = ++running_;
    int seen = running_max_.load();
    while (running > seen && !running_max_.compare_exchange_weak(seen, running)) {
    }
    const uint64_t covered = written_.load();  // the sync starts: these writes are in
    ++syncs_;
    if (sync_time_.count() > 0) std::this_thread::sleep_for(sync_time_);  // the disk's time
    uint64_t d = durable_.load();
    while (covered > d && !durable_.compare_exchange_weak(d, covered)) {
    }
    --running_;
    return 0;
  }

 private:
  std::chrono::microseconds sync_time_;
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> durable_{0};
  std::atomic<int> syncs_{0};
  std::atomic<int> running_{0};
  std::atomic<int> running_max_{0};
};

TEST(WalSyncTest, SingleThreadRunsOneSyncPerCommit) {
  WalSync sync;
  FakeWal wal;
  for (int i = 0; i < 50; ++i) {
    uint64_t mine = wal.write();
    ASSERT_TRUE(sync.wait_durable(wal).ok());
    EXPECT_GE(wal.durable(), mine) << "commit " << i << " returned before a sync covered it";
  }
  EXPECT_EQ(wal.syncs(), 50);
  EXPECT_EQ(sync.counts().commits, 50u);
  EXPECT_EQ(sync.counts().syncs, 50u);
}

TEST(WalSyncTest, ConcurrentCommitsReturnOnlyAfterASyncThatStartedAfterTheirWrite) {
  constexpr int kThreads = 8;
  constexpr int kCommitsEach = 200;
  WalSync sync;
  FakeWal wal(std::chrono::microseconds(200));  // about a virtio disk's fdatasync
  std::latch start(kThreads);
  std::atomic<int> uncovered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < kCommitsEach; ++i) {
        uint64_t mine = wal.write();
        if (!sync.wait_durable(wal).ok() || wal.durable() < mine) ++uncovered;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(uncovered.load(), 0);
  EXPECT_EQ(wal.running_max(), 1) << "two syncs ran at once";
  const WalSync::Counts counts = sync.counts();
  EXPECT_EQ(counts.commits, static_cast<uint64_t>(kThreads * kCommitsEach));
  EXPECT_EQ(counts.syncs, static_cast<uint64_t>(wal.syncs()));
  EXPECT_LT(counts.syncs, counts.commits) << "commits under contention should share syncs";
}

// Deterministic coalescing: while sync 1 runs, four more commits arrive; they
// cannot use sync 1 (it may have started before their writes), and all four
// share sync 2.
TEST(WalSyncTest, CommitsArrivingDuringASyncShareTheNextOne) {
  class GatedWal : public WalFile {
   public:
    int sync_wal() override {
      int n = ++syncs;
      if (n == 1) {
        first_started.count_down();
        release_first.wait();
      }
      return 0;
    }
    std::atomic<int> syncs{0};
    std::latch first_started{1};
    std::latch release_first{1};
  } wal;
  WalSync sync;

  auto first = std::async(std::launch::async, [&] { return sync.wait_durable(wal).ok(); });
  wal.first_started.wait();
  std::vector<std::future<bool>> later;
  for (int i = 0; i < 4; ++i) {
    later.push_back(std::async(std::launch::async, [&] { return sync.wait_durable(wal).ok(); }));
  }
  // All four are inside wait_durable (counted under the lock, then waiting).
  while (sync.counts().commits < 5) std::this_thread::yield();
  for (auto& f : later) {
    EXPECT_EQ(f.wait_for(std::chrono::milliseconds(0)), std::future_status::timeout)
        << "a commit returned on a sync that started before it";
  }
  wal.release_first.count_down();
  EXPECT_TRUE(first.get());
  for (auto& f : later) EXPECT_TRUE(f.get());
  EXPECT_EQ(wal.syncs.load(), 2);
  EXPECT_EQ(sync.counts().syncs, 2u);
  EXPECT_EQ(sync.counts().commits, 5u);
}

TEST(WalSyncTest, AFailedSyncIsSticky) {
  class FailingWal : public WalFile {
   public:
    int sync_wal() override { return ++syncs == 2 ? SQLITE_IOERR_FSYNC : 0; }
    int syncs = 0;
  } wal;
  WalSync sync;
  EXPECT_TRUE(sync.wait_durable(wal).ok());
  EXPECT_TRUE(sync.health().ok());
  Status failed = sync.wait_durable(wal);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), "WAL_SYNC_FAILED");
  // The kernel may have dropped the pages: no later sync may claim success.
  Status later = sync.wait_durable(wal);
  ASSERT_FALSE(later.ok());
  EXPECT_EQ(later.error().code(), "WAL_SYNC_FAILED");
  EXPECT_EQ(wal.syncs, 2) << "no sync is attempted after a failure";
  EXPECT_FALSE(sync.health().ok());
}

TEST(WalSyncTest, OneCoordinatorPerFileWhileInUse) {
  auto a = WalSync::for_file(1, 100, "");
  auto b = WalSync::for_file(1, 100, "");
  auto c = WalSync::for_file(1, 101, "");
  EXPECT_EQ(a.get(), b.get());
  EXPECT_NE(a.get(), c.get());
  FakeWal wal;
  ASSERT_TRUE(a->wait_durable(wal).ok());
  a.reset();
  b.reset();
  auto again = WalSync::for_file(1, 100, "");
  EXPECT_EQ(again->counts().commits, 0u) << "a released coordinator is not reused";
}

// --- a durable Database -------------------------------------------------------

class DurableDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed"; }
  void TearDown() override { fail_fdatasync_of(""); }

  std::unique_ptr<Database> open(const std::string& name, DatabaseOptions options = {}) {
    auto db = Database::open(dir_.file(name), options);
    if (!db.ok()) {
      ADD_FAILURE() << db.error().message();
      return nullptr;
    }
    return std::move(*db);
  }

  static Status insert(Database& db, int64_t v) {
    auto txn = Transaction::begin(db, TxnMode::kWrite);
    if (!txn.ok()) return txn.error();
    BAZAAR_RETURN_IF_ERROR(db.exec("INSERT INTO t (v) VALUES (" + std::to_string(v) + ")"));
    return txn->commit();
  }

  static int64_t count(Database& db) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db.raw(), "SELECT COUNT(*) FROM t", -1, &stmt, nullptr) != SQLITE_OK) return -1;
    int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    return n;
  }

  static std::string pragma(Database& db, const char* sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out = "?";
    if (sqlite3_prepare_v2(db.raw(), sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }

  TempDir dir_;
};

TEST_F(DurableDatabaseTest, CommitFdatasyncsTheWalOnceAndSqliteDoesNot) {
  auto db = open("d.db");
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->group_commit());
  EXPECT_EQ(pragma(*db, "PRAGMA synchronous"), "1");  // NORMAL: SQLite itself syncs nothing at commit
  ASSERT_TRUE(db->exec("CREATE TABLE t (v INTEGER)").ok());  // an autocommit write: synced too
  const std::string wal = dir_.file("d.db-wal");
  const int before = fdatasyncs_of(wal);
  const uint64_t syncs_before = db->wal_sync()->counts().syncs;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(insert(*db, i).ok());
  EXPECT_EQ(fdatasyncs_of(wal) - before, 20) << "one fdatasync of " << wal << " per commit";
  EXPECT_EQ(db->wal_sync()->counts().syncs - syncs_before, 20u);

  // Read transactions and write transactions that change nothing wait for no sync.
  for (int i = 0; i < 5; ++i) {
    auto r = Transaction::begin(*db, TxnMode::kRead);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(count(*db), 20);
    ASSERT_TRUE(r->commit().ok());
    auto w = Transaction::begin(*db, TxnMode::kWrite);
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE(w->commit().ok());
  }
  EXPECT_EQ(fdatasyncs_of(wal) - before, 20);

  db.reset();
  auto reopened = open("d.db");
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(count(*reopened), 20);
}

TEST_F(DurableDatabaseTest, NormalDatabaseDoesNotSyncItsWalAtCommit) {
  auto db = open("n.db", {Synchronous::kNormal, 5000, true});
  ASSERT_NE(db, nullptr);
  EXPECT_FALSE(db->group_commit());
  ASSERT_TRUE(db->exec("CREATE TABLE t (v INTEGER)").ok());
  const std::string wal = dir_.file("n.db-wal");
  const int before = fdatasyncs_of(wal);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(insert(*db, i).ok());
  EXPECT_EQ(fdatasyncs_of(wal) - before, 0);
}

TEST_F(DurableDatabaseTest, WithoutGroupCommitSqliteSyncsInsideEachCommit) {
  auto db = open("f.db", {Synchronous::kFull, 5000, false});
  ASSERT_NE(db, nullptr);
  EXPECT_FALSE(db->group_commit());
  EXPECT_EQ(pragma(*db, "PRAGMA synchronous"), "2");  // FULL
  ASSERT_TRUE(db->exec("CREATE TABLE t (v INTEGER)").ok());
  const std::string wal = dir_.file("f.db-wal");
  const int before = fdatasyncs_of(wal);
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(insert(*db, i).ok());
  EXPECT_GE(fdatasyncs_of(wal) - before, 20);  // the baseline: the interposer sees SQLite's own
}

TEST_F(DurableDatabaseTest, WithoutWalItFallsBackToSqliteFull) {
  auto db = Database::open(":memory:", {});  // journal_mode stays "memory"
  ASSERT_TRUE(db.ok()) << db.error().message();
  EXPECT_FALSE((*db)->group_commit());
  EXPECT_EQ(pragma(**db, "PRAGMA synchronous"), "2");  // FULL
}

TEST_F(DurableDatabaseTest, PooledConnectionsShareOneCoordinatorAndEveryRowSurvivesReopen) {
  constexpr int kThreads = 8;
  constexpr int kCommitsEach = 100;
  ShardSetOptions options;
  options.dir = dir_.path();
  options.shard_count = 1;
  {
    ShardSet shards(options, {});
    {
      auto lease = shards.shard(0);
      ASSERT_TRUE(lease.ok());
      ASSERT_TRUE((*lease)->exec("CREATE TABLE t (v INTEGER)").ok());
    }
    const std::string wal = dir_.file("shard-000.db-wal");
    const int before = fdatasyncs_of(wal);
    std::latch start(kThreads);
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        auto lease = shards.shard(0);  // one connection per thread for the whole run
        if (!lease.ok()) {
          ++failures;
          return;
        }
        start.arrive_and_wait();
        for (int i = 0; i < kCommitsEach; ++i) {
          if (!insert(**lease, t * kCommitsEach + i).ok()) ++failures;
        }
      });
    }
    for (auto& th : threads) th.join();
    ASSERT_EQ(failures.load(), 0);
    auto lease = shards.shard(0);
    ASSERT_TRUE(lease.ok());
    const WalSync* sync = (*lease)->wal_sync();
    ASSERT_NE(sync, nullptr);
    const int syncs = fdatasyncs_of(wal) - before;
    // Every commit was covered by one of these; whether two shared one depends
    // on timing on a fast disk, so this only checks the bound.
    EXPECT_GE(syncs, 1);
    EXPECT_LE(syncs, kThreads * kCommitsEach);
    EXPECT_GE(sync->counts().commits, static_cast<uint64_t>(kThreads * kCommitsEach));
    std::printf("[ info ] %d commits, %d WAL fdatasyncs\n", kThreads * kCommitsEach, syncs);
  }
  auto reopened = open("shard-000.db");
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(count(*reopened), kThreads * kCommitsEach);
}

TEST_F(DurableDatabaseTest, AutomaticCheckpointsStillRun) {
  auto db = open("c.db");
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->exec("CREATE TABLE b (v BLOB)").ok());
  const int64_t page = std::stoll(pragma(*db, "PRAGMA page_size"));
  constexpr int kCommits = 300;  // each writes >= 10 pages: >= 3000 frames in all
  for (int i = 0; i < kCommits; ++i) {
    auto txn = Transaction::begin(*db, TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(db->exec("INSERT INTO b (v) VALUES (randomblob(" + std::to_string(10 * page) + "))").ok());
    ASSERT_TRUE(txn->commit().ok());
  }
  // Our WAL hook replaces SQLite's default one, which checkpoints at 1000
  // frames; without a checkpoint the WAL would keep all 3000+ frames.
  const auto wal_bytes = static_cast<int64_t>(std::filesystem::file_size(dir_.file("c.db-wal")));
  EXPECT_LT(wal_bytes, 1500 * (page + 24)) << "the WAL was not checkpointed at 1000 frames";
  EXPECT_EQ(pragma(*db, "SELECT COUNT(*) FROM b"), std::to_string(kCommits));
}

TEST_F(DurableDatabaseTest, AFailedWalSyncFailsTheCommitAndRefusesLaterWrites) {
  auto db = open("e.db");
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->exec("CREATE TABLE t (v INTEGER)").ok());
  ASSERT_TRUE(insert(*db, 1).ok());
  fail_fdatasync_of(dir_.file("e.db-wal"));
  Status failed = insert(*db, 2);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().code(), "WAL_SYNC_FAILED") << failed.error().message();
  fail_fdatasync_of("");
  // Sticky: the file is not trusted again in this process.
  auto w = Transaction::begin(*db, TxnMode::kWrite);
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().code(), "WAL_SYNC_FAILED");
  // An autocommit write is not refused up front, but it cannot claim durability either.
  Status autocommit = db->exec("INSERT INTO t (v) VALUES (3)");
  ASSERT_FALSE(autocommit.ok());
  EXPECT_EQ(autocommit.error().code(), "WAL_SYNC_FAILED");
  // Reads go on; the failed commits were written (only their durability is unknown).
  auto r = Transaction::begin(*db, TxnMode::kRead);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(count(*db), 3);
  ASSERT_TRUE(r->commit().ok());
}

TEST_F(DurableDatabaseTest, SyncsAndDurableCommitsAreCountedInTheAttachedMetrics) {
  auto created = SharedMetrics::create(256);
  ASSERT_TRUE(created.ok());
  auto attached = SharedMetrics::attach(dup(created->fd()));  // what a worker does
  ASSERT_TRUE(attached.ok());
  auto db = open("m.db");
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->exec("CREATE TABLE t (v INTEGER)").ok());
  const uint64_t syncs0 = created->counter(kWalSyncsMetric).value();
  const uint64_t commits0 = created->counter(kDurableCommitsMetric).value();
  for (int i = 0; i < 7; ++i) ASSERT_TRUE(insert(*db, i).ok());
  EXPECT_EQ(created->counter(kWalSyncsMetric).value() - syncs0, 7u);
  EXPECT_EQ(created->counter(kDurableCommitsMetric).value() - commits0, 7u);
  EXPECT_NE(created->render().find("bazaar_storage_wal_syncs_total "), std::string::npos);
  // Once the attached segment is gone, counting is a no-op (no use after unmap).
  { SharedMetrics gone = std::move(*attached); }
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(insert(*db, 100 + i).ok());
  EXPECT_EQ(created->counter(kWalSyncsMetric).value() - syncs0, 7u);
}

}  // namespace
}  // namespace bazaar::host

namespace bazaar::host {
namespace {

// Not a test: the A/B figure of bench/RESULTS.md ("Group commit"), group commit
// against SQLite's own FULL in one binary, T threads with a connection each,
// one-row write transactions on F files for 3 s. Run it from a Release build:
//   host_unit_tests --gtest_also_run_disabled_tests --gtest_filter='*DISABLED_CommitThroughput*'
TEST_F(DurableDatabaseTest, DISABLED_CommitThroughputGroupCommitVersusSqliteFull) {
  struct Config {
    size_t threads;
    size_t files;
  };
  std::printf("| threads | files | SQLite FULL commits/s | group commit commits/s | WAL syncs/s | commits per sync |\n");
  std::printf("|---:|---:|---:|---:|---:|---:|\n");
  int run = 0;
  for (Config c : {Config{1, 1}, Config{4, 1}, Config{16, 1}, Config{32, 1}, Config{32, 8}}) {
    double rate[2] = {0, 0};
    double syncs_per_s = 0;
    for (int group = 0; group < 2; ++group) {
      const std::string prefix = "ab" + std::to_string(run++) + "-";
      std::vector<std::unique_ptr<Database>> dbs;
      for (size_t t = 0; t < c.threads; ++t) {
        dbs.push_back(open(prefix + std::to_string(t % c.files) + ".db",
                           {Synchronous::kFull, 10'000, group == 1}));
        ASSERT_NE(dbs.back(), nullptr);
      }
      for (size_t f = 0; f < c.files; ++f) ASSERT_TRUE(dbs[f]->exec("CREATE TABLE t (v INTEGER)").ok());
      std::atomic<bool> stop{false};
      std::atomic<int64_t> commits{0};
      std::vector<uint64_t> syncs0;
      for (size_t f = 0; f < c.files && group == 1; ++f) syncs0.push_back(dbs[f]->wal_sync()->counts().syncs);
      std::vector<std::thread> threads;
      const auto t0 = std::chrono::steady_clock::now();
      for (size_t t = 0; t < c.threads; ++t) {
        threads.emplace_back([&, t] {
          int64_t n = 0;
          while (!stop.load(std::memory_order_relaxed)) {
            if (insert(*dbs[t], n).ok()) ++n;
          }
          commits += n;
        });
      }
      std::this_thread::sleep_for(std::chrono::seconds(3));
      stop = true;
      for (auto& th : threads) th.join();
      const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      rate[group] = static_cast<double>(commits.load()) / secs;
      if (group == 1) {
        uint64_t syncs = 0;
        for (size_t f = 0; f < c.files; ++f) syncs += dbs[f]->wal_sync()->counts().syncs - syncs0[f];
        syncs_per_s = static_cast<double>(syncs) / secs;
      }
    }
    std::printf("| %zu | %zu | %.0f | %.0f | %.0f | %.2f |\n", c.threads, c.files, rate[0], rate[1], syncs_per_s,
                syncs_per_s > 0 ? rate[1] / syncs_per_s : 0.0);
  }
}

}  // namespace
}  // namespace bazaar::host
