// Plugin storage through the real stack: shard routing by user, ids that name
// their shard, concurrent writers, durability of acknowledged writes across a
// SIGKILLed worker, and migrations that fail without changing anything.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <atomic>
#include <fstream>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>
#include <vector>

#include "stack.h"

namespace bazaar::testing {
namespace {

using nlohmann::json;

std::vector<std::pair<std::string, std::string>> auth(const Stack& s, long long user) {
  return {{"Authorization", "Bearer " + s.token("user", user)}};
}

// Runs one query on a database file and returns the first column of the first row.
std::string query_file(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  std::string out;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_stmt* stmt = nullptr;
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
  }
  sqlite3_close(db);
  return out;
}

// A count(*) query summed over the stack's 8 shard files.
long count_over_shards(const Stack& stack, const std::string& sql) {
  long total = 0;
  for (int s = 0; s < 8; ++s) {
    char file[64];
    snprintf(file, sizeof(file), "/data/shard-%03d.db", s);
    total += std::stol(query_file(stack.dir() + file, sql));
  }
  return total;
}

TEST(StorageTest, NotesLiveOnTheAuthorsShardAndOnlyTheAuthorReadsThem) {
  auto stack = Stack::start();
  ASSERT_NE(stack, nullptr);
  auto alice = auth(*stack, 1001);
  HttpResult created = stack->post("/api/v1/fx/notes", R"({"text":"拼团 note"})", alice);
  ASSERT_EQ(created.status, 201) << created.body;
  json doc = json::parse(created.body);
  std::string id = doc["id"];

  HttpResult read = stack->get("/api/v1/fx/notes/" + id, alice);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_EQ(json::parse(read.body)["text"], "拼团 note");

  // Another user, a malformed id and an unknown id all look the same: 404.
  EXPECT_EQ(stack->get("/api/v1/fx/notes/" + id, auth(*stack, 1002)).status, 404);
  EXPECT_EQ(stack->get("/api/v1/fx/notes/not-a-number", alice).status, 404);
  EXPECT_EQ(stack->get("/api/v1/fx/notes/12345", alice).status, 404);

  // The row is in exactly the shard file the id names.
  int shard = doc["shard"];
  char file[64];
  snprintf(file, sizeof(file), "/data/shard-%03d.db", shard);
  EXPECT_EQ(query_file(stack->dir() + file, "SELECT count(*) FROM fx_notes WHERE id = " + id), "1");
}

// Transaction control is the host's: inside a write batch a plugin's COMMIT
// would commit the other members' work half-way.
TEST(StorageTest, APluginCannotEndItsOwnTransaction) {
  auto stack = Stack::start();
  ASSERT_NE(stack, nullptr);
  auto alice = auth(*stack, 4242);
  HttpResult refused = stack->post("/api/v1/fx/notes/commit-itself", "{}", alice);
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("transaction control"), std::string::npos) << refused.body;
  HttpResult next = stack->post("/api/v1/fx/notes", R"({"text":"after"})", alice);
  EXPECT_EQ(next.status, 201) << next.body;  // the shard's writes go on
  EXPECT_EQ(count_over_shards(*stack, "SELECT count(*) FROM fx_notes WHERE text = 'committed by the plugin'"), 0);
  EXPECT_EQ(count_over_shards(*stack, "SELECT count(*) FROM fx_notes WHERE user_id = 4242"), 1);
}

// A bind the statement cannot take fails the statement instead of being ignored.
TEST(StorageTest, AStatementWithAFailedBindDoesNotRun) {
  auto stack = Stack::start();
  ASSERT_NE(stack, nullptr);
  auto bob = auth(*stack, 4343);
  HttpResult refused = stack->post("/api/v1/fx/notes/stray-argument", "{}", bob);
  EXPECT_EQ(refused.status, 500) << refused.body;
  EXPECT_NE(refused.body.find("BIND_FAILED"), std::string::npos) << refused.body;
  EXPECT_EQ(count_over_shards(*stack, "SELECT count(*) FROM fx_notes WHERE user_id = 4343"), 0);
}

TEST(StorageTest, BadInputWritesNothing) {
  auto stack = Stack::start();
  ASSERT_NE(stack, nullptr);
  auto alice = auth(*stack, 7);
  EXPECT_EQ(stack->post("/api/v1/fx/notes", R"({"text":""})", alice).status, 400);
  EXPECT_EQ(stack->post("/api/v1/fx/notes", R"({"text":5})", alice).status, 400);
  EXPECT_EQ(stack->post("/api/v1/fx/notes", R"({"text":"x")", alice).status, 400);
  EXPECT_EQ(stack->post("/api/v1/fx/notes", json{{"text", std::string(1001, 'x')}}.dump(), alice).status,
            400);
  EXPECT_EQ(count_over_shards(*stack, "SELECT count(*) FROM fx_notes"), 0);
}

TEST(StorageTest, AcknowledgedWritesSurviveAWorkerKilledMidBurst) {
  auto stack = Stack::start();
  ASSERT_NE(stack, nullptr);
  std::string status;
  ASSERT_EQ(stack->ctl("status", &status), 0);
  pid_t victim = 0;
  const json doc = json::parse(status);
  for (const auto& w : doc["workers"]) {
    if (w["role"] == "request") victim = w["pid"];
  }
  ASSERT_GT(victim, 0);

  std::mutex mu;
  std::vector<std::pair<long long, std::string>> acknowledged;  // (user, id)
  std::atomic<int> sent{0};
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      long long user = 5000 + t;
      auto headers = auth(*stack, user);
      for (int i = 0; i < 150; ++i) {  // bounded burst
        HttpResult r = stack->post("/api/v1/fx/notes", json{{"text", "n" + std::to_string(i)}}.dump(),
                                   headers);
        ++sent;
        if (r.status == 201) {
          std::lock_guard lock(mu);
          acknowledged.emplace_back(user, json::parse(r.body)["id"]);
        }
      }
    });
  }
  ASSERT_TRUE(eventually([&] { return sent.load() >= 100; }));
  ASSERT_EQ(kill(victim, SIGKILL), 0);
  for (auto& w : writers) w.join();

  ASSERT_GT(acknowledged.size(), 100u);
  for (const auto& [user, id] : acknowledged) {
    HttpResult r = stack->get("/api/v1/fx/notes/" + id, auth(*stack, user));
    ASSERT_EQ(r.status, 200) << "acknowledged note " << id << " is missing: " << r.body;
  }
  std::set<std::string> unique;
  for (const auto& a : acknowledged) unique.insert(a.second);
  EXPECT_EQ(unique.size(), acknowledged.size()) << "an id was issued twice";
  for (int s = 0; s < 8; ++s) {
    char file[64];
    snprintf(file, sizeof(file), "/data/shard-%03d.db", s);
    EXPECT_EQ(query_file(stack->dir() + file, "PRAGMA integrity_check"), "ok") << file;
  }
}

TEST(StorageTest, IdsStayAboveTheSavedFloorAfterANodeRestart) {
  auto stack = Stack::start();
  ASSERT_NE(stack, nullptr);
  auto alice = auth(*stack, 42);
  HttpResult first = stack->post("/api/v1/fx/notes", R"({"text":"before"})", alice);
  ASSERT_EQ(first.status, 201) << first.body;
  int64_t id1 = std::stoll(json::parse(first.body)["id"].get<std::string>());
  // As if the wall clock went back an hour while the node was down: the saved
  // floor lies an hour ahead of the ids the clock would now produce.
  int64_t floor = (id1 >> 23) + 3'600'000;
  ASSERT_TRUE(stack->restart([&] {
    std::ofstream(stack->dir() + "/state/id-floor", std::ios::trunc) << floor << "\n";
  }));
  HttpResult second = stack->post("/api/v1/fx/notes", R"({"text":"after"})", alice);
  ASSERT_EQ(second.status, 201) << second.body;
  int64_t id2 = std::stoll(json::parse(second.body)["id"].get<std::string>());
  EXPECT_GT(id2 >> 23, floor) << "an id after the restart is not above the saved floor";
  // The node keeps saving its floor for the next restart.
  EXPECT_TRUE(eventually([&] {
    std::ifstream in(stack->dir() + "/state/id-floor");
    int64_t saved = 0;
    return (in >> saved) && saved >= (id2 >> 23);
  }));
}

TEST(StorageTest, AFailingMigrationRefusesTheReloadAndChangesNothing) {
  auto stack = Stack::start();
  ASSERT_NE(stack, nullptr);
  long long before = stack->generation();
  std::string migration = stack->dir() + "/schema/fx/shard/003_broken.sql";
  {
    std::ofstream out(migration);
    out << "CREATE TABLE fx_half_done (id INTEGER);\nTHIS IS NOT SQL;\n";
  }
  std::string out;
  EXPECT_NE(stack->ctl("reload", &out), 0);
  EXPECT_NE(out.find("003_broken.sql"), std::string::npos) << out;
  EXPECT_EQ(stack->generation(), before);
  for (int s = 0; s < 8; ++s) {
    char file[64];
    snprintf(file, sizeof(file), "/data/shard-%03d.db", s);
    std::string path = stack->dir() + file;
    EXPECT_EQ(query_file(path, "SELECT MAX(version) FROM bazaar_schema_versions WHERE plugin='fx'"), "2");
    EXPECT_EQ(query_file(path, "SELECT count(*) FROM sqlite_master WHERE name='fx_half_done'"), "0");
  }
  EXPECT_EQ(stack->post("/api/v1/fx/notes", R"({"text":"still serving"})", auth(*stack, 3)).status, 201);

  // Fixed migration: the reload goes through and records version 3.
  {
    std::ofstream fixed(migration, std::ios::trunc);
    fixed << "CREATE TABLE fx_tags (note_id INTEGER NOT NULL, tag TEXT NOT NULL);\n";
  }
  EXPECT_EQ(stack->ctl("reload", &out), 0) << out;
  EXPECT_EQ(query_file(stack->dir() + "/data/shard-000.db",
                       "SELECT MAX(version) FROM bazaar_schema_versions WHERE plugin='fx'"),
            "3");
}

}  // namespace
}  // namespace bazaar::testing
