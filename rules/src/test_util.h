// Helpers shared by the rules tests.
#pragma once

#include <bazaar/rules/compile.h>
#include <bazaar/rules/memory_providers.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace bazaar::rules::testing {

// The built-in order.create schema.
const FactSchema& order_schema();

// A first-match set around `rules` (the XML of one or more <rule>s).
std::string first_match_set(std::string_view rules, std::string_view extra_attributes = "");

// A rule with one condition and a deny action.
std::string deny_rule(std::string_view id, std::string_view condition,
                      std::string_view priority = "10");

// Compiles and fails the test (returning an empty-rule placeholder) on errors.
RuleSet compile_ok(std::string_view xml, const FactSchema& schema = order_schema());

// The diagnostics of a compile that must fail, as "line:column: message".
std::vector<std::string> compile_errors(std::string_view xml,
                                        const FactSchema& schema = order_schema(),
                                        const CompileLimits& limits = {});

// Facts for order.create with setters by name; owns its strings.
class OrderFacts {
 public:
  OrderFacts();
  OrderFacts& integer(std::string_view name, std::int64_t value);
  OrderFacts& money(std::string_view name, std::int64_t value);
  OrderFacts& timestamp(std::string_view name, std::int64_t value);
  OrderFacts& boolean(std::string_view name, bool value);
  OrderFacts& string(std::string_view name, std::string value);
  OrderFacts& list(std::string_view name, std::vector<std::string> values);
  const Facts& facts() const { return facts_; }

 private:
  FactSlot slot(std::string_view name) const;
  Facts facts_;
  std::vector<std::unique_ptr<std::string>> strings_;
  std::vector<std::unique_ptr<std::vector<std::string_view>>> lists_;
};

// Evaluates `set` on `facts` at time `now_ms` with optional providers.
Decision run(const RuleSet& set, const OrderFacts& facts, std::int64_t now_ms = 0,
             const CounterProvider* counters = nullptr, const ListProvider* lists = nullptr,
             Trace* trace = nullptr);

// Whether a single condition matches (true), does not (false), as a deny rule
// in a first-match set with on-error="review"; errors show up as review.
Outcome outcome_of(std::string_view condition, const OrderFacts& facts,
                   const CounterProvider* counters = nullptr, const ListProvider* lists = nullptr);

}  // namespace bazaar::rules::testing
