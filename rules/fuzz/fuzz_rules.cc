// libFuzzer target over compile() and evaluate(). Any input must compile or
// be refused with positioned diagnostics, and every compiled set must
// evaluate without crashing against several fact sets, with and without a
// trace. Built with clang by run.sh; replayed over the corpus by every build
// (replay_main.cc).
#include <bazaar/rules/compile.h>
#include <bazaar/rules/memory_providers.h>

#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

using namespace bazaar::rules;

void check(bool condition) {
  if (!condition) std::abort();
}

struct World {
  FactSchema schema = *builtin_schema("order.create");
  StaticCounterProvider counters;
  MemoryListProvider lists;
  std::vector<std::string_view> tags{"vip", "wholesale"};
  Facts full{schema};
  Facts empty{schema};

  World() {
    counters.set("order.create", "user.id", "u-1", 3'600'000, 9);
    lists.add("blacklist.users", "u-1");
    lists.add_empty("blacklist.ips");
    auto slot = [this](std::string_view name) { return *schema.find_fact(name); };
    check(full.set_money(slot("order.amount"), 250000));
    check(full.set_integer(slot("order.item_count"), 3));
    check(full.set_string(slot("user.id"), "u-1"));
    check(full.set_integer(slot("user.age_days"), 2));
    check(full.set_boolean(slot("user.first_order"), true));
    check(full.set_timestamp(slot("user.registered_at"), 1795255200000));
    check(full.set_string_list(slot("user.tags"), tags));
    check(full.set_string(slot("request.ip"), "10.0.0.1"));
    check(full.set_string(slot("device.id"), "d-1"));
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const World world;
  const std::string_view xml(reinterpret_cast<const char*>(data), size);
  auto compiled = compile(xml, world.schema);
  if (!compiled.ok()) {
    for (const auto& d : compiled.errors()) {
      check(d.line >= 1 && d.column >= 1 && !d.message.empty());
    }
    return 0;
  }
  const RuleSet& set = compiled.value();
  Trace trace;
  for (std::int64_t now : {std::int64_t{0}, std::int64_t{1795255200000}}) {
    const EvalContext full_context{now, &world.counters, &world.lists};
    const Decision a = set.evaluate(world.full, full_context);
    const Decision b = set.evaluate(world.full, full_context, &trace);
    check(a.outcome == b.outcome && a.score == b.score && a.tags == b.tags);
    check(trace.rules.size() == set.rule_count());
    (void)format_trace(trace);
    const Decision c = set.evaluate(world.empty, EvalContext{now, nullptr, nullptr}, &trace);
    check(c.outcome >= Outcome::kAllow && c.outcome <= Outcome::kDeny);
    (void)format_trace(trace);
  }
  return 0;
}
