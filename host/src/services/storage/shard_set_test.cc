#include "services/storage/shard_set.h"
#include "test_support/temp_dir.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <latch>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace bazaar::host {
namespace {

using test_support::TempDir;

class ShardSetTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_FALSE(dir_.path().empty()) << "mkdtemp failed"; }

  ShardSetOptions options(uint32_t shards) const {
    ShardSetOptions o;
    o.dir = dir_.path();
    o.shard_count = shards;
    o.shard_synchronous = Synchronous::kNormal;
    return o;
  }

  TempDir dir_;
};

TEST(ShardFileName, ThreeDigits) {
  EXPECT_EQ(shard_file_name(0), "shard-000.db");
  EXPECT_EQ(shard_file_name(7), "shard-007.db");
  EXPECT_EQ(shard_file_name(31), "shard-031.db");
}

TEST_F(ShardSetTest, FilesAreCreatedLazilyPerShard) {
  ShardSet set(options(4), {});
  EXPECT_EQ(set.shard_count(), 4u);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_FALSE(dir_.has(shard_file_name(i)));
  EXPECT_FALSE(dir_.has("meta.db"));

  {
    auto lease = set.shard(2);
    ASSERT_TRUE(lease.ok()) << lease.error().message();
    EXPECT_EQ((*lease)->path(), dir_.path() + "/shard-002.db");
  }
  EXPECT_TRUE(dir_.has("shard-002.db"));
  EXPECT_FALSE(dir_.has("shard-000.db"));
  EXPECT_FALSE(dir_.has("shard-001.db"));
  EXPECT_FALSE(dir_.has("shard-003.db"));
  EXPECT_FALSE(dir_.has("meta.db"));

  {
    auto meta = set.meta();
    ASSERT_TRUE(meta.ok()) << meta.error().message();
    EXPECT_EQ((*meta)->path(), dir_.path() + "/meta.db");
  }
  EXPECT_TRUE(dir_.has("meta.db"));

  for (uint32_t i = 0; i < 4; ++i) ASSERT_TRUE(set.shard(i).ok());
  for (uint32_t i = 0; i < 4; ++i) EXPECT_TRUE(dir_.has(shard_file_name(i)));
}

TEST_F(ShardSetTest, AllListsShardsThenMeta) {
  ShardSet set(options(3), {});
  std::vector<ConnectionPool*> pools = set.all();
  ASSERT_EQ(pools.size(), 4u);
  EXPECT_EQ(pools[0]->path(), dir_.path() + "/shard-000.db");
  EXPECT_EQ(pools[2]->path(), dir_.path() + "/shard-002.db");
  EXPECT_EQ(pools[3]->path(), dir_.path() + "/meta.db");
}

TEST_F(ShardSetTest, ShardOfIsStableAndEven) {
  constexpr uint32_t kShards = 8;
  constexpr uint64_t kKeys = 10'000;
  ShardSet set(options(kShards), {});
  ShardSet again(options(kShards), {});

  std::vector<int> counts(kShards, 0);
  for (uint64_t key = 1; key <= kKeys; ++key) {
    uint32_t s = set.shard_of(key);
    ASSERT_LT(s, kShards);
    ASSERT_EQ(s, set.shard_of(key)) << "key " << key;
    ASSERT_EQ(s, again.shard_of(key)) << "key " << key;
    ++counts[s];
  }
  const double mean = static_cast<double>(kKeys) / kShards;
  for (uint32_t s = 0; s < kShards; ++s) {
    EXPECT_GE(counts[s], 0.8 * mean) << "shard " << s;
    EXPECT_LE(counts[s], 1.2 * mean) << "shard " << s;
  }
  // Large, sparse keys (ids) also land in range.
  for (uint64_t key : {uint64_t{0}, uint64_t{1} << 40, ~uint64_t{0}}) {
    EXPECT_LT(set.shard_of(key), kShards);
  }
}

TEST_F(ShardSetTest, LeasesReuseConnections) {
  ShardSet set(options(2), {});
  Database* first = nullptr;
  {
    auto lease = set.shard(1);
    ASSERT_TRUE(lease.ok());
    first = &**lease;
    ASSERT_TRUE((*lease)->exec("CREATE TABLE t (v INTEGER)").ok());
  }
  {
    auto lease = set.shard(1);
    ASSERT_TRUE(lease.ok());
    EXPECT_EQ(&**lease, first);
    // While it is out, a second lease opens another connection.
    auto second = set.shard(1);
    ASSERT_TRUE(second.ok());
    EXPECT_NE(&**second, first);
  }
  // Moving a lease hands the connection over; only the last owner returns it.
  {
    auto lease = set.shard(1);
    ASSERT_TRUE(lease.ok());
    Database* held = &**lease;
    Lease moved(std::move(*lease));
    EXPECT_EQ(&*moved, held);
  }
  {
    auto a = set.shard(1);
    auto b = set.shard(1);
    auto c = set.shard(1);
    ASSERT_TRUE(a.ok() && b.ok() && c.ok());
    std::set<Database*> distinct{&**a, &**b, &**c};
    EXPECT_EQ(distinct.size(), 3u);
  }
}

TEST_F(ShardSetTest, ConcurrentLeasesGetDistinctConnections) {
  constexpr int kThreads = 6;
  ShardSet set(options(2), {});
  std::latch all_hold(kThreads);
  std::mutex mu;
  std::vector<Database*> seen;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      auto lease = set.shard(0);
      if (!lease.ok()) {
        ADD_FAILURE() << lease.error().message();
        all_hold.count_down();
        return;
      }
      {
        std::lock_guard lock(mu);
        seen.push_back(&**lease);
      }
      // Every thread holds its lease until all of them have one.
      all_hold.arrive_and_wait();
      EXPECT_TRUE((*lease)->exec("SELECT 1").ok());
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_EQ(seen.size(), static_cast<size_t>(kThreads));
  EXPECT_EQ(std::set<Database*>(seen.begin(), seen.end()).size(), seen.size());

  // They all went back to the pool: the next leases come from it.
  std::set<Database*> pooled(seen.begin(), seen.end());
  auto again = set.shard(0);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(pooled.count(&**again), 1u);
}

TEST_F(ShardSetTest, BadShardIndexIsAnError) {
  ShardSet set(options(4), {});
  auto bad = set.shard(4);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().status(), BZ_INVALID_ARGUMENT);
  EXPECT_EQ(bad.error().code(), "BAD_SHARD");
  EXPECT_FALSE(set.shard(1000).ok());
  EXPECT_FALSE(dir_.has("shard-004.db"));
}

TEST_F(ShardSetTest, StatsReachEveryConnection) {
  std::atomic<int> commits{0};
  DatabaseStats stats;
  stats.on_commit = [&] { ++commits; };
  ShardSet set(options(2), stats);
  auto lease = set.shard(0);
  ASSERT_TRUE(lease.ok());
  ASSERT_TRUE(static_cast<bool>((*lease)->stats().on_commit));
  (*lease)->stats().on_commit();
  EXPECT_EQ(commits.load(), 1);
}

}  // namespace
}  // namespace bazaar::host
