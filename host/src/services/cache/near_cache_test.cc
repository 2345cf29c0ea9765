#include "services/cache/near_cache.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

namespace bazaar::host {
namespace {

// Two "processes" of one node: two near caches over the same stamps, as the
// workers share NodeState.
struct SharedStamps {
  std::atomic<uint64_t> sequence{0};
  std::atomic<uint64_t> slots[64]{};
  NearStamps view() { return {&sequence, slots, 64}; }
};

TEST(NearCacheTest, ServesAFetchedValueUntilMaxAge) {
  NearCache near({}, 1 << 20);
  EXPECT_FALSE(near.get("k", 1000));
  near.put("k", "v1", near.begin_fetch());
  EXPECT_EQ(near.get("k", 1000), "v1");
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // older than the reader's 1 ms
  EXPECT_FALSE(near.get("k", 1));
  EXPECT_FALSE(near.get("k", 1000));  // dropped on the stale read
}

TEST(NearCacheTest, AChangeInOneWorkerStopsEveryWorkerServingTheOldValue) {
  SharedStamps node;
  NearCache a(node.view(), 1 << 20);
  NearCache b(node.view(), 1 << 20);
  b.put("order:1", "PENDING", b.begin_fetch());
  a.changed("order:1");  // worker A committed, deleted memcached's copy, then stamped
  EXPECT_FALSE(b.get("order:1", 60'000));
  b.put("order:1", "PAID", b.begin_fetch());  // fetched after the change: current
  EXPECT_EQ(b.get("order:1", 60'000), "PAID");
}

TEST(NearCacheTest, AValueFetchedBeforeAChangeIsNeverStored) {
  SharedStamps node;
  NearCache a(node.view(), 1 << 20);
  NearCache b(node.view(), 1 << 20);
  const uint64_t fetched_at = b.begin_fetch();  // b starts reading memcached: old value
  a.changed("k");                               // meanwhile a's writer changes it
  b.put("k", "old", fetched_at);
  EXPECT_FALSE(b.get("k", 60'000));
}

TEST(NearCacheTest, OtherKeysSurviveAChange) {
  SharedStamps node;
  NearCache near(node.view(), 1 << 20);
  // With 64 slots some keys share one; find one that does not share "a"'s.
  near.put("a", "1", near.begin_fetch());
  std::string other;
  for (int i = 0; i < 1000 && other.empty(); ++i) {
    std::string k = "b" + std::to_string(i);
    near.put(k, "2", near.begin_fetch());
    near.changed("a");
    if (near.get(k, 60'000)) other = k;
  }
  ASSERT_FALSE(other.empty());
  EXPECT_FALSE(near.get("a", 60'000));
  EXPECT_EQ(near.get(other, 60'000), "2");
}

TEST(NearCacheTest, StaysWithinItsByteBudgetDroppingTheOldest) {
  NearCache near({}, 16 * 4096);  // 4 KiB per shard
  const std::string value(1000, 'x');
  for (int i = 0; i < 1000; ++i) near.put("key" + std::to_string(i), value, near.begin_fetch());
  EXPECT_LE(near.bytes(), size_t{16 * 4096});
  EXPECT_GT(near.bytes(), size_t{0});
  EXPECT_EQ(near.get("key999", 60'000), value);  // the newest stays
  EXPECT_FALSE(near.get("key0", 60'000));        // the oldest went
}

TEST(NearCacheTest, RacingChangesLeaveTheLatestStamp) {
  SharedStamps node;
  NearCache a(node.view(), 1 << 20);
  NearCache b(node.view(), 1 << 20);
  std::thread t1([&] {
    for (int i = 0; i < 10'000; ++i) a.changed("k");
  });
  std::thread t2([&] {
    for (int i = 0; i < 10'000; ++i) b.changed("k");
  });
  t1.join();
  t2.join();
  // Every change advanced the sequence; the slot holds the last of them, so a
  // copy fetched before the last change is refused.
  EXPECT_EQ(node.sequence.load(), 20'000u);
  b.put("k", "v", 19'999);
  EXPECT_FALSE(b.get("k", 60'000));
  b.put("k", "v", b.begin_fetch());
  EXPECT_EQ(b.get("k", 60'000), "v");
}

}  // namespace
}  // namespace bazaar::host
