// Compile and evaluate rule sets of 10, 100 and 1,000 realistic rules.
// Facts are chosen so that no rule matches: every rule is evaluated (the
// worst case of first-match). Counters and lists come from in-memory
// providers that answer with a virtual call and a binary search, so the
// figures are the engine's own cost, not memcached's.
#include <bazaar/rules/compile.h>
#include <bazaar/rules/providers.h>

#include <benchmark/benchmark.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <iostream>
#include <string>
#include <unordered_set>
#include <vector>

namespace {

using namespace bazaar::rules;

std::string condition(int i) {
  const std::string n = std::to_string(i);
  switch (i % 7) {
    case 0:
      return "<all><gt fact=\"order.amount\" value=\"" + std::to_string(5000 + i) +
             ".00\"/><lt fact=\"user.age_days\" value=\"" + std::to_string(7 + i % 5) + "\"/></all>";
    case 1:
      return "<any><in fact=\"request.ip\" list=\"blacklist.ips\"/>"
             "<in fact=\"device.id\" list=\"blacklist.devices\"/></any>";
    case 2:
      return "<gt counter=\"order.create\" by=\"user.id\" window=\"" + std::to_string(1 + i % 6) +
             "h\" value=\"" + std::to_string(20 + i % 10) + "\"/>";
    case 3:
      return "<in fact=\"order.sku_ids\"><item value=\"sku-" + n + "-a\"/><item value=\"sku-" + n +
             "-b\"/><item value=\"sku-" + n + "-c\"/><item value=\"sku-" + n +
             "-d\"/><item value=\"sku-" + n + "-e\"/></in>";
    case 4:
      return "<all><starts-with fact=\"request.ip\" value=\"10." + n +
             ".\"/><not><contains fact=\"user.tags\" value=\"vip\"/></not></all>";
    case 5:
      return "<all><eq fact=\"user.first_order\" value=\"true\"/><between fact=\"order.item_count\" "
             "min=\"50\" max=\"" + std::to_string(100 + i) + "\"/></all>";
    default:
      return "<in fact=\"user.id\"><item value=\"u-" + n + "-1\"/><item value=\"u-" + n +
             "-2\"/><item value=\"u-" + n + "-3\"/></in>";
  }
}

std::string rule_set(int rules, bool score) {
  std::string xml = "<ruleset name=\"bench\" version=\"1\" mode=\"" +
                    std::string(score ? "score" : "first-match") + "\" on-error=\"review\">\n";
  if (score) xml += "  <thresholds review=\"50\" deny=\"100\"/>\n";
  for (int i = 0; i < rules; ++i) {
    xml += "  <rule id=\"rule-" + std::to_string(i) + "\" priority=\"" + std::to_string(i % 10) +
           "\">\n    <when>" + condition(i) + "</when>\n    <then>";
    xml += score ? "<score points=\"" + std::to_string(10 + i % 20) + "\"/>"
                 : "<deny code=\"RISK_" + std::to_string(i) + "\" message=\"Order refused.\"/>";
    xml += "<tag name=\"t" + std::to_string(i % 16) + "\"/></then>\n  </rule>\n";
  }
  return xml + "</ruleset>\n";
}

class BenchCounters final : public CounterProvider {
 public:
  std::optional<std::int64_t> count(const CounterQuery& query) const override {
    return static_cast<std::int64_t>(query.window_ms / 3'600'000);  // 1..6: never above 20
  }
};

// A merchant's blacklist as a worker would hold it: a hash set of 1,000
// entries with heterogeneous (allocation-free) lookup.
class BenchLists final : public ListProvider {
 public:
  BenchLists() {
    for (int i = 0; i < 1000; ++i) {
      entries_.insert("198.51." + std::to_string(i / 250) + "." + std::to_string(i % 250));
    }
  }
  std::optional<bool> contains(std::string_view, std::string_view value) const override {
    return entries_.find(value) != entries_.end();
  }

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_set<std::string, Hash, std::equal_to<>> entries_;
};

struct World {
  FactSchema schema = *builtin_schema("order.create");
  Facts facts{schema};
  std::array<std::string_view, 3> skus{"sku-x-1", "sku-x-2", "sku-x-3"};
  std::array<std::string_view, 1> tags{"vip"};
  BenchCounters counters;
  BenchLists lists;

  World() {
    auto slot = [this](std::string_view name) { return *schema.find_fact(name); };
    bool ok = facts.set_money(slot("order.amount"), 129900) &&
              facts.set_integer(slot("order.item_count"), 2) &&
              facts.set_string_list(slot("order.sku_ids"), skus) &&
              facts.set_string(slot("user.id"), "u-88231") &&
              facts.set_integer(slot("user.age_days"), 420) &&
              facts.set_boolean(slot("user.first_order"), false) &&
              facts.set_string_list(slot("user.tags"), tags) &&
              facts.set_string(slot("request.ip"), "203.0.113.9") &&
              facts.set_string(slot("device.id"), "dev-7f3a");
    if (!ok) std::abort();
  }
};

const World& world() {
  static const World w;
  return w;
}

RuleSet compile_or_die(const std::string& xml) {
  auto result = compile(xml, world().schema);
  if (!result.ok()) {
    for (const auto& e : result.errors()) std::cerr << to_string(e) << "\n";
    std::abort();
  }
  return std::move(result).value();
}

void BM_Compile(benchmark::State& state) {
  const std::string xml = rule_set(static_cast<int>(state.range(0)), false);
  for (auto _ : state) {
    auto result = compile(xml, world().schema);
    benchmark::DoNotOptimize(result);
  }
  state.counters["bytes"] = static_cast<double>(xml.size());
}
BENCHMARK(BM_Compile)->Arg(10)->Arg(100)->Arg(1000)->Unit(benchmark::kMicrosecond);

void evaluate(benchmark::State& state, bool score, bool with_trace) {
  const RuleSet set = compile_or_die(rule_set(static_cast<int>(state.range(0)), score));
  const EvalContext context{1795255200000, &world().counters, &world().lists};
  Trace trace;
  {
    const Decision check = set.evaluate(world().facts, context);
    if (check.outcome != Outcome::kAllow || check.error != EvalError::kNone) {
      std::cerr << "benchmark facts must match nothing\n";
      std::abort();
    }
  }
  for (auto _ : state) {
    Decision d = set.evaluate(world().facts, context, with_trace ? &trace : nullptr);
    benchmark::DoNotOptimize(d);
  }
  state.counters["rules/s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * static_cast<double>(state.range(0)),
      benchmark::Counter::kIsRate);
}

void BM_EvaluateFirstMatch(benchmark::State& state) { evaluate(state, false, false); }
void BM_EvaluateScore(benchmark::State& state) { evaluate(state, true, false); }
void BM_EvaluateWithTrace(benchmark::State& state) { evaluate(state, false, true); }
BENCHMARK(BM_EvaluateFirstMatch)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_EvaluateScore)->Arg(10)->Arg(100)->Arg(1000);
BENCHMARK(BM_EvaluateWithTrace)->Arg(100);

}  // namespace

BENCHMARK_MAIN();
