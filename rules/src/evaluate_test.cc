// Every operator on every type it accepts, three-valued logic, counters and lists.
#include "test_util.h"

#include <bazaar/rules/memory_providers.h>

#include <thread>

namespace bazaar::rules {
namespace {

using testing::OrderFacts;
using testing::outcome_of;

constexpr Outcome kMatch = Outcome::kDeny;     // the test rule denies when it matches
constexpr Outcome kNoMatch = Outcome::kAllow;  // default of the test set
constexpr Outcome kError = Outcome::kReview;   // on-error of the test set

TEST(Evaluate, IntegerComparisons) {
  OrderFacts f;
  f.integer("order.item_count", 5);
  EXPECT_EQ(outcome_of(R"(<eq fact="order.item_count" value="5"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<eq fact="order.item_count" value="6"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<ne fact="order.item_count" value="6"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<ne fact="order.item_count" value="5"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<lt fact="order.item_count" value="6"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<lt fact="order.item_count" value="5"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<le fact="order.item_count" value="5"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<le fact="order.item_count" value="4"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<gt fact="order.item_count" value="4"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<gt fact="order.item_count" value="5"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<ge fact="order.item_count" value="5"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<ge fact="order.item_count" value="6"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<between fact="order.item_count" min="5" max="5"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<between fact="order.item_count" min="1" max="4"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<between fact="order.item_count" min="6" max="9"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<in fact="order.item_count"><item value="9"/><item value="5"/></in>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<in fact="order.item_count"><item value="9"/><item value="-5"/></in>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<not-in fact="order.item_count"><item value="9"/></not-in>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<not-in fact="order.item_count"><item value="5"/></not-in>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<exists fact="order.item_count"/>)", f), kMatch);
  f.integer("order.item_count", -3);
  EXPECT_EQ(outcome_of(R"(<lt fact="order.item_count" value="0"/>)", f), kMatch);
}

TEST(Evaluate, MoneyIsComparedInMinorUnits) {
  OrderFacts f;
  f.money("order.amount", 199900);  // 1999.00
  EXPECT_EQ(outcome_of(R"(<eq fact="order.amount" value="1999.00"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<ge fact="order.amount" value="1999.01"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<lt fact="order.amount" value="1999.01"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<between fact="order.amount" min="1000.00" max="2000.00"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<in fact="order.amount"><item value="1999.00"/></in>)", f), kMatch);
}

TEST(Evaluate, Timestamps) {
  OrderFacts f;
  f.timestamp("user.registered_at", 1795255200000);  // 2026-11-21T10:00:00Z
  EXPECT_EQ(outcome_of(R"(<eq fact="user.registered_at" value="2026-11-21T10:00:00Z"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<lt fact="user.registered_at" value="2026-11-21T10:00:00.001Z"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<gt fact="user.registered_at" value="2026-11-21T10:00:00Z"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<between fact="user.registered_at" min="2026-11-01T00:00:00Z" max="2026-12-01T00:00:00Z"/>)", f), kMatch);
}

TEST(Evaluate, Booleans) {
  OrderFacts f;
  f.boolean("user.first_order", true);
  EXPECT_EQ(outcome_of(R"(<eq fact="user.first_order" value="true"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<eq fact="user.first_order" value="false"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<ne fact="user.first_order" value="false"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<exists fact="user.first_order"/>)", f), kMatch);
}

TEST(Evaluate, Strings) {
  OrderFacts f;
  f.string("request.ip", "10.1.2.3");
  EXPECT_EQ(outcome_of(R"(<eq fact="request.ip" value="10.1.2.3"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<eq fact="request.ip" value="10.1.2.30"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<ne fact="request.ip" value="10.1.2.30"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<starts-with fact="request.ip" value="10."/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<starts-with fact="request.ip" value="192.168."/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<ends-with fact="request.ip" value=".3"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<ends-with fact="request.ip" value=".4"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<contains fact="request.ip" value="1.2"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<contains fact="request.ip" value="9"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<in fact="request.ip"><item value="b"/><item value="10.1.2.3"/><item value="a"/></in>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<in fact="request.ip"><item value="10.1.2"/></in>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<not-in fact="request.ip"><item value="10.1.2"/></not-in>)", f), kMatch);
  // Comparisons are byte-wise and case-sensitive.
  f.string("device.id", "Dev-\xE4\xB8\xAD");
  EXPECT_EQ(outcome_of(R"(<eq fact="device.id" value="dev-&#x4E2D;"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<eq fact="device.id" value="Dev-&#x4E2D;"/>)", f), kMatch);
  f.string("order.coupon_code", "");
  EXPECT_EQ(outcome_of(R"(<eq fact="order.coupon_code" value=""/>)", f), kMatch);
}

TEST(Evaluate, StringLists) {
  OrderFacts f;
  f.list("user.tags", {"vip", "wholesale"});
  EXPECT_EQ(outcome_of(R"(<contains fact="user.tags" value="vip"/>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<contains fact="user.tags" value="vi"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<in fact="user.tags"><item value="staff"/><item value="wholesale"/></in>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<in fact="user.tags"><item value="staff"/></in>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<not-in fact="user.tags"><item value="staff"/></not-in>)", f), kMatch);
  EXPECT_EQ(outcome_of(R"(<not-in fact="user.tags"><item value="vip"/></not-in>)", f), kNoMatch);
  f.list("user.tags", {});
  EXPECT_EQ(outcome_of(R"(<contains fact="user.tags" value="vip"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<exists fact="user.tags"/>)", f), kMatch);
}

TEST(Evaluate, NamedLists) {
  MemoryListProvider lists;
  lists.add("blacklist.users", "u-bad");
  lists.add("blacklist.devices", "d-bad");
  OrderFacts f;
  f.string("user.id", "u-bad").string("device.id", "d-ok").list("order.sku_ids", {"d-ok", "d-bad"});
  EXPECT_EQ(outcome_of(R"(<in fact="user.id" list="blacklist.users"/>)", f, nullptr, &lists), kMatch);
  EXPECT_EQ(outcome_of(R"(<not-in fact="user.id" list="blacklist.users"/>)", f, nullptr, &lists), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<in fact="device.id" list="blacklist.devices"/>)", f, nullptr, &lists), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<not-in fact="device.id" list="blacklist.devices"/>)", f, nullptr, &lists), kMatch);
  EXPECT_EQ(outcome_of(R"(<in fact="order.sku_ids" list="blacklist.devices"/>)", f, nullptr, &lists), kMatch);
  EXPECT_EQ(outcome_of(R"(<not-in fact="order.sku_ids" list="blacklist.devices"/>)", f, nullptr, &lists), kNoMatch);
  // A list the provider does not know, or no provider at all: error, never a match.
  EXPECT_EQ(outcome_of(R"(<in fact="user.id" list="blacklist.ips"/>)", f, nullptr, &lists), kError);
  EXPECT_EQ(outcome_of(R"(<not-in fact="user.id" list="blacklist.ips"/>)", f, nullptr, &lists), kError);
  EXPECT_EQ(outcome_of(R"(<in fact="user.id" list="blacklist.users"/>)", f), kError);
}

TEST(Evaluate, MissingFactsAreErrorsExceptForExists) {
  OrderFacts f;
  EXPECT_EQ(outcome_of(R"(<exists fact="user.id"/>)", f), kNoMatch);
  EXPECT_EQ(outcome_of(R"(<not><exists fact="user.id"/></not>)", f), kMatch);
  for (const char* condition :
       {R"(<eq fact="user.id" value="x"/>)", R"(<ne fact="user.id" value="x"/>)",
        R"(<gt fact="order.amount" value="1.00"/>)", R"(<not-in fact="user.id"><item value="x"/></not-in>)",
        R"(<contains fact="user.tags" value="x"/>)", R"(<not><eq fact="user.id" value="x"/></not>)"}) {
    EXPECT_EQ(outcome_of(condition, f), kError) << condition;
  }
}

TEST(Evaluate, ThreeValuedLogic) {
  OrderFacts f;
  f.integer("order.item_count", 5);  // user.id is missing: an error leaf
  const std::string error = R"(<eq fact="user.id" value="x"/>)";
  const std::string yes = R"(<eq fact="order.item_count" value="5"/>)";
  const std::string no = R"(<eq fact="order.item_count" value="6"/>)";
  // all: false wins over error; error wins over true.
  EXPECT_EQ(outcome_of("<all>" + error + no + "</all>", f), kNoMatch);
  EXPECT_EQ(outcome_of("<all>" + yes + error + "</all>", f), kError);
  EXPECT_EQ(outcome_of("<all>" + yes + yes + "</all>", f), kMatch);
  // any: true wins over error; error wins over false.
  EXPECT_EQ(outcome_of("<any>" + error + yes + "</any>", f), kMatch);
  EXPECT_EQ(outcome_of("<any>" + no + error + "</any>", f), kError);
  EXPECT_EQ(outcome_of("<any>" + no + no + "</any>", f), kNoMatch);
  // not keeps errors.
  EXPECT_EQ(outcome_of("<not>" + error + "</not>", f), kError);
  EXPECT_EQ(outcome_of("<not><any>" + no + "<not>" + no + "</not></any></not>", f), kNoMatch);
  // <when> is an implicit all.
  EXPECT_EQ(outcome_of(yes + no, f), kNoMatch);
  EXPECT_EQ(outcome_of(yes + yes, f), kMatch);
}

TEST(Evaluate, CountersAreQueriedOncePerCallWithTheirKey) {
  class RecordingCounters final : public CounterProvider {
   public:
    std::optional<std::int64_t> count(const CounterQuery& q) const override {
      ++calls;
      last = std::string(q.event) + "|" + std::string(q.by_fact) + "|" + std::string(q.by_value) +
             "|" + std::to_string(q.window_ms) + "|" + std::to_string(q.now_ms);
      return 7;
    }
    mutable int calls = 0;
    mutable std::string last;
  } counters;
  const RuleSet set = testing::compile_ok(testing::first_match_set(
      testing::deny_rule("a", R"(<gt counter="order.create" by="user.id" window="1h" value="9"/>)", "1") +
      testing::deny_rule("b", R"(<lt counter="order.create" by="user.id" window="1h" value="7"/>)", "2") +
      testing::deny_rule("c", R"(<eq counter="order.create" by="user.age_days" window="30m" value="7"/>)", "3")));
  OrderFacts f;
  f.string("user.id", "u-1").integer("user.age_days", -12);
  const Decision d = testing::run(set, f, 1234, &counters);
  EXPECT_EQ(d.outcome, Outcome::kDeny);
  EXPECT_EQ(d.rule_id, "c");
  EXPECT_EQ(counters.calls, 2);  // (order.create, user.id, 1h) once, then the 30m one
  EXPECT_EQ(counters.last, "order.create|user.age_days|-12|1800000|1234");
}

TEST(Evaluate, CounterFailuresAreErrors) {
  StaticCounterProvider counters;
  counters.set("order.create", "user.id", "u-1", 3'600'000, 9);
  OrderFacts f;
  f.string("user.id", "u-1");
  const std::string over = R"(<gt counter="order.create" by="user.id" window="1h" value="5"/>)";
  EXPECT_EQ(outcome_of(over, f, &counters), kMatch);
  EXPECT_EQ(outcome_of(over, f, nullptr), kError);  // no provider
  counters.set_unavailable(true);
  EXPECT_EQ(outcome_of(over, f, &counters), kError);
  counters.set_unavailable(false);
  OrderFacts no_user;  // the fact keying the counter is missing
  EXPECT_EQ(outcome_of(over, no_user, &counters), kError);

  class Throwing final : public CounterProvider {
   public:
    std::optional<std::int64_t> count(const CounterQuery&) const override {
      throw std::runtime_error("memcached down");
    }
  } throwing;
  EXPECT_EQ(outcome_of(over, f, &throwing), kError);
}

TEST(Evaluate, FactsFromAnotherSchemaFailClosed) {
  const RuleSet set = testing::compile_ok(
      testing::first_match_set(testing::deny_rule("a", R"(<exists fact="user.id"/>)")));
  FactSchema other("other");
  ASSERT_TRUE(other.add_fact("user.id", FactType::kString).ok());
  Facts facts(other);
  const Decision d = set.evaluate(facts, EvalContext{});
  EXPECT_EQ(d.outcome, Outcome::kReview);
  EXPECT_TRUE(d.failed_closed);
  EXPECT_EQ(d.error, EvalError::kSchemaMismatch);
}

TEST(Evaluate, IsSafeFromManyThreads) {
  const RuleSet set = testing::compile_ok(testing::first_match_set(
      testing::deny_rule("big", R"(<gt fact="order.amount" value="100.00"/>)", "1")));
  auto worker = [&set](std::int64_t amount, Outcome expected, int* mismatches) {
    OrderFacts f;
    f.money("order.amount", amount);
    for (int i = 0; i < 20000; ++i) {
      if (testing::run(set, f).outcome != expected) ++*mismatches;
    }
  };
  int a = 0, b = 0;
  std::thread t1(worker, 20000, Outcome::kDeny, &a);
  std::thread t2(worker, 50, Outcome::kAllow, &b);
  t1.join();
  t2.join();
  EXPECT_EQ(a, 0);
  EXPECT_EQ(b, 0);
}

}  // namespace
}  // namespace bazaar::rules
