#include "services/storage/shard_set.h"

#include <cstdio>

#include "services/storage/write_batcher.h"

namespace bazaar::host {

Lease::~Lease() {
  if (db_ && pool_ != nullptr) pool_->give_back(std::move(db_));
}

ConnectionPool::ConnectionPool(std::string path, DatabaseOptions options, DatabaseStats stats)
    : path_(std::move(path)), options_(options), stats_(std::move(stats)) {}

Result<Lease> ConnectionPool::lease() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      std::unique_ptr<Database> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(db));
    }
  }
  auto db = Database::open(path_, options_, stats_);
  if (!db.ok()) return db.error();
  return Lease(this, std::move(*db));
}

void ConnectionPool::give_back(std::unique_ptr<Database> db) {
  db->set_deadline(0);
  db->reset_statements();  // no snapshot may outlive the lease
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(db));
}

std::string shard_file_name(uint32_t index) {
  char name[32];
  std::snprintf(name, sizeof(name), "shard-%03u.db", index);
  return name;
}

ShardSet::ShardSet(const ShardSetOptions& options, DatabaseStats stats) {
  DatabaseOptions shard{options.shard_synchronous, options.busy_limit_ms};
  DatabaseOptions meta{options.meta_synchronous, options.busy_limit_ms};
  for (uint32_t i = 0; i < options.shard_count; ++i) {
    shards_.push_back(
        std::make_unique<ConnectionPool>(options.dir + "/" + shard_file_name(i), shard, stats));
  }
  meta_ = std::make_unique<ConnectionPool>(options.dir + "/meta.db", meta, stats);
  if (options.write_batch_max > 1) {
    WriteBatcherOptions batching;
    batching.max_members = options.write_batch_max;
    batching.busy_limit_ms = options.busy_limit_ms;
    for (auto& pool : shards_) writers_.push_back(std::make_unique<WriteBatcher>(*pool, batching));
  }
}

ShardSet::~ShardSet() = default;

WriteBatcher* ShardSet::writer(uint32_t index) {
  return index < writers_.size() ? writers_[index].get() : nullptr;
}

uint32_t ShardSet::shard_of(uint64_t key) const {
  // Fibonacci hashing: consecutive ids spread evenly over the shards.
  uint64_t h = key * 0x9E3779B97F4A7C15ULL;
  return static_cast<uint32_t>((h >> 32) % shards_.size());
}

Result<Lease> ShardSet::shard(uint32_t index) {
  if (index >= shards_.size()) {
    return invalid_argument("BAD_SHARD", "no shard " + std::to_string(index));
  }
  return shards_[index]->lease();
}

Result<Lease> ShardSet::meta() { return meta_->lease(); }

std::vector<ConnectionPool*> ShardSet::all() {
  std::vector<ConnectionPool*> out;
  for (auto& s : shards_) out.push_back(s.get());
  out.push_back(meta_.get());
  return out;
}

}  // namespace bazaar::host
