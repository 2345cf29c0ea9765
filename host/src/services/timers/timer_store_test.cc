#include "services/timers/timer_store.h"
#include "test_support/one_shard_node.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <set>
#include <string>
#include <thread>

#include "services/storage/migrations.h"
#include "services/storage/shard_set.h"
#include "services/storage/transaction.h"

namespace bazaar::host {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;
constexpr int64_t kLease = 60'000;

class TimerStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { node_.start(kNow); }

  Lease lease() { return node_.lease(); }

  // Schedules in its own committed write transaction.
  void schedule(std::string_view key, int64_t due, std::string_view kind = "expire",
                std::string_view payload = "{}") {
    Lease l = lease();
    auto txn = Transaction::begin(*l, TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    Status s = schedule_timer(*l, "orders", kind, key, due, payload);
    ASSERT_TRUE(s.ok()) << s.error().message();
    ASSERT_TRUE(txn->commit().ok());
  }

  std::vector<ClaimedTimer> claim(int64_t now, size_t limit = 64, int64_t token = 7) {
    Lease l = lease();
    auto claimed = claim_due_timers(*l, now, kLease, limit, token);
    EXPECT_TRUE(claimed.ok()) << claimed.error().message();
    return claimed.ok() ? std::move(*claimed) : std::vector<ClaimedTimer>{};
  }

  int64_t scalar(const std::string& sql) {
    Lease l = lease();
    auto stmt = l->prepare(sql);
    EXPECT_TRUE(stmt.ok());
    int64_t v = sqlite3_step(*stmt) == SQLITE_ROW ? sqlite3_column_int64(*stmt, 0) : -1;
    sqlite3_reset(*stmt);
    return v;
  }
  int64_t rows() { return scalar("SELECT COUNT(*) FROM bazaar_timers"); }
  int64_t due_of(const std::string& key) {
    return scalar("SELECT due_ms FROM bazaar_timers WHERE key = '" + key + "'");
  }
  int64_t attempt_of(const std::string& key) {
    return scalar("SELECT attempt FROM bazaar_timers WHERE key = '" + key + "'");
  }

  test_support::OneShardNode node_;
};

TEST_F(TimerStoreTest, ScheduleInARolledBackTransactionLeavesNoRow) {
  {
    Lease l = lease();
    auto txn = Transaction::begin(*l, TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    ASSERT_TRUE(schedule_timer(*l, "orders", "expire", "42", kNow, "{}").ok());
    txn->rollback();
  }
  EXPECT_EQ(rows(), 0);
  schedule("42", kNow);
  EXPECT_EQ(rows(), 1);
  EXPECT_EQ(attempt_of("42"), 0);
}

TEST_F(TimerStoreTest, ScheduleAgainMovesTheTimerAndResetsItsAttempts) {
  schedule("42", kNow);
  ASSERT_EQ(claim(kNow).size(), 1u);
  EXPECT_EQ(attempt_of("42"), 1);
  schedule("42", kNow + 5000, "expire", R"({"v":2})");
  EXPECT_EQ(rows(), 1);
  EXPECT_EQ(due_of("42"), kNow + 5000);
  EXPECT_EQ(attempt_of("42"), 0);
  EXPECT_EQ(scalar("SELECT claim_token IS NULL FROM bazaar_timers"), 1);
  auto claimed = claim(kNow + 5000);
  ASSERT_EQ(claimed.size(), 1u);
  EXPECT_EQ(claimed[0].payload, R"({"v":2})");
  EXPECT_EQ(claimed[0].attempt, 1u);
}

TEST_F(TimerStoreTest, SameKeyOfAnotherKindIsAnotherTimer) {
  schedule("42", kNow, "expire");
  schedule("42", kNow, "remind");
  EXPECT_EQ(rows(), 2);
}

TEST_F(TimerStoreTest, RefusesBadKindsKeysPayloadsAndTimes) {
  Lease l = lease();
  auto txn = Transaction::begin(*l, TxnMode::kWrite);
  ASSERT_TRUE(txn.ok());
  auto refused = [&](std::string_view kind, std::string_view key, int64_t due,
                     std::string_view payload) {
    Status s = schedule_timer(*l, "orders", kind, key, due, payload);
    return !s.ok() && s.error().status() == BZ_INVALID_ARGUMENT && s.error().code() == "BAD_TIMER";
  };
  EXPECT_TRUE(refused("", "k", kNow, ""));
  EXPECT_TRUE(refused("Expire", "k", kNow, ""));
  EXPECT_TRUE(refused("ex-pire", "k", kNow, ""));
  EXPECT_TRUE(refused(std::string(65, 'a'), "k", kNow, ""));
  EXPECT_TRUE(refused("expire", "", kNow, ""));
  EXPECT_TRUE(refused("expire", std::string(201, 'k'), kNow, ""));
  EXPECT_TRUE(refused("expire", "line\nbreak", kNow, ""));
  EXPECT_TRUE(refused("expire", "k", -1, ""));
  EXPECT_TRUE(refused("expire", "k", kTimerDueMax + 1, ""));
  EXPECT_TRUE(refused("expire", "k", kNow, std::string(kTimerPayloadMax + 1, 'x')));
  EXPECT_TRUE(schedule_timer(*l, "orders", std::string(64, 'a'), std::string(200, 'k'), 0,
                             std::string(kTimerPayloadMax, 'x'))
                  .ok());
  ASSERT_TRUE(txn->commit().ok());
}

TEST_F(TimerStoreTest, CancelSaysWhetherATimerExisted) {
  schedule("42", kNow);
  Lease l = lease();
  auto txn = Transaction::begin(*l, TxnMode::kWrite);
  ASSERT_TRUE(txn.ok());
  auto first = cancel_timer(*l, "orders", "expire", "42");
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(*first);
  auto second = cancel_timer(*l, "orders", "expire", "42");
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(*second);
  auto other_plugin = cancel_timer(*l, "coupons", "expire", "42");
  ASSERT_TRUE(other_plugin.ok());
  EXPECT_FALSE(*other_plugin);
  ASSERT_TRUE(txn->commit().ok());
  EXPECT_EQ(rows(), 0);
}

TEST_F(TimerStoreTest, ClaimTakesDueTimersOldestFirstInBoundedBatches) {
  schedule("late", kNow);
  schedule("early", kNow - 2000);
  schedule("middle", kNow - 1000);
  schedule("future", kNow + 1);
  auto first = claim(kNow, 2);
  ASSERT_EQ(first.size(), 2u);
  EXPECT_EQ(first[0].key, "early");
  EXPECT_EQ(first[0].due_ms, kNow - 2000);
  EXPECT_EQ(first[0].attempt, 1u);
  EXPECT_EQ(first[0].lease_until_ms, kNow + kLease);
  EXPECT_EQ(first[1].key, "middle");
  auto second = claim(kNow, 2);
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].key, "late");
  EXPECT_TRUE(claim(kNow).empty()) << "claimed timers are not due again during their lease";
  EXPECT_EQ(due_of("early"), kNow + kLease);
}

TEST_F(TimerStoreTest, ConcurrentClaimersNeverShareATimer) {
  constexpr int kTimers = 300;
  for (int i = 0; i < kTimers; ++i) schedule(std::to_string(i), kNow - i);
  std::vector<std::string> got[2];
  auto claimer = [&](int who) {
    auto l = node_.shards().shard(0);  // each thread its own connection
    ASSERT_TRUE(l.ok());
    for (int round = 0; round < 1000; ++round) {
      auto claimed = claim_due_timers(**l, kNow, kLease, 7, who + 1);
      ASSERT_TRUE(claimed.ok()) << claimed.error().message();
      if (claimed->empty()) return;
      for (const auto& t : *claimed) got[who].push_back(t.key);
    }
  };
  std::thread a(claimer, 0);
  std::thread b(claimer, 1);
  a.join();
  b.join();
  std::set<std::string> all(got[0].begin(), got[0].end());
  for (const auto& k : got[1]) EXPECT_TRUE(all.insert(k).second) << "timer " << k << " claimed twice";
  EXPECT_EQ(all.size(), static_cast<size_t>(kTimers));
}

TEST_F(TimerStoreTest, CompleteDeletesOnlyWhileTheClaimHolds) {
  schedule("42", kNow);
  auto claimed = claim(kNow);
  ASSERT_EQ(claimed.size(), 1u);
  ClaimedTimer stale = claimed[0];
  stale.token = 999;
  Lease l = lease();
  auto not_mine = complete_timer(*l, stale);
  ASSERT_TRUE(not_mine.ok());
  EXPECT_FALSE(*not_mine);
  EXPECT_EQ(rows(), 1);
  auto done = complete_timer(*l, claimed[0]);
  ASSERT_TRUE(done.ok());
  EXPECT_TRUE(*done);
  EXPECT_EQ(rows(), 0);
}

TEST_F(TimerStoreTest, CompleteAfterARescheduleKeepsTheNewSchedule) {
  schedule("42", kNow);
  auto claimed = claim(kNow);
  ASSERT_EQ(claimed.size(), 1u);
  schedule("42", kNow);  // moved (here: to a time already due) while the handler runs
  auto again = claim(kNow, 64, 8);  // and claimed by another runner: same attempt number
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempt, claimed[0].attempt);
  Lease l = lease();
  auto first = complete_timer(*l, claimed[0]);
  ASSERT_TRUE(first.ok());
  EXPECT_FALSE(*first) << "the first run must not delete the rescheduled timer";
  EXPECT_EQ(rows(), 1);
  auto second = complete_timer(*l, again[0]);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(*second);
  EXPECT_EQ(rows(), 0);
}

TEST_F(TimerStoreTest, FailReleasesForARetryAndKeepsTheAttemptCount) {
  schedule("42", kNow);
  auto claimed = claim(kNow);
  ASSERT_EQ(claimed.size(), 1u);
  Lease l = lease();
  auto failed = fail_timer(*l, claimed[0], kNow + 1000, "payment service down");
  ASSERT_TRUE(failed.ok());
  EXPECT_TRUE(*failed);
  EXPECT_EQ(due_of("42"), kNow + 1000);
  EXPECT_EQ(attempt_of("42"), 1);
  EXPECT_EQ(scalar("SELECT last_error = 'payment service down' FROM bazaar_timers"), 1);
  EXPECT_TRUE(claim(kNow + 999).empty());
  auto retry = claim(kNow + 1000, 64, 8);
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_EQ(retry[0].attempt, 2u);
  EXPECT_EQ(retry[0].due_ms, kNow + 1000);
  auto stale = fail_timer(*l, claimed[0], kNow + 5000, "late");
  ASSERT_TRUE(stale.ok());
  EXPECT_FALSE(*stale) << "an old claim cannot move the timer";
}

TEST_F(TimerStoreTest, AnExpiredLeaseMakesTheTimerDueAgain) {
  schedule("42", kNow);
  auto first = claim(kNow, 64, 1);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_TRUE(claim(kNow + kLease - 1, 64, 2).empty());
  auto second = claim(kNow + kLease, 64, 2);  // the first runner died
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempt, 2u);
  Lease l = lease();
  auto late = complete_timer(*l, first[0]);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(*late);
  EXPECT_EQ(rows(), 1);
}

TEST(TimerBackoffTest, DoublesFromTheMinimumUpToTheCap) {
  EXPECT_EQ(timer_backoff_ms(1, 1000, 300'000), 1000);
  EXPECT_EQ(timer_backoff_ms(2, 1000, 300'000), 2000);
  EXPECT_EQ(timer_backoff_ms(5, 1000, 300'000), 16'000);
  EXPECT_EQ(timer_backoff_ms(9, 1000, 300'000), 256'000);
  EXPECT_EQ(timer_backoff_ms(10, 1000, 300'000), 300'000);
  EXPECT_EQ(timer_backoff_ms(4'000'000'000u, 1000, 300'000), 300'000);
  EXPECT_EQ(timer_backoff_ms(0, 1000, 300'000), 1000);
}

}  // namespace
}  // namespace bazaar::host
