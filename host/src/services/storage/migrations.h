// Forward-only schema migrations.
//
// Each plugin ships numbered SQL files:
//   schema/<plugin>/shard/NNN_name.sql   applied to every shard
//   schema/<plugin>/meta/NNN_name.sql    applied to meta.db
// Numbers start at 1 and have no gaps. The master applies pending files before
// any worker of a generation starts: each file in its own write transaction
// together with its row in bazaar_schema_versions, so a failing file leaves the
// database exactly as it was (SQLite DDL is transactional) and stops the start
// or the reload with the file's name and SQLite's message. Files must be
// additive (new tables, columns, indexes): old and new workers share the
// database during a rolling reload.
#pragma once

#include <bazaar/result.hpp>

#include <string>
#include <vector>

#include "services/storage/database.h"
#include "services/storage/shard_set.h"

namespace bazaar::host {

enum class SchemaScope { kShard, kMeta };

struct MigrationFile {
  int version = 0;
  std::string name;  // "001_orders.sql"
  std::string path;
  std::string sql;   // the statements when built in; empty: read from `path`
};

// The plugin's files for one scope, in order. Errors: bad file names,
// duplicate or missing numbers. A plugin without a folder has no migrations.
Result<std::vector<MigrationFile>> list_migrations(const std::string& schema_dir,
                                                   const std::string& plugin, SchemaScope scope);

// Applies the pending files to `db`; returns how many were applied. Refuses a
// database that records a version newer than the files (a rollback of the
// plugin to an older release must not run against a newer schema).
Result<int> apply_migrations(Database& db, const std::string& plugin,
                             const std::vector<MigrationFile>& files, int64_t now_ms);

// Applies the host's built-in migrations, then every listed plugin's pending
// ones, to every shard and to meta (creating the files as needed). Used by the
// master before a generation's workers start; the first failure is returned.
Status migrate_node(ShardSet& shards, const std::string& schema_dir,
                    const std::vector<std::string>& plugins, int64_t now_ms);

// The highest applied version of a plugin (0: none).
Result<int> schema_version(Database& db, const std::string& plugin);

}  // namespace bazaar::host
