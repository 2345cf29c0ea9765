// Retention of the outbox and the inbox (outbox::purge_outbox / purge_inbox):
// only published rows older than the cut-off go, never a database's newest
// outbox row, and each call deletes at most its limit.
#include "services/events/outbox_store.h"
#include "test_support/one_shard_node.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "services/ids/id_generator.h"
#include "services/storage/migrations.h"
#include "services/storage/shard_set.h"
#include "services/storage/transaction.h"

#include <string>
#include <vector>

namespace bazaar::host {
namespace {

constexpr int64_t kNow = 1'800'000'000'000;
constexpr int64_t kHour = 3'600'000;

class OutboxRetentionTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.start(kNow); }

  Lease lease() { return node_.lease(); }

  // Appends one event per entry of `created`, in its own transaction.
  void append(const std::vector<int64_t>& created) {
    Lease l = lease();
    auto txn = Transaction::begin(*l, TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    for (int64_t at : created) {
      ASSERT_TRUE(outbox::append(*l, IdGenerator::first_id_at(at) + 1, "fx", "fx.tick.", "{}", at).ok());
    }
    ASSERT_TRUE(txn->commit().ok());
  }

  void applied(std::string_view consumer, int64_t event_id) {
    Lease l = lease();
    auto txn = Transaction::begin(*l, TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(outbox::inbox_record(*l, consumer, event_id, kNow).ok());
    ASSERT_TRUE(txn->commit().ok());
  }

  int64_t scalar(const char* sql) {
    Lease l = lease();
    auto stmt = l->prepare(sql);
    EXPECT_TRUE(stmt.ok());
    int64_t out = sqlite3_step(*stmt) == SQLITE_ROW ? sqlite3_column_int64(*stmt, 0) : -1;
    sqlite3_reset(*stmt);
    return out;
  }

  int64_t purge_outbox(int64_t cutoff, size_t limit = 100) {
    Lease l = lease();
    auto purged = outbox::purge_outbox(*l, cutoff, limit);
    EXPECT_TRUE(purged.ok()) << purged.error().message();
    return purged.ok() ? *purged : -1;
  }

  test_support::OneShardNode node_;
};

TEST_F(OutboxRetentionTest, OnlyPublishedRowsOlderThanTheCutOffGo) {
  append({kNow - 50 * kHour, kNow - 49 * kHour, kNow - 48 * kHour, kNow - 2 * kHour, kNow - kHour});
  {
    Lease l = lease();
    ASSERT_TRUE(outbox::mark_published(*l, 2).ok());
  }
  EXPECT_EQ(purge_outbox(kNow - 24 * kHour), 2) << "seq 3 is old but not published yet";
  EXPECT_EQ(scalar("SELECT min(seq) FROM bazaar_outbox"), 3);
  {
    Lease l = lease();
    ASSERT_TRUE(outbox::mark_published(*l, 5).ok());
  }
  EXPECT_EQ(purge_outbox(kNow - 24 * kHour), 1);
  EXPECT_EQ(scalar("SELECT min(seq) FROM bazaar_outbox"), 4) << "newer than the cut-off: kept";
  EXPECT_EQ(purge_outbox(kNow - 24 * kHour), 0);
}

TEST_F(OutboxRetentionTest, TheNewestRowStaysSoSeqsGoOn) {
  append({kNow - 50 * kHour, kNow - 49 * kHour});
  {
    Lease l = lease();
    ASSERT_TRUE(outbox::mark_published(*l, 2).ok());
  }
  EXPECT_EQ(purge_outbox(kNow), 1);
  EXPECT_EQ(purge_outbox(kNow), 0);
  EXPECT_EQ(scalar("SELECT seq FROM bazaar_outbox"), 2);
  append({kNow});
  EXPECT_EQ(scalar("SELECT max(seq) FROM bazaar_outbox"), 3) << "no seq is used twice";
}

TEST_F(OutboxRetentionTest, EachCallDeletesAtMostItsLimit) {
  std::vector<int64_t> old(25, kNow - 100 * kHour);
  append(old);
  {
    Lease l = lease();
    ASSERT_TRUE(outbox::mark_published(*l, 25).ok());
  }
  EXPECT_EQ(purge_outbox(kNow, 10), 10);
  EXPECT_EQ(purge_outbox(kNow, 10), 10);
  EXPECT_EQ(purge_outbox(kNow, 10), 4);
  EXPECT_EQ(scalar("SELECT count(*) FROM bazaar_outbox"), 1);
}

TEST_F(OutboxRetentionTest, InboxRowsOfOldEventsGoForEveryConsumer) {
  const int64_t old_event = IdGenerator::first_id_at(kNow - 80 * kHour) + 1;
  const int64_t new_event = IdGenerator::first_id_at(kNow - kHour) + 1;
  for (const char* consumer : {"a.one", "b.two", "c.three"}) {
    applied(consumer, old_event);
    applied(consumer, old_event + 1);
    applied(consumer, new_event);
  }
  const int64_t bound = IdGenerator::first_id_at(kNow - 72 * kHour);
  Lease l = lease();
  auto first = outbox::purge_inbox(*l, bound, 4);
  ASSERT_TRUE(first.ok()) << first.error().message();
  EXPECT_EQ(*first, 4);
  auto second = outbox::purge_inbox(*l, bound, 4);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second, 2);
  const std::string kept = "SELECT count(*) FROM bazaar_inbox WHERE event_id = " + std::to_string(new_event);
  EXPECT_EQ(scalar("SELECT count(*) FROM bazaar_inbox"), 3);
  EXPECT_EQ(scalar(kept.c_str()), 3) << "every consumer keeps its recent event";
}

}  // namespace
}  // namespace bazaar::host
