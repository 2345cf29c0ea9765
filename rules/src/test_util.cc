#include "test_util.h"

namespace bazaar::rules::testing {

const FactSchema& order_schema() {
  static const FactSchema schema = *builtin_schema("order.create");
  return schema;
}

std::string first_match_set(std::string_view rules, std::string_view extra_attributes) {
  return std::string("<ruleset name=\"t\" version=\"1\" mode=\"first-match\" on-error=\"review\"") +
         (extra_attributes.empty() ? "" : " ") + std::string(extra_attributes) + ">\n" +
         std::string(rules) + "</ruleset>\n";
}

std::string deny_rule(std::string_view id, std::string_view condition, std::string_view priority) {
  return "<rule id=\"" + std::string(id) + "\" priority=\"" + std::string(priority) +
         "\"><when>" + std::string(condition) + "</when><then><deny code=\"D_" + std::string(id) +
         "\" message=\"no\"/></then></rule>\n";
}

RuleSet compile_ok(std::string_view xml, const FactSchema& schema) {
  auto result = compile(xml, schema);
  if (!result.ok()) {
    std::string all;
    for (const auto& e : result.errors()) all += to_string(e) + "\n";
    ADD_FAILURE() << "compile failed:\n" << all << "for:\n" << xml;
    return compile_ok(first_match_set(deny_rule("placeholder", "<exists fact=\"user.id\"/>")),
                      order_schema());
  }
  return std::move(result).value();
}

std::vector<std::string> compile_errors(std::string_view xml, const FactSchema& schema,
                                        const CompileLimits& limits) {
  auto result = compile(xml, schema, limits);
  if (result.ok()) {
    ADD_FAILURE() << "compile unexpectedly succeeded for:\n" << xml;
    return {};
  }
  std::vector<std::string> out;
  for (const auto& e : result.errors()) out.push_back(to_string(e));
  return out;
}

OrderFacts::OrderFacts() : facts_(order_schema()) {}

FactSlot OrderFacts::slot(std::string_view name) const {
  auto slot = order_schema().find_fact(name);
  EXPECT_TRUE(slot.has_value()) << name;
  return slot.value_or(FactSlot{0});
}

OrderFacts& OrderFacts::integer(std::string_view name, std::int64_t value) {
  EXPECT_TRUE(facts_.set_integer(slot(name), value)) << name;
  return *this;
}
OrderFacts& OrderFacts::money(std::string_view name, std::int64_t value) {
  EXPECT_TRUE(facts_.set_money(slot(name), value)) << name;
  return *this;
}
OrderFacts& OrderFacts::timestamp(std::string_view name, std::int64_t value) {
  EXPECT_TRUE(facts_.set_timestamp(slot(name), value)) << name;
  return *this;
}
OrderFacts& OrderFacts::boolean(std::string_view name, bool value) {
  EXPECT_TRUE(facts_.set_boolean(slot(name), value)) << name;
  return *this;
}
OrderFacts& OrderFacts::string(std::string_view name, std::string value) {
  strings_.push_back(std::make_unique<std::string>(std::move(value)));
  EXPECT_TRUE(facts_.set_string(slot(name), *strings_.back())) << name;
  return *this;
}
OrderFacts& OrderFacts::list(std::string_view name, std::vector<std::string> values) {
  auto views = std::make_unique<std::vector<std::string_view>>();
  for (auto& v : values) {
    strings_.push_back(std::make_unique<std::string>(std::move(v)));
    views->push_back(*strings_.back());
  }
  lists_.push_back(std::move(views));
  EXPECT_TRUE(facts_.set_string_list(slot(name), *lists_.back())) << name;
  return *this;
}

Decision run(const RuleSet& set, const OrderFacts& facts, std::int64_t now_ms,
             const CounterProvider* counters, const ListProvider* lists, Trace* trace) {
  EvalContext context{now_ms, counters, lists};
  return set.evaluate(facts.facts(), context, trace);
}

Outcome outcome_of(std::string_view condition, const OrderFacts& facts,
                   const CounterProvider* counters, const ListProvider* lists) {
  const RuleSet set = compile_ok(first_match_set(deny_rule("r", condition)));
  return run(set, facts, 0, counters, lists).outcome;
}

}  // namespace bazaar::rules::testing
