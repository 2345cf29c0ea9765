#include "services/timers/timer_runner.h"
#include "test_support/temp_dir.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "services/storage/migrations.h"
#include "services/storage/transaction.h"

namespace bazaar::host {
namespace {

constexpr int64_t kStart = 1'700'000'000'000;
constexpr int64_t kBackoffMin = 1000;
constexpr int64_t kBackoffMax = 8000;

using test_support::TempDir;

// Handlers registered per (plugin, kind); records every call.
class FakeHandlers final : public TimerHandlers {
 public:
  using Fn = std::function<TimerOutcome(const bz_timer&)>;
  struct Call {
    std::string plugin, kind, key, payload;
    int64_t due_ms;
    uint32_t shard, attempt;
  };

  void on(std::string plugin, std::string kind, Fn fn) {
    std::lock_guard lock(mu_);
    fns_[{std::move(plugin), std::move(kind)}] = std::move(fn);
  }
  TimerOutcome run(std::string_view plugin, const bz_timer& t) override {
    Fn fn;
    {
      std::lock_guard lock(mu_);
      calls_.push_back({std::string(plugin), std::string(t.kind.data, t.kind.len),
                        std::string(t.key.data, t.key.len), std::string(t.payload.data, t.payload.len),
                        t.due_ms, t.shard, t.attempt});
      auto it = fns_.find({std::string(plugin), std::string(t.kind.data, t.kind.len)});
      if (it == fns_.end()) return {TimerOutcome::Kind::kNoHandler, {}};
      fn = it->second;
    }
    return fn(t);
  }
  std::vector<Call> calls() const {
    std::lock_guard lock(mu_);
    return calls_;
  }

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::string>, Fn> fns_;
  std::vector<Call> calls_;
};

TimerOutcome ok() { return {TimerOutcome::Kind::kDone, {}}; }

class TimerRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    shards_ = open_shards();
    Status migrated = migrate_node(*shards_, dir_.path() + "/no-schema", {}, kStart);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message();
    auto m = SharedMetrics::create(256);
    ASSERT_TRUE(m.ok());
    metrics_ = std::make_unique<SharedMetrics>(std::move(*m));
    log_fd_ = open("/dev/null", O_WRONLY | O_CLOEXEC);
    logger_ = std::make_unique<Logger>(log_fd_, BZ_LOG_ERROR, "test");
  }
  void TearDown() override {
    if (log_fd_ >= 0) close(log_fd_);
  }

  std::unique_ptr<ShardSet> open_shards() {
    ShardSetOptions options;
    options.dir = dir_.path();
    options.shard_count = 2;
    options.shard_synchronous = Synchronous::kNormal;
    options.meta_synchronous = Synchronous::kNormal;
    return std::make_unique<ShardSet>(options, DatabaseStats{});
  }

  // A runner on `shards`, owning a FakeHandlers that the returned pointer reaches.
  std::unique_ptr<TimerRunner> runner(FakeHandlers** handlers, ShardSet* shards = nullptr,
                                      int64_t lease_ms = 60'000) {
    auto fake = std::make_unique<FakeHandlers>();
    *handlers = fake.get();
    TimerRunnerOptions options;
    options.poll_ms = 250;
    options.lease_ms = lease_ms;
    options.backoff_min_ms = kBackoffMin;
    options.backoff_max_ms = kBackoffMax;
    options.batch = 4;
    options.round_budget_ms = 60'000;  // tests drive rounds themselves
    return std::make_unique<TimerRunner>(shards != nullptr ? *shards : *shards_, clock_, *logger_,
                                         metrics_.get(), std::move(fake), options);
  }

  Lease lease(uint32_t shard) {
    auto l = shard == BZ_SHARD_META ? shards_->meta() : shards_->shard(shard);
    EXPECT_TRUE(l.ok());
    return std::move(*l);
  }

  void schedule(uint32_t shard, std::string_view plugin, std::string_view kind,
                std::string_view key, int64_t due, std::string_view payload = "{}") {
    Lease l = lease(shard);
    auto txn = Transaction::begin(*l, TxnMode::kWrite);
    ASSERT_TRUE(txn.ok());
    Status s = schedule_timer(*l, plugin, kind, key, due, payload);
    ASSERT_TRUE(s.ok()) << s.error().message();
    ASSERT_TRUE(txn->commit().ok());
  }

  int64_t scalar(uint32_t shard, const std::string& sql) {
    Lease l = lease(shard);
    auto stmt = l->prepare(sql);
    EXPECT_TRUE(stmt.ok());
    int64_t v = sqlite3_step(*stmt) == SQLITE_ROW ? sqlite3_column_int64(*stmt, 0) : -1;
    sqlite3_reset(*stmt);
    return v;
  }
  std::string text(uint32_t shard, const std::string& sql) {
    Lease l = lease(shard);
    auto stmt = l->prepare(sql);
    EXPECT_TRUE(stmt.ok());
    std::string v;
    if (sqlite3_step(*stmt) == SQLITE_ROW && sqlite3_column_text(*stmt, 0) != nullptr) {
      v = reinterpret_cast<const char*>(sqlite3_column_text(*stmt, 0));
    }
    sqlite3_reset(*stmt);
    return v;
  }
  int64_t pending() {
    int64_t n = 0;
    for (uint32_t s : {0u, 1u, BZ_SHARD_META}) n += scalar(s, "SELECT COUNT(*) FROM bazaar_timers");
    return n;
  }
  uint64_t runs(const std::string& plugin, const std::string& kind, const std::string& result) {
    return metrics_
        ->counter("bazaar_timers_run_total", SharedMetrics::label("plugin", plugin) + "," +
                                                 SharedMetrics::label("kind", kind) + "," +
                                                 SharedMetrics::label("result", result))
        .value();
  }

  TempDir dir_;
  ManualClock clock_{kStart};
  std::unique_ptr<ShardSet> shards_;
  std::unique_ptr<SharedMetrics> metrics_;
  int log_fd_ = -1;
  std::unique_ptr<Logger> logger_;
};

TEST_F(TimerRunnerTest, RunsDueTimersOnEveryDatabaseAndLeavesTheRestWaiting) {
  FakeHandlers* fake = nullptr;
  auto r = runner(&fake);
  fake->on("orders", "payment_timeout", [](const bz_timer&) { return ok(); });
  schedule(0, "orders", "payment_timeout", "a", kStart - 5, R"({"order":1})");
  schedule(1, "orders", "payment_timeout", "b", kStart);
  schedule(BZ_SHARD_META, "orders", "payment_timeout", "m", kStart - 1);
  schedule(1, "orders", "payment_timeout", "later", kStart + 3'600'000);

  EXPECT_EQ(r->run_once(), 250) << "nothing more to do: wait a poll interval";
  auto calls = fake->calls();
  ASSERT_EQ(calls.size(), 3u);
  std::map<std::string, FakeHandlers::Call> by_key;
  for (const auto& c : calls) by_key.emplace(c.key, c);
  EXPECT_EQ(by_key.at("a").shard, 0u);
  EXPECT_EQ(by_key.at("a").payload, R"({"order":1})");
  EXPECT_EQ(by_key.at("a").due_ms, kStart - 5);
  EXPECT_EQ(by_key.at("a").attempt, 1u);
  EXPECT_EQ(by_key.at("b").shard, 1u);
  EXPECT_EQ(by_key.at("m").shard, BZ_SHARD_META);
  EXPECT_EQ(pending(), 1);
  EXPECT_EQ(runs("orders", "payment_timeout", "ok"), 3u);

  r->run_once();
  EXPECT_EQ(fake->calls().size(), 3u) << "a timer not yet due must wait";
  clock_.advance(3'600'000);
  r->run_once();
  ASSERT_EQ(fake->calls().size(), 4u);
  EXPECT_EQ(fake->calls().back().key, "later");
  EXPECT_EQ(pending(), 0);
}

TEST_F(TimerRunnerTest, AFullBatchAsksForAnotherRoundAtOnce) {
  FakeHandlers* fake = nullptr;
  auto r = runner(&fake);
  fake->on("orders", "expire", [](const bz_timer&) { return ok(); });
  for (int i = 0; i < 10; ++i) schedule(0, "orders", "expire", std::to_string(i), kStart - i);
  EXPECT_EQ(r->run_once(), 0);
  EXPECT_EQ(fake->calls().size(), 4u);
  EXPECT_EQ(fake->calls()[0].key, "9") << "oldest first";
  EXPECT_EQ(r->run_once(), 0);
  EXPECT_EQ(r->run_once(), 250);
  EXPECT_EQ(fake->calls().size(), 10u);
  EXPECT_EQ(pending(), 0);
}

TEST_F(TimerRunnerTest, AFailingHandlerIsRetriedWithBackoffUntilItSucceeds) {
  FakeHandlers* fake = nullptr;
  auto r = runner(&fake);
  int failures_left = 4;
  fake->on("orders", "expire", [&](const bz_timer&) -> TimerOutcome {
    if (failures_left-- > 0) return {TimerOutcome::Kind::kFailed, "stock service unavailable"};
    return ok();
  });
  schedule(0, "orders", "expire", "42", kStart);

  // attempt n fails -> due again min * 2^(n-1) later (capped at kBackoffMax)
  const int64_t delays[] = {1000, 2000, 4000, 8000};
  for (uint32_t attempt = 1; attempt <= 4; ++attempt) {
    r->run_once();
    ASSERT_EQ(fake->calls().size(), attempt);
    EXPECT_EQ(fake->calls().back().attempt, attempt);
    int64_t delay = delays[attempt - 1];
    EXPECT_EQ(scalar(0, "SELECT due_ms FROM bazaar_timers"), clock_.now_ms() + delay);
    EXPECT_EQ(text(0, "SELECT last_error FROM bazaar_timers"), "stock service unavailable");
    clock_.advance(delay - 1);
    r->run_once();
    EXPECT_EQ(fake->calls().size(), attempt) << "ran before its back-off ended";
    clock_.advance(1);
  }
  r->run_once();
  ASSERT_EQ(fake->calls().size(), 5u);
  EXPECT_EQ(fake->calls().back().attempt, 5u);
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(runs("orders", "expire", "failed"), 4u);
  EXPECT_EQ(runs("orders", "expire", "ok"), 1u);
}

TEST_F(TimerRunnerTest, ATimerWithoutAHandlerStaysPendingWithTheReason) {
  FakeHandlers* fake = nullptr;
  auto r = runner(&fake);
  schedule(1, "ghost", "haunt", "1", kStart);
  r->run_once();
  EXPECT_EQ(pending(), 1);
  EXPECT_NE(text(1, "SELECT last_error FROM bazaar_timers").find("no handler"), std::string::npos);
  EXPECT_EQ(scalar(1, "SELECT due_ms FROM bazaar_timers"), kStart + kBackoffMin);
  EXPECT_EQ(runs("ghost", "haunt", "no_handler"), 1u);

  // The plugin arrives (a reload): the timer runs.
  fake->on("ghost", "haunt", [](const bz_timer&) { return ok(); });
  clock_.advance(kBackoffMin);
  r->run_once();
  EXPECT_EQ(pending(), 0);
  EXPECT_EQ(fake->calls().back().attempt, 2u);
}

TEST_F(TimerRunnerTest, AHandlerThatReschedulesItsOwnTimerKeepsTheNewSchedule) {
  FakeHandlers* fake = nullptr;
  auto r = runner(&fake);
  fake->on("orders", "tick", [&](const bz_timer& t) {
    Lease l = lease(t.shard);
    auto txn = Transaction::begin(*l, TxnMode::kWrite);
    if (!txn.ok()) return TimerOutcome{TimerOutcome::Kind::kFailed, "begin"};
    Status s = schedule_timer(*l, "orders", "tick", std::string_view(t.key.data, t.key.len),
                              t.due_ms + 60'000, "{}");
    if (!s.ok() || !txn->commit().ok()) return TimerOutcome{TimerOutcome::Kind::kFailed, "write"};
    return ok();
  });
  schedule(0, "orders", "tick", "every_minute", kStart);
  r->run_once();
  EXPECT_EQ(fake->calls().size(), 1u);
  EXPECT_EQ(pending(), 1);
  EXPECT_EQ(scalar(0, "SELECT due_ms FROM bazaar_timers"), kStart + 60'000);
  EXPECT_EQ(scalar(0, "SELECT attempt FROM bazaar_timers"), 0);
  clock_.advance(60'000);
  r->run_once();
  EXPECT_EQ(fake->calls().size(), 2u);
  EXPECT_EQ(scalar(0, "SELECT due_ms FROM bazaar_timers"), kStart + 120'000);
}

TEST_F(TimerRunnerTest, TwoRunnersNeverRunOneTimerTwice) {
  // Two runners on their own connections, as an old and a new background
  // worker during a rolling reload.
  auto other_shards = open_shards();
  FakeHandlers* fake_a = nullptr;
  FakeHandlers* fake_b = nullptr;
  auto a = runner(&fake_a);
  auto b = runner(&fake_b, other_shards.get());
  std::mutex mu;
  std::set<std::string> running;
  std::map<std::string, int> ran;
  std::atomic<bool> overlap{false};
  auto handler = [&](const bz_timer& t) {
    std::string key(t.key.data, t.key.len);
    {
      std::lock_guard lock(mu);
      if (!running.insert(key).second) overlap = true;
      ++ran[key];
    }
    std::this_thread::yield();
    std::lock_guard lock(mu);
    running.erase(key);
    return ok();
  };
  fake_a->on("orders", "expire", handler);
  fake_b->on("orders", "expire", handler);
  constexpr int kTimers = 120;
  for (int i = 0; i < kTimers; ++i) {
    schedule(static_cast<uint32_t>(i % 2), "orders", "expire", std::to_string(i), kStart - i);
  }
  auto drive = [&](TimerRunner* r) {
    for (int round = 0; round < 500 && pending() > 0; ++round) r->run_once();
  };
  std::thread ta(drive, a.get());
  std::thread tb(drive, b.get());
  ta.join();
  tb.join();
  EXPECT_FALSE(overlap.load());
  EXPECT_EQ(pending(), 0);
  ASSERT_EQ(ran.size(), static_cast<size_t>(kTimers));
  for (const auto& [key, n] : ran) EXPECT_EQ(n, 1) << "timer " << key;
  EXPECT_GT(fake_a->calls().size() + fake_b->calls().size(), 0u);
}

TEST_F(TimerRunnerTest, ATimerWhoseRunnerDiedRunsAgainAfterTheLease) {
  FakeHandlers* fake = nullptr;
  auto r = runner(&fake, nullptr, 30'000);
  fake->on("orders", "expire", [](const bz_timer&) { return ok(); });
  schedule(0, "orders", "expire", "42", kStart);
  {
    // A runner that claimed and then died before completing.
    Lease l = lease(0);
    auto claimed = claim_due_timers(*l, kStart, 30'000, 10, 12345);
    ASSERT_TRUE(claimed.ok());
    ASSERT_EQ(claimed->size(), 1u);
  }
  r->run_once();
  EXPECT_TRUE(fake->calls().empty()) << "claimed by another runner whose lease still holds";
  clock_.advance(30'000);
  r->run_once();
  ASSERT_EQ(fake->calls().size(), 1u);
  EXPECT_EQ(fake->calls()[0].attempt, 2u);
  EXPECT_EQ(pending(), 0);
}

TEST_F(TimerRunnerTest, RecordsHowLateTimersRan) {
  FakeHandlers* fake = nullptr;
  auto r = runner(&fake);
  fake->on("orders", "expire", [](const bz_timer&) { return ok(); });
  schedule(0, "orders", "expire", "42", kStart - 3000);
  r->run_once();
  std::string page = metrics_->render();
  EXPECT_NE(page.find("bazaar_timer_lag_seconds_count 1"), std::string::npos) << page;
  EXPECT_NE(page.find("bazaar_timer_lag_seconds_sum 3"), std::string::npos) << page;
}

}  // namespace
}  // namespace bazaar::host
