// Proves the hot path allocation-free: counts global operator new calls made
// by the evaluating thread while evaluate() runs without a trace.
#include "test_util.h"

#include <atomic>
#include <cstdlib>
#include <new>

namespace {
thread_local bool g_counting = false;
thread_local std::size_t g_allocations = 0;
}  // namespace

// Every non-aligned form and its deletes go through malloc/free, so
// sanitizers see matching pairs.
namespace {
void* counted_allocation(std::size_t size) {
  if (g_counting) ++g_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
}  // namespace

void* operator new(std::size_t size) { return counted_allocation(size); }
void* operator new[](std::size_t size) { return counted_allocation(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (g_counting) ++g_allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t&) noexcept {
  if (g_counting) ++g_allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void operator delete(void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { std::free(p); }
void operator delete(void* p) noexcept { std::free(p); }
void operator delete[](void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace bazaar::rules {
namespace {

TEST(Allocation, EvaluateDoesNotAllocateWithoutATrace) {
  StaticCounterProvider counters;
  counters.set("order.create", "user.id", "u-1", 3'600'000, 2);
  MemoryListProvider lists;
  lists.add("blacklist.users", "u-9");
  const RuleSet set = testing::compile_ok(testing::first_match_set(
      testing::deny_rule("a", R"(<any><gt counter="order.create" by="user.id" window="1h" value="5"/><in fact="user.id" list="blacklist.users"/></any>)", "1") +
      testing::deny_rule("b", R"(<in fact="request.ip"><item value="1.1.1.1"/><item value="2.2.2.2"/></in>)", "2") +
      testing::deny_rule("c", R"(<all><contains fact="user.tags" value="x"/><not><starts-with fact="device.id" value="emu-"/></not></all>)", "3") +
      testing::deny_rule("d", R"(<eq counter="order.create" by="user.age_days" window="1h" value="5"/>)", "4") +
      testing::deny_rule("e", R"(<gt fact="order.amount" value="1.00"/>)", "5")));  // amount missing: error
  testing::OrderFacts facts;
  facts.string("user.id", "u-1").string("request.ip", "3.3.3.3").list("user.tags", {"y"})
      .string("device.id", "d-1").integer("user.age_days", 12345);
  const EvalContext context{0, &counters, &lists};

  g_allocations = 0;
  g_counting = true;
  Decision d;
  for (int i = 0; i < 100; ++i) d = set.evaluate(facts.facts(), context);
  g_counting = false;
  EXPECT_EQ(g_allocations, 0u);
  EXPECT_TRUE(d.failed_closed);  // every rule was evaluated, the last one errored

  Trace trace;
  g_counting = true;
  (void)set.evaluate(facts.facts(), context, &trace);
  g_counting = false;
  EXPECT_GT(g_allocations, 0u);  // the counter works: a trace does allocate
}

}  // namespace
}  // namespace bazaar::rules
