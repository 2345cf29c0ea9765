#include "services/storage/migrations.h"

#include <dirent.h>
#include <sqlite3.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>

#include "services/storage/host_schema.h"
#include "services/storage/transaction.h"

namespace bazaar::host {
namespace {

constexpr const char* kVersionsTable =
    "CREATE TABLE IF NOT EXISTS bazaar_schema_versions ("
    " plugin TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
    " applied_at_ms INTEGER NOT NULL, PRIMARY KEY (plugin, version))";

Error migration_error(const std::string& message) {
  return failed_precondition("MIGRATION_FAILED", message);
}

}  // namespace

Result<std::vector<MigrationFile>> list_migrations(const std::string& schema_dir,
                                                   const std::string& plugin, SchemaScope scope) {
  std::string dir = schema_dir + "/" + plugin + (scope == SchemaScope::kShard ? "/shard" : "/meta");
  std::vector<MigrationFile> files;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return files;
    return migration_error("cannot read " + dir);
  }
  while (dirent* e = readdir(d)) {
    std::string name = e->d_name;
    if (name == "." || name == "..") continue;
    size_t digits = 0;
    while (digits < name.size() && name[digits] >= '0' && name[digits] <= '9') ++digits;
    if (digits != 3 || name.size() < 9 || name[3] != '_' || !name.ends_with(".sql")) {
      closedir(d);
      return migration_error(dir + "/" + name + ": migration files are named NNN_name.sql");
    }
    files.push_back({std::stoi(name.substr(0, 3)), name, dir + "/" + name, {}});
  }
  closedir(d);
  std::sort(files.begin(), files.end(),
            [](const MigrationFile& a, const MigrationFile& b) { return a.version < b.version; });
  for (size_t i = 0; i < files.size(); ++i) {
    if (files[i].version != static_cast<int>(i) + 1) {
      return migration_error(dir + ": migration numbers must run 001, 002, ... without gaps or "
                                   "repeats (found " + files[i].name + ")");
    }
  }
  return files;
}

Result<int> schema_version(Database& db, const std::string& plugin) {
  BAZAAR_RETURN_IF_ERROR(db.exec(kVersionsTable));
  auto stmt = db.prepare("SELECT COALESCE(MAX(version), 0) FROM bazaar_schema_versions WHERE plugin = ?");
  if (!stmt.ok()) return stmt.error();
  sqlite3_bind_text(*stmt, 1, plugin.data(), static_cast<int>(plugin.size()), SQLITE_TRANSIENT);
  int rc = sqlite3_step(*stmt);
  if (rc != SQLITE_ROW) return db.error(rc, "read schema version");
  int version = sqlite3_column_int(*stmt, 0);
  sqlite3_reset(*stmt);
  return version;
}

Result<int> apply_migrations(Database& db, const std::string& plugin,
                             const std::vector<MigrationFile>& files, int64_t now_ms) {
  auto current = schema_version(db, plugin);
  if (!current.ok()) return current.error();
  if (*current > static_cast<int>(files.size())) {
    return migration_error(db.path() + ": plugin " + plugin + " is at schema version " +
                           std::to_string(*current) + " but only " +
                           std::to_string(files.size()) + " migration files exist (forward-only)");
  }
  int applied = 0;
  for (const MigrationFile& file : files) {
    if (file.version <= *current) continue;
    std::string sql = file.sql;
    if (sql.empty()) {
      std::ifstream in(file.path);
      std::stringstream text;
      text << in.rdbuf();
      if (!in) return migration_error("cannot read " + file.path);
      sql = text.str();
    }

    auto txn = Transaction::begin(db, TxnMode::kWrite);
    if (!txn.ok()) return txn.error();
    Status ran = db.exec(sql);
    if (!ran.ok()) {
      return migration_error(file.path + " failed on " + db.path() + ": " + ran.error().message());
    }
    auto record = db.prepare(
        "INSERT INTO bazaar_schema_versions (plugin, version, name, applied_at_ms) VALUES (?, ?, ?, ?)");
    if (!record.ok()) return record.error();
    sqlite3_bind_text(*record, 1, plugin.data(), static_cast<int>(plugin.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int(*record, 2, file.version);
    sqlite3_bind_text(*record, 3, file.name.data(), static_cast<int>(file.name.size()), SQLITE_TRANSIENT);
    sqlite3_bind_int64(*record, 4, now_ms);
    int rc = sqlite3_step(*record);
    sqlite3_reset(*record);
    if (rc != SQLITE_DONE) return db.error(rc, "record migration " + file.name);
    BAZAAR_RETURN_IF_ERROR(txn->commit());
    ++applied;
  }
  return applied;
}

Status migrate_node(ShardSet& shards, const std::string& schema_dir,
                    const std::vector<std::string>& plugins, int64_t now_ms) {
  std::vector<ConnectionPool*> pools = shards.all();
  ConnectionPool* meta = pools.back();
  // (plugin name as recorded, files for every shard, files for meta)
  struct Plan {
    std::string name;
    std::vector<MigrationFile> shard_files;
    std::vector<MigrationFile> meta_files;
  };
  std::vector<Plan> plans;
  plans.push_back({"host", host_migrations_all(), host_migrations_all()});
  plans.push_back({"host_meta", {}, host_migrations_meta()});
  for (const std::string& plugin : plugins) {
    auto shard_files = list_migrations(schema_dir, plugin, SchemaScope::kShard);
    if (!shard_files.ok()) return shard_files.error();
    auto meta_files = list_migrations(schema_dir, plugin, SchemaScope::kMeta);
    if (!meta_files.ok()) return meta_files.error();
    plans.push_back({plugin, std::move(*shard_files), std::move(*meta_files)});
  }
  for (const Plan& plan : plans) {
    for (ConnectionPool* pool : pools) {
      const auto& files = pool == meta ? plan.meta_files : plan.shard_files;
      if (files.empty()) continue;
      auto lease = pool->lease();
      if (!lease.ok()) return lease.error();
      auto applied = apply_migrations(**lease, plan.name, files, now_ms);
      if (!applied.ok()) return applied.error();
    }
  }
  return ok_status();
}

}  // namespace bazaar::host
