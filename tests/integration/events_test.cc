// Events over the real bus: outbox -> relay -> master proxy -> consumer with
// inbox, gap replay and cursors, while the background worker is SIGKILLed.
#include <gtest/gtest.h>

#include <cstdlib>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>
#include <vector>

#include "stack.h"

namespace bazaar::testing {
namespace {

using nlohmann::json;

// A stack with the fxev fixture plugin. Durability is the storage test's
// subject, not this file's: shards sync NORMAL.
std::unique_ptr<Stack> fxev_stack() {
  StackOptions options;
  options.plugins = {"fxev"};
  options.shard_sync_normal = true;
  return Stack::start(options);
}

json stats(const Stack& stack) {
  HttpResult r = stack.get("/api/v1/fxev/stats");
  return r.status == 200 ? json::parse(r.body) : json::object();
}

int64_t applied(const Stack& stack) { return stats(stack).value("applied", int64_t{-1}); }

bool publish(const Stack& stack, const std::string& topic, int count, int key) {
  HttpResult r = stack.post("/api/v1/fxev/publish",
                            json{{"topic", topic}, {"count", count}, {"key", key}}.dump());
  return r.status == 200;
}

// (origin shard, seq) of every applied tick, ordered by when it was applied.
std::map<int64_t, std::vector<int64_t>> application_order(const Stack& stack) {
  std::vector<std::tuple<int64_t, int64_t, int64_t>> rows;  // applied_ns, origin, seq
  for (int s = 0; s < 8; ++s) {
    char file[64];
    snprintf(file, sizeof(file), "/data/shard-%03d.db", s);
    sqlite3* db = nullptr;
    if (sqlite3_open_v2((stack.dir() + file).c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
      ADD_FAILURE() << "cannot open " << file;
      sqlite3_close(db);
      continue;
    }
    sqlite3_stmt* stmt = nullptr;
    sqlite3_prepare_v2(db, "SELECT applied_ns, origin_shard, seq FROM fxev_applied", -1, &stmt, nullptr);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      rows.emplace_back(sqlite3_column_int64(stmt, 0), sqlite3_column_int64(stmt, 1),
                        sqlite3_column_int64(stmt, 2));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
  }
  std::sort(rows.begin(), rows.end());
  std::map<int64_t, std::vector<int64_t>> by_origin;
  for (const auto& [ns, origin, seq] : rows) by_origin[origin].push_back(seq);
  return by_origin;
}

TEST(EventsTest, TenThousandEventsApplyExactlyOnceInOrderWhileTheConsumerIsKilled) {
  auto stack = fxev_stack();
  ASSERT_NE(stack, nullptr);

  // 100 batches of 100 events over 25 keys (so several per origin shard), from 4 threads.
  std::atomic<int> batches{0};
  std::atomic<int> failed{0};
  std::vector<std::thread> publishers;
  for (int t = 0; t < 4; ++t) {
    publishers.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        if (!publish(*stack, "fxev.tick.", 100, (t * 25 + i) % 25)) ++failed;
        ++batches;
      }
    });
  }
  // Kill the consumer three times mid-stream, each time after it made progress.
  int64_t last = 0;
  for (int kill_round = 0; kill_round < 3; ++kill_round) {
    ASSERT_TRUE(eventually([&] { return applied(*stack) > last + 200; }, 60000)) << "no progress";
    pid_t victim = stack->background_pid();
    ASSERT_GT(victim, 0);
    ASSERT_EQ(kill(victim, SIGKILL), 0);
    ASSERT_TRUE(eventually([&] {
      pid_t next = stack->background_pid();
      return next > 0 && next != victim;
    }, 20000)) << "background worker not replaced";
    last = applied(*stack);
  }
  for (auto& p : publishers) p.join();
  ASSERT_EQ(failed.load(), 0);

  EXPECT_TRUE(eventually([&] { return applied(*stack) == 10000; }, 120000))
      << "applied " << applied(*stack) << " of 10000";
  EXPECT_EQ(applied(*stack), 10000);  // and not more: each applied once

  for (const auto& [origin, seqs] : application_order(*stack)) {
    EXPECT_TRUE(std::is_sorted(seqs.begin(), seqs.end())) << "origin " << origin << " out of order";
  }
  HttpResult metrics = stack->get("/metrics");
  EXPECT_NE(metrics.body.find("bazaar_worker_crashes_total{role=\"background\"} 3"), std::string::npos)
      << metrics.body;
}

// One number from one shard file, or -1.
int64_t shard_scalar(const Stack& stack, int shard, const char* sql) {
  char file[64];
  snprintf(file, sizeof(file), "/data/shard-%03d.db", shard);
  sqlite3* db = nullptr;
  int64_t out = -1;
  if (sqlite3_open_v2((stack.dir() + file).c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_busy_timeout(db, 5000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
      out = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

// The relay saves its position at most every 250 ms while events flow; once
// it has caught up it saves at once, so a restarted relay sends nothing again.
TEST(EventsTest, ACaughtUpRelayHasSavedHowFarItGot) {
  auto stack = fxev_stack();
  ASSERT_NE(stack, nullptr);
  for (int key = 0; key < 16; ++key) ASSERT_TRUE(publish(*stack, "fxev.tick.", 50, key));
  ASSERT_TRUE(eventually([&] { return applied(*stack) == 800; }, 60000)) << applied(*stack);
  int shards_with_events = 0;
  for (int s = 0; s < 8; ++s) {
    const int64_t last = shard_scalar(*stack, s, "SELECT coalesce(max(seq), 0) FROM bazaar_outbox");
    if (last > 0) ++shards_with_events;
    EXPECT_TRUE(eventually([&] {
      return shard_scalar(*stack, s, "SELECT published_seq FROM bazaar_outbox_relay") == last;
    }, 10000)) << "shard " << s << ": published_seq "
               << shard_scalar(*stack, s, "SELECT published_seq FROM bazaar_outbox_relay") << ", last seq " << last;
  }
  EXPECT_GT(shards_with_events, 1);
}

// Outbox and inbox rows are kept event_retention_s (72 h), then purged by the
// background worker: every published row but each database's newest one, and
// every inbox row of an event older than the window plus an hour. Events
// published afterwards go on with the next seq and are applied as before.
TEST(EventsTest, EventsOlderThanTheRetentionArePurgedAndSeqsGoOn) {
  StackOptions options;
  options.plugins = {"fxev"};
  options.shard_sync_normal = true;
  options.test_clock = true;
  setenv("EVENT_RETENTION_POLL_MS", "50", 1);
  auto stack = Stack::start(options);
  unsetenv("EVENT_RETENTION_POLL_MS");
  ASSERT_NE(stack, nullptr);
  for (int key = 0; key < 16; ++key) ASSERT_TRUE(publish(*stack, "fxev.tick.", 20, key));
  ASSERT_TRUE(eventually([&] { return applied(*stack) == 320; }, 60000)) << applied(*stack);
  auto sum = [&](const char* sql) {
    int64_t total = 0;
    for (int s = 0; s < 8; ++s) total += shard_scalar(*stack, s, sql);
    return total;
  };
  std::vector<int64_t> last_seq(8);
  auto idx = [](int shard) { return static_cast<size_t>(shard); };
  int shards_with_events = 0;
  for (int s = 0; s < 8; ++s) {
    last_seq[idx(s)] = shard_scalar(*stack, s, "SELECT coalesce(max(seq), 0) FROM bazaar_outbox");
    if (last_seq[idx(s)] > 0) ++shards_with_events;
  }
  ASSERT_EQ(sum("SELECT count(*) FROM bazaar_outbox"), 320);
  const int64_t inbox_rows = sum("SELECT count(*) FROM bazaar_inbox");
  ASSERT_GT(inbox_rows, 0);

  std::string out;
  ASSERT_EQ(stack->ctl("clock-offset " + std::to_string(74LL * 3600 * 1000), &out), 0) << out;
  EXPECT_TRUE(eventually([&] { return sum("SELECT count(*) FROM bazaar_outbox") == shards_with_events; },
                         30000))
      << sum("SELECT count(*) FROM bazaar_outbox") << " outbox rows left";
  EXPECT_TRUE(eventually([&] { return sum("SELECT count(*) FROM bazaar_inbox") == 0; }, 30000))
      << sum("SELECT count(*) FROM bazaar_inbox") << " inbox rows left";
  for (int s = 0; s < 8; ++s) {
    EXPECT_EQ(shard_scalar(*stack, s, "SELECT coalesce(max(seq), 0) FROM bazaar_outbox"), last_seq[idx(s)])
        << "shard " << s << " keeps its newest row";
  }
  HttpResult metrics = stack->get("/metrics");
  EXPECT_NE(metrics.body.find("bazaar_events_purged_total{table=\"outbox\"} " +
                              std::to_string(320 - shards_with_events) + "\n"),
            std::string::npos)
      << metrics.body;

  for (int key = 0; key < 16; ++key) ASSERT_TRUE(publish(*stack, "fxev.tick.", 1, key));
  ASSERT_TRUE(eventually([&] { return applied(*stack) == 336; }, 60000)) << applied(*stack);
  for (int s = 0; s < 8; ++s) {  // the new rows follow the kept one: no seq reused, no gap
    const std::string after = " FROM bazaar_outbox WHERE seq > " + std::to_string(last_seq[idx(s)]);
    const int64_t added = shard_scalar(*stack, s, ("SELECT count(*)" + after).c_str());
    if (added == 0) continue;
    EXPECT_EQ(shard_scalar(*stack, s, ("SELECT min(seq)" + after).c_str()), last_seq[idx(s)] + 1) << s;
    EXPECT_EQ(shard_scalar(*stack, s, ("SELECT max(seq)" + after).c_str()), last_seq[idx(s)] + added) << s;
  }
}

TEST(EventsTest, ALateConsumerCatchesUpByReplay) {
  auto stack = fxev_stack();
  ASSERT_NE(stack, nullptr);
  for (int key = 0; key < 5; ++key) ASSERT_TRUE(publish(*stack, "fxev.tick.", 100, key));
  ASSERT_TRUE(eventually([&] { return applied(*stack) == 500; }, 60000));

  stack->install_plugin("fxlate");
  std::string out;
  ASSERT_EQ(stack->ctl("reload", &out), 0) << out;
  auto late_count = [&] {
    HttpResult r = stack->get("/api/v1/fxlate/count");
    return r.status == 200 ? json::parse(r.body).value("applied", -1) : -1;
  };
  EXPECT_TRUE(eventually([&] { return late_count() == 500; }, 60000)) << late_count();
  HttpResult metrics = stack->get("/metrics");
  EXPECT_EQ(metrics.body.find("bazaar_events_replayed_total 0\n"), std::string::npos)
      << "the late consumer can only have seen the events by replay";
  EXPECT_EQ(applied(*stack), 500) << "the first consumer must not apply anything twice";
}

TEST(EventsTest, APrefixSubscriptionNeverSeesALongerTopicName) {
  auto stack = fxev_stack();
  ASSERT_NE(stack, nullptr);
  // Same key, so one origin: the m12 events come before the m1 ones in its sequence.
  ASSERT_TRUE(publish(*stack, "m12.x.", 5, 9));
  ASSERT_TRUE(publish(*stack, "m12.", 5, 9));
  ASSERT_TRUE(publish(*stack, "m1.x.", 3, 9));
  ASSERT_TRUE(publish(*stack, "m1.", 1, 9));
  ASSERT_TRUE(eventually([&] { return stats(*stack).value("m1_seen", 0) == 4; }, 30000));
  EXPECT_EQ(stats(*stack).value("m12_leaks", -1), 0);

  // Topics are validated at publish time: no delimiter, no event, no row.
  HttpResult bad = stack->post("/api/v1/fxev/publish", R"({"topic":"m1","count":1,"key":9})");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("BAD_EVENT"), std::string::npos);
}

TEST(EventsTest, ASignalReachesEveryWorker) {
  auto stack = fxev_stack();  // 2 request workers + 1 background worker
  ASSERT_NE(stack, nullptr);
  auto workers_that_heard = [&] {
    return shard_scalar(*stack, 0, "SELECT count(DISTINCT pid) FROM fxev_signals WHERE topic = 'fxev.cfg.rules.'");
  };
  // Signals are best effort (a subscriber still connecting misses one), so the
  // sender repeats the hint until every worker has acted on it, as a real
  // sender's periodic reconciliation would.
  EXPECT_TRUE(eventually([&] {
    stack->post("/api/v1/fxev/signal", R"({"topic":"fxev.cfg.rules."})");
    return workers_that_heard() == 3;
  }, 20000)) << workers_that_heard();
  HttpResult bad = stack->post("/api/v1/fxev/signal", R"({"topic":"no-delimiter"})");
  EXPECT_EQ(bad.status, 400) << bad.body;
}

}  // namespace
}  // namespace bazaar::testing
