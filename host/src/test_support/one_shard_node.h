// A node of one migrated shard (host tables only, synchronous=NORMAL) in a
// fresh temporary folder: the set-up of storage-level unit tests that work on
// the host's own tables (timers, outbox, inbox). Call start() in SetUp.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "services/storage/migrations.h"
#include "services/storage/shard_set.h"
#include "test_support/temp_dir.h"

namespace bazaar::host::test_support {

class OneShardNode {
 public:
  // Creates and migrates the shard as of `now_ms`; adds a test failure if it cannot.
  void start(int64_t now_ms) {
    ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed";
    ShardSetOptions options;
    options.dir = dir_.path();
    options.shard_count = 1;
    options.shard_synchronous = Synchronous::kNormal;
    shards_ = std::make_unique<ShardSet>(options, DatabaseStats{});
    Status migrated = migrate_node(*shards_, dir_.path() + "/no-schema", {}, now_ms);
    ASSERT_TRUE(migrated.ok()) << migrated.error().message();
  }

  // A connection to the shard (each call its own lease).
  Lease lease() {
    auto l = shards_->shard(0);
    EXPECT_TRUE(l.ok());
    return std::move(*l);
  }
  ShardSet& shards() { return *shards_; }

 private:
  TempDir dir_;
  std::unique_ptr<ShardSet> shards_;
};

}  // namespace bazaar::host::test_support
