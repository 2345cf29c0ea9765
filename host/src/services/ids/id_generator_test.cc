#include "services/ids/id_generator.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <thread>
#include <unordered_set>
#include <vector>

namespace bazaar::host {
namespace {

constexpr int64_t kStartMs = IdGenerator::kEpochMs + 86'400'000;  // 2025-01-02

int64_t next_or_die(IdGenerator& gen, uint32_t shard) {
  auto id = gen.next(shard);
  if (!id.ok()) {
    ADD_FAILURE() << id.error().message();
    return -1;
  }
  return *id;
}

TEST(IdGeneratorTest, ThreadsGetUniqueIncreasingIds) {
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20'000;
  constexpr uint32_t kShards = 4;
  SystemClock clock;
  IdGenerator gen(clock, 3, 7, nullptr);

  std::vector<std::vector<int64_t>> ids(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      ids[static_cast<size_t>(t)].reserve(kPerThread);
      for (int i = 0; i < kPerThread; ++i) {
        // Threads share shards (several threads per shard), and move between them.
        uint32_t shard = static_cast<uint32_t>(t + i) % kShards;
        ids[static_cast<size_t>(t)].push_back(next_or_die(gen, shard));
      }
    });
  }
  for (auto& th : threads) th.join();

  std::unordered_set<int64_t> all;
  all.reserve(kThreads * kPerThread);
  for (int t = 0; t < kThreads; ++t) {
    std::vector<int64_t> last(kShards, 0);
    for (int64_t id : ids[static_cast<size_t>(t)]) {
      ASSERT_GT(id, 0);
      uint32_t shard = IdGenerator::shard_of(id);
      ASSERT_LT(shard, kShards);
      ASSERT_GT(id, last[shard]) << "thread " << t << " shard " << shard;
      last[shard] = id;
      ASSERT_TRUE(all.insert(id).second) << "duplicate id " << id;
    }
  }
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(IdGeneratorTest, FieldsRoundTrip) {
  ManualClock clock(kStartMs);
  IdGenerator gen(clock, 200, 17, nullptr);
  int64_t id = next_or_die(gen, 5);
  EXPECT_GT(id, 0);
  EXPECT_EQ(IdGenerator::shard_of(id), 5u);
  EXPECT_EQ(IdGenerator::node_of(id), 200u);
  EXPECT_EQ(IdGenerator::worker_of(id), 17u);
  EXPECT_EQ(IdGenerator::time_ms_of(id), kStartMs);

  IdGenerator max(clock, IdGenerator::kMaxNode, IdGenerator::kMaxWorker, nullptr);
  int64_t top = next_or_die(max, IdGenerator::kMaxShard);
  EXPECT_GT(top, 0);
  EXPECT_EQ(IdGenerator::shard_of(top), IdGenerator::kMaxShard);
  EXPECT_EQ(IdGenerator::node_of(top), IdGenerator::kMaxNode);
  EXPECT_EQ(IdGenerator::worker_of(top), IdGenerator::kMaxWorker);
  EXPECT_EQ(IdGenerator::time_ms_of(top), kStartMs);

  IdGenerator zero(clock, 0, 0, nullptr);
  int64_t low = next_or_die(zero, 0);
  EXPECT_EQ(IdGenerator::shard_of(low), 0u);
  EXPECT_EQ(IdGenerator::node_of(low), 0u);
  EXPECT_EQ(IdGenerator::worker_of(low), 0u);
  EXPECT_EQ(IdGenerator::time_ms_of(low), kStartMs);
}

TEST(IdGeneratorTest, LaterMillisecondsGiveLargerIds) {
  ManualClock clock(kStartMs);
  IdGenerator gen(clock, 1, 1, nullptr);
  int64_t a = next_or_die(gen, 0);
  clock.advance(1);
  int64_t b = next_or_die(gen, 0);
  EXPECT_GT(b, a);
  EXPECT_EQ(IdGenerator::time_ms_of(b), kStartMs + 1);
}

TEST(IdGeneratorTest, ClockSteppingBackKeepsIdsIncreasing) {
  ManualClock clock(kStartMs);
  IdGenerator gen(clock, 1, 2, nullptr);
  int64_t last = 0;
  for (int i = 0; i < 10; ++i) {
    int64_t id = next_or_die(gen, 3);
    ASSERT_GT(id, last);
    last = id;
    clock.advance(1);
  }
  clock.advance(-10'000);
  for (int i = 0; i < 1000; ++i) {
    int64_t id = next_or_die(gen, 3);
    ASSERT_GT(id, last) << "after the step back, id " << i;
    ASSERT_GE(IdGenerator::time_ms_of(id), kStartMs + 9);  // never below the last ms used
    last = id;
    if (i % 10 == 0) clock.advance(1);
  }
}

TEST(IdGeneratorTest, MoreThan32InOneMillisecondBorrowsTheNext) {
  ManualClock clock(kStartMs);  // never moves
  IdGenerator gen(clock, 9, 4, nullptr);
  std::vector<int64_t> ids;
  for (int i = 0; i < 200; ++i) ids.push_back(next_or_die(gen, 2));
  for (size_t i = 1; i < ids.size(); ++i) ASSERT_GT(ids[i], ids[i - 1]) << i;
  EXPECT_EQ(IdGenerator::time_ms_of(ids[0]), kStartMs);
  EXPECT_EQ(IdGenerator::time_ms_of(ids[31]), kStartMs);
  EXPECT_EQ(IdGenerator::time_ms_of(ids[32]), kStartMs + 1);  // borrowed
  for (int64_t id : ids) {
    EXPECT_EQ(IdGenerator::shard_of(id), 2u);
    EXPECT_EQ(IdGenerator::node_of(id), 9u);
    EXPECT_EQ(IdGenerator::worker_of(id), 4u);
  }
  // Other shards have their own sequence: shard 3 starts at the clock again.
  EXPECT_EQ(IdGenerator::time_ms_of(next_or_die(gen, 3)), kStartMs);
}

TEST(IdGeneratorTest, NewIncarnationStartsAboveTheFloor) {
  ManualClock clock(kStartMs);
  std::atomic<int64_t> floor{0};
  std::vector<int64_t> first_ids;
  {
    IdGenerator first(clock, 4, 6, &floor);
    for (int i = 0; i < 100; ++i) {
      first_ids.push_back(next_or_die(first, static_cast<uint32_t>(i % 3)));
    }
    clock.advance(2);
    for (int i = 0; i < 40; ++i) first_ids.push_back(next_or_die(first, 7));  // borrows one ms
  }
  const int64_t first_max = *std::max_element(first_ids.begin(), first_ids.end());
  EXPECT_GE(floor.load(), IdGenerator::time_ms_of(first_max) - IdGenerator::kEpochMs);

  // The process restarts with the same worker id, and the wall clock has
  // stepped back 10 s meanwhile.
  clock.advance(-10'000);
  IdGenerator second(clock, 4, 6, &floor);
  for (uint32_t shard : {0u, 1u, 2u, 7u, 31u}) {
    for (int i = 0; i < 50; ++i) {
      int64_t id = next_or_die(second, shard);
      ASSERT_GT(id, first_max) << "shard " << shard << " id " << i;
    }
  }

  // Even with the clock back where it was.
  clock.set(kStartMs);
  IdGenerator third(clock, 4, 6, &floor);
  EXPECT_GT(next_or_die(third, 0), first_max);
}

TEST(IdGeneratorTest, BadShardIsRefused) {
  ManualClock clock(kStartMs);
  IdGenerator gen(clock, 1, 1, nullptr);
  auto bad = gen.next(IdGenerator::kMaxShard + 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().status(), BZ_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace bazaar::host
