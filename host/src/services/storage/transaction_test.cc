#include "services/storage/transaction.h"
#include "test_support/temp_dir.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>

namespace bazaar::host {
namespace {

using test_support::TempDir;

class TransactionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    path_ = dir_.path() + "/txn.db";
    db_ = open();
    ASSERT_NE(db_, nullptr);
    ASSERT_TRUE(db_->exec("CREATE TABLE t (v INTEGER)").ok());
  }

  std::unique_ptr<Database> open() {
    auto db = Database::open(path_, {});
    if (!db.ok()) {
      ADD_FAILURE() << db.error().message();
      return nullptr;
    }
    return std::move(*db);
  }

  static int64_t rows(Database& db) {
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db.raw(), "SELECT COUNT(*) FROM t", -1, &stmt, nullptr);
    int64_t n = sqlite3_step(stmt) == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : -1;
    sqlite3_finalize(stmt);
    return n;
  }

  static bool in_transaction(Database& db) { return sqlite3_get_autocommit(db.raw()) == 0; }

  TempDir dir_;
  std::string path_;
  std::unique_ptr<Database> db_;
};

TEST_F(TransactionTest, RollsBackOnDestruction) {
  {
    auto txn = Transaction::begin(*db_, TxnMode::kWrite);
    ASSERT_TRUE(txn.ok()) << txn.error().message();
    EXPECT_TRUE(txn->open());
    EXPECT_TRUE(in_transaction(*db_));
    ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1)").ok());
    EXPECT_EQ(rows(*db_), 1);  // visible inside
  }
  EXPECT_FALSE(in_transaction(*db_));
  EXPECT_EQ(rows(*db_), 0);
}

TEST_F(TransactionTest, ExplicitRollbackThenDestructionIsHarmless) {
  auto txn = Transaction::begin(*db_, TxnMode::kWrite);
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1)").ok());
  txn->rollback();
  EXPECT_FALSE(txn->open());
  EXPECT_FALSE(in_transaction(*db_));
  EXPECT_EQ(rows(*db_), 0);
  // A later transaction on the same connection is not disturbed by the
  // destructor of the closed one.
  auto next = Transaction::begin(*db_, TxnMode::kWrite);
  ASSERT_TRUE(next.ok());
  ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (2)").ok());
  ASSERT_TRUE(next->commit().ok());
  EXPECT_EQ(rows(*db_), 1);
}

TEST_F(TransactionTest, CommitPersists) {
  {
    auto txn = Transaction::begin(*db_, TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1)").ok());
    ASSERT_TRUE(txn->commit().ok());
    EXPECT_FALSE(txn->open());
  }
  EXPECT_EQ(rows(*db_), 1);
  auto other = open();  // another connection sees it
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(rows(*other), 1);
}

TEST_F(TransactionTest, CommitTwiceFails) {
  auto txn = Transaction::begin(*db_, TxnMode::kWrite);
  ASSERT_TRUE(txn.ok());
  ASSERT_TRUE(txn->commit().ok());
  Status again = txn->commit();
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().status(), BZ_FAILED_PRECONDITION);
  EXPECT_EQ(again.error().code(), "TXN_CLOSED");
}

TEST_F(TransactionTest, MovedFromDoesNotRollBack) {
  std::optional<Transaction> keeper;
  {
    auto txn = Transaction::begin(*db_, TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    keeper.emplace(std::move(*txn));
    EXPECT_FALSE(txn->open());
    EXPECT_TRUE(keeper->open());
    ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1)").ok());
  }  // the moved-from transaction dies here
  EXPECT_TRUE(in_transaction(*db_));
  ASSERT_TRUE(keeper->commit().ok());
  keeper.reset();
  auto other = open();
  ASSERT_NE(other, nullptr);
  EXPECT_EQ(rows(*other), 1);
}

TEST_F(TransactionTest, ReadTransactionSeesOneSnapshot) {
  ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1)").ok());
  auto writer = open();
  ASSERT_NE(writer, nullptr);

  auto read = Transaction::begin(*db_, TxnMode::kRead);
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(rows(*db_), 1);  // the first read starts the snapshot
  ASSERT_TRUE(writer->exec("INSERT INTO t VALUES (2)").ok());
  EXPECT_EQ(rows(*db_), 1);
  ASSERT_TRUE(read->commit().ok());
  EXPECT_EQ(rows(*db_), 2);
}

TEST_F(TransactionTest, NestedBeginFails) {
  auto outer = Transaction::begin(*db_, TxnMode::kWrite);
  ASSERT_TRUE(outer.ok());
  auto inner = Transaction::begin(*db_, TxnMode::kWrite);
  ASSERT_FALSE(inner.ok());
  EXPECT_EQ(inner.error().status(), BZ_INTERNAL);
  EXPECT_TRUE(in_transaction(*db_));  // the outer one is untouched
  EXPECT_TRUE(outer->commit().ok());
}

}  // namespace
}  // namespace bazaar::host

namespace bazaar::host {
namespace {

// A SELECT stepped once and abandoned must not pin its snapshot past the
// transaction: the next transaction on the same connection sees new commits.
TEST_F(TransactionTest, AnAbandonedSelectDoesNotPinTheNextTransactionsSnapshot) {
  auto writer = open();
  ASSERT_NE(writer, nullptr);
  ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1), (2)").ok());
  {
    auto read = Transaction::begin(*db_, TxnMode::kRead);
    ASSERT_TRUE(read.ok());
    auto stmt = db_->prepare("SELECT v FROM t");
    ASSERT_TRUE(stmt.ok());
    ASSERT_EQ(sqlite3_step(*stmt), SQLITE_ROW);  // one row read, the statement left busy
  }
  ASSERT_TRUE(writer->exec("INSERT INTO t VALUES (3)").ok());
  auto read = Transaction::begin(*db_, TxnMode::kRead);
  ASSERT_TRUE(read.ok());
  auto count = db_->prepare("SELECT COUNT(*) FROM t");
  ASSERT_TRUE(count.ok());
  ASSERT_EQ(sqlite3_step(*count), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int64(*count, 0), 3);
}

TEST_F(TransactionTest, CommitSucceedsWithAStatementLeftMidResult) {
  ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (1), (2)").ok());
  auto txn = Transaction::begin(*db_, TxnMode::kWrite);
  ASSERT_TRUE(txn.ok());
  auto stmt = db_->prepare("SELECT v FROM t");
  ASSERT_TRUE(stmt.ok());
  ASSERT_EQ(sqlite3_step(*stmt), SQLITE_ROW);
  ASSERT_TRUE(db_->exec("INSERT INTO t VALUES (3)").ok());
  Status committed = txn->commit();
  EXPECT_TRUE(committed.ok()) << committed.error().message();
  EXPECT_EQ(rows(*open()), 3);
}

TEST(TransactionControlTest, RecognisesWhatOnlyTheHostMayRun) {
  for (const char* sql : {"BEGIN", "begin immediate", "  COMMIT;", "end transaction", "ROLLBACK",
                          "rollback to x", "SAVEPOINT x", "release bz_member",
                          "-- a comment\n  Commit", "/* c */ BEGIN", "\n\tRELEASE x"}) {
    EXPECT_TRUE(is_transaction_control(sql)) << sql;
  }
  for (const char* sql : {"SELECT 1", "INSERT INTO t VALUES (1)", "UPDATE t SET v = 1",
                          "WITH x AS (SELECT 1) SELECT * FROM x", "", "-- only a comment",
                          "BEGINNING", "SELECT 'COMMIT'", "/* COMMIT */ SELECT 1"}) {
    EXPECT_FALSE(is_transaction_control(sql)) << sql;
  }
}

}  // namespace
}  // namespace bazaar::host
