// The node's SQLite files: S shards (shard-000.db ...) plus `meta.db`, each
// with a pool of connections. A thread leases a connection for the length of a
// transaction, so connections are never shared between threads, and each
// process opens its own (connections are created lazily, after fork/exec).
//
// Routing: a user's, SKU's or group's data lives on shard_of(key); the same
// key always maps to the same shard for a given shard count (which therefore
// never changes for a node's data; resharding is a migration, not a setting).
#pragma once

#include <bazaar/result.hpp>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "services/storage/database.h"

namespace bazaar::host {

class ShardSet;
class WriteBatcher;

// A connection on loan; returns to its pool when destroyed.
class Lease {
 public:
  Lease(Lease&& other) noexcept : pool_(other.pool_), db_(std::move(other.db_)) {}
  Lease& operator=(Lease&&) = delete;
  ~Lease();
  Database& operator*() const { return *db_; }
  Database* operator->() const { return db_.get(); }

 private:
  friend class ConnectionPool;
  Lease(class ConnectionPool* pool, std::unique_ptr<Database> db) : pool_(pool), db_(std::move(db)) {}
  class ConnectionPool* pool_;
  std::unique_ptr<Database> db_;
};

class ConnectionPool {
 public:
  ConnectionPool(std::string path, DatabaseOptions options, DatabaseStats stats);
  Result<Lease> lease();
  const std::string& path() const { return path_; }

 private:
  friend class Lease;
  void give_back(std::unique_ptr<Database> db);

  std::string path_;
  DatabaseOptions options_;
  DatabaseStats stats_;
  std::mutex mu_;
  std::vector<std::unique_ptr<Database>> idle_;
};

struct ShardSetOptions {
  std::string dir;
  uint32_t shard_count = 8;
  Synchronous shard_synchronous = Synchronous::kFull;
  Synchronous meta_synchronous = Synchronous::kFull;
  int64_t busy_limit_ms = 5000;
  // Write transactions of one shard file in one process are batched, up to
  // this many per SQLite transaction (write_batcher.h); 0 or 1 = each commits
  // alone. The meta database is never batched.
  int write_batch_max = 32;
};

class ShardSet {
 public:
  static constexpr uint32_t kMaxShards = 32;  // the id layout keeps 5 bits of shard

  ShardSet(const ShardSetOptions& options, DatabaseStats stats);
  ~ShardSet();

  uint32_t shard_count() const { return static_cast<uint32_t>(shards_.size()); }
  // Stable mapping of a key (user, SKU or group id) to a shard.
  uint32_t shard_of(uint64_t key) const;

  static constexpr uint32_t kMeta = 0xFFFFFFFFu;  // = BZ_SHARD_META of the plugin ABI

  Result<Lease> shard(uint32_t index);
  Result<Lease> meta();
  // Shard `index`, or meta for kMeta: how events, timers and plugins name a database.
  Result<Lease> database(uint32_t index) { return index == kMeta ? meta() : shard(index); }
  // The databases as background tasks walk them, the shards in order and then
  // meta: how many, and the name (for database()) of the i-th.
  size_t database_count() const { return shards_.size() + 1; }
  uint32_t database_at(size_t i) const { return i == shards_.size() ? kMeta : static_cast<uint32_t>(i); }
  // The write batch of a shard (write_batcher.h), or null when batching is off.
  WriteBatcher* writer(uint32_t index);
  // Every database: the shards in order, then meta (migrations, integrity checks).
  std::vector<ConnectionPool*> all();

 private:
  std::vector<std::unique_ptr<ConnectionPool>> shards_;
  std::unique_ptr<ConnectionPool> meta_;
  std::vector<std::unique_ptr<WriteBatcher>> writers_;  // one per shard, or none
};

std::string shard_file_name(uint32_t index);

}  // namespace bazaar::host
