#include "services/storage/write_batcher.h"
#include "test_support/temp_dir.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

namespace bazaar::host {
namespace {

using test_support::TempDir;

int64_t mono_ms_now() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

class WriteBatcherTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    DatabaseStats stats;
    stats.on_commit = [this] { ++commits_; };
    pool_ = std::make_unique<ConnectionPool>(dir_.path() + "/b.db", DatabaseOptions{}, stats);
    auto setup = pool_->lease();
    ASSERT_TRUE(setup.ok()) << setup.error().message();
    ASSERT_TRUE((*setup)->exec("CREATE TABLE stock (id INTEGER PRIMARY KEY, available INTEGER NOT NULL "
                               "CHECK (available >= 0)); INSERT INTO stock VALUES (1, 100);"
                               "CREATE TABLE sold (who INTEGER PRIMARY KEY)")
                    .ok());
  }

  // What another connection sees: only committed rows.
  int64_t count(const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_open((dir_.path() + "/b.db").c_str(), &db);
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr);
    int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return n;
  }

  // One buyer: a conditional decrement and its row, as one member.
  static Status buy(WriteBatcher& batcher, int64_t who) {
    auto member = batcher.join(mono_ms_now() + 10'000);
    if (!member.ok()) return member.error();
    Database& db = member->db();
    BAZAAR_RETURN_IF_ERROR(db.exec("UPDATE stock SET available = available - 1 WHERE id = 1"));
    BAZAAR_RETURN_IF_ERROR(db.exec("INSERT INTO sold VALUES (" + std::to_string(who) + ")"));
    return member->commit();
  }

  TempDir dir_;
  std::unique_ptr<ConnectionPool> pool_;
  std::atomic<int> commits_{0};
};

TEST_F(WriteBatcherTest, ConcurrentMembersNeverOversellAndShareCommits) {
  WriteBatcher batcher(*pool_, {});
  constexpr int kThreads = 16;
  constexpr int kPerThread = 20;  // 320 buyers for 100 units
  std::atomic<int> ok{0}, sold_out{0}, other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        Status s = buy(batcher, t * 1000 + i);
        if (s.ok()) {
          ++ok;
        } else if (s.error().status() == BZ_CONFLICT) {  // CHECK (available >= 0)
          ++sold_out;
        } else {
          ++other;
          ADD_FAILURE() << s.error().message();
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 100);
  EXPECT_EQ(sold_out.load(), kThreads * kPerThread - 100);
  EXPECT_EQ(other.load(), 0);
  EXPECT_EQ(count("SELECT available FROM stock"), 0);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sold"), 100);  // a refused member left no row
  EXPECT_LT(commits_.load(), kThreads * kPerThread);  // members shared commits
  EXPECT_GE(commits_.load(), 1);
}

TEST_F(WriteBatcherTest, RolledBackMemberLeavesEarlierMembersOfItsBatch) {
  WriteBatcherOptions slow_machine_proof;
  slow_machine_proof.max_batch_age_us = 60'000'000;  // the batch stays open however slow the machine
  WriteBatcher batcher(*pool_, slow_machine_proof);
  std::atomic<bool> second_in_batch{false};
  auto first = batcher.join(0);
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE(first->db().exec("INSERT INTO sold VALUES (1)").ok());
  std::thread second([&] {
    auto member = batcher.join(0);  // queues behind `first`
    ASSERT_TRUE(member.ok()) << member.error().message();
    ASSERT_TRUE(member->db().exec("INSERT INTO sold VALUES (2)").ok());
    second_in_batch = true;  // before it leaves: `first` cannot have returned yet if they share a batch
    member->rollback();      // only its own row goes; nobody waits, so it ends the batch
  });
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (batcher.waiters() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
  ASSERT_EQ(batcher.waiters(), 1);
  // `first` hands the open batch to `second` and returns once the batch
  // committed, which `second` does as it leaves.
  EXPECT_TRUE(first->commit().ok());
  EXPECT_TRUE(second_in_batch.load()) << "first committed alone: the two were not one batch";
  second.join();
  EXPECT_EQ(commits_.load(), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sold WHERE who = 1"), 1);
  EXPECT_EQ(count("SELECT COUNT(*) FROM sold WHERE who = 2"), 0);
  ASSERT_TRUE(buy(batcher, 3).ok());  // the next member starts a new batch
  EXPECT_EQ(count("SELECT COUNT(*) FROM sold"), 2);
  EXPECT_EQ(commits_.load(), 2);
}

TEST_F(WriteBatcherTest, DestroyedMemberRollsBackAndFreesTheTurn) {
  WriteBatcher batcher(*pool_, {});
  {
    auto member = batcher.join(0);
    ASSERT_TRUE(member.ok());
    ASSERT_TRUE(member->db().exec("INSERT INTO sold VALUES (7)").ok());
  }
  EXPECT_EQ(count("SELECT COUNT(*) FROM sold"), 0);
  ASSERT_TRUE(buy(batcher, 8).ok());  // would wait forever if the turn were still taken
  EXPECT_EQ(count("SELECT COUNT(*) FROM sold"), 1);
}

TEST_F(WriteBatcherTest, TurnNotComingBeforeTheDeadlineIsUnavailable) {
  WriteBatcher batcher(*pool_, {});
  auto holder = batcher.join(0);
  ASSERT_TRUE(holder.ok());
  std::thread waiter([&] {
    auto member = batcher.join(mono_ms_now() + 50);
    ASSERT_FALSE(member.ok());
    EXPECT_EQ(member.error().status(), BZ_UNAVAILABLE);
    EXPECT_EQ(member.error().code(), "DATABASE_BUSY");
  });
  waiter.join();
  EXPECT_TRUE(holder->commit().ok());  // nothing written: an empty batch ends quietly
}

TEST_F(WriteBatcherTest, MemberSeesItsBatchAndCommitsAtomically) {
  WriteBatcher batcher(*pool_, {});
  auto member = batcher.join(0);
  ASSERT_TRUE(member.ok());
  ASSERT_TRUE(member->db().exec("INSERT INTO sold VALUES (1); INSERT INTO sold VALUES (2)").ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM sold"), 0);  // not committed yet
  // A failing statement undoes itself only (statement atomicity), as in any transaction.
  EXPECT_FALSE(member->db().exec("INSERT INTO sold VALUES (1)").ok());
  ASSERT_TRUE(member->commit().ok());
  EXPECT_EQ(count("SELECT COUNT(*) FROM sold"), 2);
  EXPECT_EQ(member->commit().error().code(), "TXN_CLOSED");
}

}  // namespace
}  // namespace bazaar::host
