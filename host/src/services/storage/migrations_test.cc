#include "services/storage/migrations.h"
#include "test_support/temp_dir.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "services/storage/shard_set.h"

namespace bazaar::host {
namespace {

constexpr int64_t kNowMs = 1'750'000'000'000;

using test_support::TempDir;

class MigrationsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    schema_ = dir_.path() + "/schema";
    auto db = Database::open(dir_.path() + "/shard-000.db", {Synchronous::kNormal, 5000});
    ASSERT_TRUE(db.ok()) << db.error().message();
    db_ = std::move(*db);
  }

  // Writes schema/<plugin>/<scope>/<name>.
  void write(const std::string& plugin, const std::string& scope, const std::string& name,
             const std::string& sql) {
    std::filesystem::path folder = std::filesystem::path(schema_) / plugin / scope;
    std::filesystem::create_directories(folder);
    std::ofstream(folder / name) << sql;
  }

  void remove(const std::string& plugin, const std::string& scope, const std::string& name) {
    std::filesystem::remove(std::filesystem::path(schema_) / plugin / scope / name);
  }

  void write_first_two() {
    write("orders", "shard", "001_a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
    write("orders", "shard", "002_b.sql",
          "CREATE TABLE b (id INTEGER PRIMARY KEY);\nALTER TABLE a ADD COLUMN note TEXT;\n");
  }

  Result<int> apply(const std::string& plugin = "orders", SchemaScope scope = SchemaScope::kShard) {
    auto files = list_migrations(schema_, plugin, scope);
    if (!files.ok()) return files.error();
    return apply_migrations(*db_, plugin, *files, kNowMs);
  }

  int version(const std::string& plugin = "orders") {
    auto v = schema_version(*db_, plugin);
    EXPECT_TRUE(v.ok());
    return v.ok() ? *v : -1;
  }

  bool has_table(const std::string& name) {
    auto stmt = db_->prepare("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?");
    if (!stmt.ok()) return false;
    sqlite3_bind_text(*stmt, 1, name.c_str(), -1, SQLITE_TRANSIENT);
    bool found = sqlite3_step(*stmt) == SQLITE_ROW && sqlite3_column_int(*stmt, 0) == 1;
    sqlite3_reset(*stmt);
    return found;
  }

  // The list of a folder holding exactly these (empty) files must be refused.
  void expect_refused(const std::vector<std::string>& names, const std::string& mention) {
    std::string plugin = "p" + std::to_string(++plugin_counter_);
    for (const auto& name : names) write(plugin, "shard", name, "SELECT 1;");
    auto files = list_migrations(schema_, plugin, SchemaScope::kShard);
    ASSERT_FALSE(files.ok()) << "accepted " << testing::PrintToString(names);
    EXPECT_EQ(files.error().status(), BZ_FAILED_PRECONDITION);
    EXPECT_NE(files.error().message().find(mention), std::string::npos) << files.error().message();
  }

  TempDir dir_;
  std::string schema_;
  std::unique_ptr<Database> db_;
  int plugin_counter_ = 0;
};

TEST_F(MigrationsTest, ListsInOrder) {
  write("orders", "shard", "002_b.sql", "SELECT 1;");
  write("orders", "shard", "001_a.sql", "SELECT 1;");
  auto files = list_migrations(schema_, "orders", SchemaScope::kShard);
  ASSERT_TRUE(files.ok()) << files.error().message();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].version, 1);
  EXPECT_EQ((*files)[0].name, "001_a.sql");
  EXPECT_EQ((*files)[0].path, schema_ + "/orders/shard/001_a.sql");
  EXPECT_EQ((*files)[1].version, 2);
  EXPECT_EQ((*files)[1].name, "002_b.sql");
}

TEST_F(MigrationsTest, AppliesOnceAndRecordsVersions) {
  write_first_two();
  EXPECT_EQ(version(), 0);

  auto applied = apply();
  ASSERT_TRUE(applied.ok()) << applied.error().message();
  EXPECT_EQ(*applied, 2);
  EXPECT_EQ(version(), 2);
  EXPECT_TRUE(has_table("a"));
  EXPECT_TRUE(has_table("b"));
  EXPECT_TRUE(db_->exec("INSERT INTO a (id, note) VALUES (1, 'x')").ok());

  // One row per file, with its name and the time given.
  auto rows = db_->prepare(
      "SELECT version, name, applied_at_ms FROM bazaar_schema_versions WHERE plugin = 'orders' "
      "ORDER BY version");
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(sqlite3_step(*rows), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(*rows, 0), 1);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(*rows, 1)), "001_a.sql");
  EXPECT_EQ(sqlite3_column_int64(*rows, 2), kNowMs);
  ASSERT_EQ(sqlite3_step(*rows), SQLITE_ROW);
  EXPECT_EQ(sqlite3_column_int(*rows, 0), 2);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(*rows, 1)), "002_b.sql");
  EXPECT_EQ(sqlite3_step(*rows), SQLITE_DONE);
  sqlite3_reset(*rows);

  auto again = apply();
  ASSERT_TRUE(again.ok()) << again.error().message();
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(version(), 2);

  // Versions are per plugin.
  EXPECT_EQ(version("payments"), 0);
}

TEST_F(MigrationsTest, OnlyPendingFilesRun) {
  write("orders", "shard", "001_a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
  ASSERT_EQ(*apply(), 1);
  write("orders", "shard", "002_b.sql", "CREATE TABLE b (id INTEGER PRIMARY KEY);");
  auto applied = apply();  // would fail if 001 ran again (table a exists)
  ASSERT_TRUE(applied.ok()) << applied.error().message();
  EXPECT_EQ(*applied, 1);
  EXPECT_EQ(version(), 2);
}

TEST_F(MigrationsTest, BadSqlStopsWithTheFileNameAndChangesNothing) {
  write_first_two();
  ASSERT_EQ(*apply(), 2);
  write("orders", "shard", "003_c.sql", "CREATE TABLEE c (id INTEGER);");

  auto failed = apply();
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.error().status(), BZ_FAILED_PRECONDITION);
  EXPECT_EQ(failed.error().code(), "MIGRATION_FAILED");
  EXPECT_NE(failed.error().message().find("003_c.sql"), std::string::npos)
      << failed.error().message();
  EXPECT_EQ(version(), 2);
  EXPECT_FALSE(has_table("c"));
  EXPECT_EQ(sqlite3_get_autocommit(db_->raw()), 1) << "left a transaction open";
}

TEST_F(MigrationsTest, FailureAfterAGoodStatementRollsTheFileBack) {
  write_first_two();
  ASSERT_EQ(*apply(), 2);
  write("orders", "shard", "003_c.sql",
        "CREATE TABLE c (id INTEGER PRIMARY KEY);\n"
        "INSERT INTO no_such_table VALUES (1);\n");

  auto failed = apply();
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message().find("003_c.sql"), std::string::npos)
      << failed.error().message();
  EXPECT_NE(failed.error().message().find("no_such_table"), std::string::npos)
      << failed.error().message();
  EXPECT_EQ(version(), 2);
  EXPECT_FALSE(has_table("c")) << "the first statement of the failed file survived";
  EXPECT_EQ(sqlite3_get_autocommit(db_->raw()), 1);

  // Fixed, it applies.
  write("orders", "shard", "003_c.sql", "CREATE TABLE c (id INTEGER PRIMARY KEY);\n");
  auto fixed = apply();
  ASSERT_TRUE(fixed.ok()) << fixed.error().message();
  EXPECT_EQ(*fixed, 1);
  EXPECT_EQ(version(), 3);
  EXPECT_TRUE(has_table("c"));
}

TEST_F(MigrationsTest, BadNamesAreRefused) {
  expect_refused({"1_x.sql"}, "1_x.sql");
  expect_refused({"001-x.sql"}, "001-x.sql");
  expect_refused({"abc.sql"}, "abc.sql");
  expect_refused({"0001_x.sql"}, "0001_x.sql");
  expect_refused({"001_x.txt"}, "001_x.txt");
  expect_refused({"001_.sql"}, "001_.sql");
  expect_refused({"001_a.sql", "README"}, "README");
}

TEST_F(MigrationsTest, GapsAndRepeatsAreRefused) {
  expect_refused({"001_a.sql", "003_c.sql"}, "003_c.sql");
  expect_refused({"002_b.sql"}, "002_b.sql");
  expect_refused({"001_a.sql", "001_b.sql"}, "001_");
}

TEST_F(MigrationsTest, NoFolderMeansNoMigrations) {
  auto files = list_migrations(schema_, "nothing", SchemaScope::kShard);
  ASSERT_TRUE(files.ok()) << files.error().message();
  EXPECT_TRUE(files->empty());
  auto applied = apply_migrations(*db_, "nothing", *files, kNowMs);
  ASSERT_TRUE(applied.ok());
  EXPECT_EQ(*applied, 0);
  EXPECT_EQ(version("nothing"), 0);
}

TEST_F(MigrationsTest, DatabaseNewerThanTheFilesIsRefused) {
  write_first_two();
  ASSERT_EQ(*apply(), 2);
  remove("orders", "shard", "002_b.sql");  // an older release of the plugin

  auto refused = apply();
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.error().status(), BZ_FAILED_PRECONDITION);
  EXPECT_NE(refused.error().message().find("schema version 2"), std::string::npos)
      << refused.error().message();
  EXPECT_EQ(version(), 2);
}

TEST_F(MigrationsTest, MetaScopeReadsTheMetaFolder) {
  write("orders", "meta", "001_m.sql", "CREATE TABLE meta_only (k TEXT PRIMARY KEY);");
  write("orders", "shard", "001_s.sql", "CREATE TABLE shard_only (k TEXT PRIMARY KEY);");

  auto meta = list_migrations(schema_, "orders", SchemaScope::kMeta);
  ASSERT_TRUE(meta.ok()) << meta.error().message();
  ASSERT_EQ(meta->size(), 1u);
  EXPECT_EQ((*meta)[0].name, "001_m.sql");
  EXPECT_EQ((*meta)[0].path, schema_ + "/orders/meta/001_m.sql");

  auto applied = apply("orders", SchemaScope::kMeta);
  ASSERT_TRUE(applied.ok()) << applied.error().message();
  EXPECT_EQ(*applied, 1);
  EXPECT_TRUE(has_table("meta_only"));
  EXPECT_FALSE(has_table("shard_only"));

  // A plugin with only meta files has no shard migrations.
  write("audit", "meta", "001_m.sql", "CREATE TABLE audit_log (k TEXT);");
  auto shard = list_migrations(schema_, "audit", SchemaScope::kShard);
  ASSERT_TRUE(shard.ok());
  EXPECT_TRUE(shard->empty());
}

TEST_F(MigrationsTest, MigrateNodeCoversEveryShardAndMeta) {
  write("orders", "shard", "001_a.sql", "CREATE TABLE a (id INTEGER PRIMARY KEY);");
  write("orders", "shard", "002_b.sql", "CREATE TABLE b (id INTEGER PRIMARY KEY);");
  write("orders", "meta", "001_m.sql", "CREATE TABLE m (id INTEGER PRIMARY KEY);");
  const std::string data = dir_.path() + "/data";
  std::filesystem::create_directories(data);
  ShardSetOptions options;
  options.dir = data;
  options.shard_count = 3;
  ShardSet shards(options, {});

  Status migrated = migrate_node(shards, schema_, {"orders", "nothing"}, kNowMs);
  ASSERT_TRUE(migrated.ok()) << migrated.error().message();
  for (uint32_t i = 0; i < 3; ++i) {
    auto lease = shards.shard(i);
    ASSERT_TRUE(lease.ok());
    auto v = schema_version(**lease, "orders");
    ASSERT_TRUE(v.ok());
    EXPECT_EQ(*v, 2) << "shard " << i;
  }
  auto meta = shards.meta();
  ASSERT_TRUE(meta.ok());
  auto v = schema_version(**meta, "orders");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, 1);

  // Idempotent; a failing shard file stops it with the file's name.
  EXPECT_TRUE(migrate_node(shards, schema_, {"orders"}, kNowMs).ok());
  write("orders", "shard", "003_c.sql", "CREATE TABLEE c (id INTEGER);");
  Status failed = migrate_node(shards, schema_, {"orders"}, kNowMs);
  ASSERT_FALSE(failed.ok());
  EXPECT_NE(failed.error().message().find("003_c.sql"), std::string::npos);
}

}  // namespace
}  // namespace bazaar::host
