// Plugins built against an older ABI minor keep receiving events, signals and
// timers in the layout they were compiled with. ABI 1.4 put an abi_version /
// struct_size header in front of bz_event and bz_timer; the fixtures fxabi13
// (tests/fixtures/plugins/fx_abi_plugin.c built against the frozen 1.3 header)
// and fxabi14 (the same source, current header) record every field as they
// read it, and these tests compare them with what the host actually sent: the
// outbox rows for events, the scheduling answer for timers.
#include <bazaar/plugin.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stack.h"

namespace bazaar::testing {
namespace {

using nlohmann::json;

constexpr int kShards = 8;  // conf/bazaar.conf.in
const std::vector<std::string> kPlugins = {"fxabi13", "fxabi14"};

int64_t wall_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

// The header a plugin recorded: none for the 1.3 build, the host's for 1.4.
void expect_header(const std::string& plugin, const json& row, size_t struct_size) {
  if (plugin == "fxabi13") {
    EXPECT_EQ(row["abi_version"], 0) << row;
    EXPECT_EQ(row["struct_size"], 0) << row;
  } else {
    EXPECT_EQ(row["abi_version"], BZ_ABI_VERSION) << row;
    EXPECT_EQ(row["struct_size"], struct_size) << row;
  }
}

struct OutboxEvent {
  int64_t id = 0;
  int64_t origin_shard = 0;
  int64_t sequence = 0;
  std::string topic;
  std::string payload;
  int64_t created_ms = 0;
};

// Every event of `topic` in the shards' outboxes: what the host published.
std::vector<OutboxEvent> outbox_events(const Stack& stack, const std::string& topic) {
  std::vector<OutboxEvent> out;
  for (int s = 0; s < kShards; ++s) {
    char file[64];
    snprintf(file, sizeof(file), "/data/shard-%03d.db", s);
    sqlite3* db = nullptr;
    sqlite3_open_v2((stack.dir() + file).c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_busy_timeout(db, 2000);
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, "SELECT id, seq, topic, payload, created_ms FROM bazaar_outbox WHERE topic = ?",
                           -1, &stmt, nullptr) == SQLITE_OK) {
      sqlite3_bind_text(stmt, 1, topic.c_str(), -1, SQLITE_TRANSIENT);
      while (sqlite3_step(stmt) == SQLITE_ROW) {
        out.push_back({sqlite3_column_int64(stmt, 0), s, sqlite3_column_int64(stmt, 1),
                       reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2)),
                       reinterpret_cast<const char*>(sqlite3_column_text(stmt, 3)),
                       sqlite3_column_int64(stmt, 4)});
      }
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
  }
  return out;
}

class AbiCompatTest : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("TIMER_POLL_MS", "50", 1);  // rendered into timer_poll_ms by scripts/stack.sh
    StackOptions options;
    options.plugins = {"fxev", "fxabi13", "fxabi14"};
    options.shard_sync_normal = true;
    stack_ = Stack::start(options);
    unsetenv("TIMER_POLL_MS");
    ASSERT_NE(stack_, nullptr);
  }

  // The plugin's rows of one kind: "received" (filtered by via) or "timers".
  std::vector<json> rows(const std::string& plugin, const std::string& table,
                         const std::string& via = "") {
    HttpResult r = stack_->get("/api/v1/" + plugin + "/received");
    EXPECT_EQ(r.status, 200) << r.body;
    json doc = json::parse(r.body, nullptr, false);
    std::vector<json> out;
    if (!doc.is_object()) return out;
    for (const json& row : doc[table]) {
      if (via.empty() || row["via"] == via) out.push_back(row);
    }
    return out;
  }

  std::unique_ptr<Stack> stack_;
};

TEST_F(AbiCompatTest, EachPluginReadsEveryEventFieldInItsOwnLayout) {
  for (int key : {5, 6}) {
    HttpResult r = stack_->post("/api/v1/fxev/publish",
                                json{{"topic", "fxev.tick."}, {"count", 3}, {"key", key}}.dump());
    ASSERT_EQ(r.status, 200) << r.body;
  }
  std::vector<OutboxEvent> sent = outbox_events(*stack_, "fxev.tick.");
  ASSERT_EQ(sent.size(), 6u);
  for (const std::string& plugin : kPlugins) {
    ASSERT_TRUE(eventually([&] { return rows(plugin, "received", "event").size() == sent.size(); }, 20000))
        << plugin << " received " << rows(plugin, "received", "event").size();
    std::vector<json> got = rows(plugin, "received", "event");
    for (const OutboxEvent& e : sent) {
      const json* row = nullptr;
      for (const json& g : got) {
        if (g["id"] == e.id) row = &g;
      }
      ASSERT_NE(row, nullptr) << plugin << " never saw event " << e.id;
      EXPECT_EQ((*row)["topic"], e.topic) << plugin;
      EXPECT_EQ((*row)["payload"], e.payload) << plugin;
      EXPECT_EQ((*row)["origin_shard"], e.origin_shard) << plugin;
      EXPECT_EQ((*row)["sequence"], e.sequence) << plugin;
      EXPECT_EQ((*row)["created_ms"], e.created_ms) << plugin;
      expect_header(plugin, *row, sizeof(bz_event));
    }
  }
}

TEST_F(AbiCompatTest, EachPluginReadsSignalsInItsOwnLayout) {
  const int64_t before = wall_ms();
  // Signals are best effort (a worker still subscribing misses one): send
  // again until both plugins have heard one.
  ASSERT_TRUE(eventually(
      [&] {
        HttpResult sent = stack_->post("/api/v1/fxev/signal", R"({"topic":"fxabi.sig.hello."})");
        EXPECT_EQ(sent.status, 200) << sent.body;
        return eventually(
            [&] {
              return !rows("fxabi13", "received", "signal").empty() &&
                     !rows("fxabi14", "received", "signal").empty();
            },
            1000);
      },
      20000));
  for (const std::string& plugin : kPlugins) {
    json row = rows(plugin, "received", "signal").front();
    EXPECT_EQ(row["topic"], "fxabi.sig.hello.");
    json payload = json::parse(row["payload"].get<std::string>(), nullptr, false);
    EXPECT_TRUE(payload.is_object() && payload["from"].is_number_integer()) << row;
    EXPECT_EQ(row["id"], 0);
    EXPECT_EQ(row["origin_shard"], 0);
    EXPECT_EQ(row["sequence"], 0);
    EXPECT_GE(row["created_ms"].get<int64_t>(), before) << row;
    EXPECT_LE(row["created_ms"].get<int64_t>(), wall_ms()) << row;
    expect_header(plugin, row, sizeof(bz_event));
  }
}

TEST_F(AbiCompatTest, EachPluginReadsEveryTimerFieldInItsOwnLayout) {
  struct Scheduled {
    std::string plugin;
    std::string key;
    int shard;
    std::string payload;
    int64_t due_ms = 0;
  };
  std::vector<Scheduled> timers;
  for (const std::string& plugin : kPlugins) {
    timers.push_back({plugin, "once-" + plugin, 3, R"({"n":1,"text":"a \"quoted\" word"})"});
    timers.push_back({plugin, "again-" + plugin, 5, R"({"n":2})"});  // fails its first attempt
  }
  for (Scheduled& t : timers) {
    HttpResult r = stack_->post("/api/v1/" + t.plugin + "/timers/" + std::to_string(t.shard) + "/" + t.key,
                                t.payload);
    ASSERT_EQ(r.status, 201) << r.body;
    t.due_ms = json::parse(r.body)["due_ms"].get<int64_t>();
  }
  for (const std::string& plugin : kPlugins) {
    ASSERT_TRUE(eventually([&] { return rows(plugin, "timers").size() == 2; }, 30000))
        << plugin << " ran " << rows(plugin, "timers").size() << " of 2 timers";
  }
  for (const Scheduled& t : timers) {
    std::vector<json> got = rows(t.plugin, "timers");
    const json* row = nullptr;
    for (const json& g : got) {
      if (g["key"] == t.key) row = &g;
    }
    ASSERT_NE(row, nullptr) << t.key;
    EXPECT_EQ((*row)["kind"], "ping");
    EXPECT_EQ((*row)["payload"], t.payload);
    EXPECT_EQ((*row)["shard"], t.shard);
    if (t.key.starts_with("again")) {
      // due_ms is when this attempt was due: the retry's, at least the
      // back-off (timer_backoff_min_ms, 1 s) after the first.
      EXPECT_EQ((*row)["attempt"], 2);
      EXPECT_GE((*row)["due_ms"].get<int64_t>(), t.due_ms + 1000) << *row;
      EXPECT_LE((*row)["due_ms"].get<int64_t>(), wall_ms()) << *row;
    } else {
      EXPECT_EQ((*row)["attempt"], 1);
      EXPECT_EQ((*row)["due_ms"], t.due_ms);
    }
    expect_header(t.plugin, *row, sizeof(bz_timer));
  }
}

}  // namespace
}  // namespace bazaar::testing
