// XML rule file -> RuleSet. The grammar, limits and error format are in
// docs/RULES.md; rules/schema/ruleset.xsd describes the same grammar for editors.
#pragma once

#include <bazaar/rules/fact_schema.h>
#include <bazaar/rules/result.h>
#include <bazaar/rules/rule_set.h>

#include <cstddef>
#include <string_view>

namespace bazaar::rules {

// Every limit has its own error message. Defaults are the platform's limits;
// tests lower them.
struct CompileLimits {
  std::size_t max_file_bytes = 1 << 20;        // 1 MiB
  std::size_t max_rules = 1000;                // rules per set
  std::size_t max_condition_nodes = 20000;     // all/any/not/comparisons per set
  std::size_t max_condition_depth = 16;        // nesting of conditions inside <when>
  std::size_t max_element_depth = 32;          // raw XML nesting, checked before parsing
  std::size_t max_list_items = 1000;           // <item>s in one <in>/<not-in>
  std::size_t max_total_list_items = 20000;    // <item>s per set
  std::size_t max_counters = 32;               // distinct (event, by, window) per set
  std::size_t max_tags = 64;                   // distinct tag names per set
  std::size_t max_string_bytes = 1024;         // any attribute value
  std::size_t max_errors = 50;                 // diagnostics reported before giving up
};

// Parses, validates and compiles `xml` against `schema`. On failure returns
// every problem found (up to max_errors), each with its line and column, in
// document order. Never throws; any input, however hostile, returns in time
// linear in its size.
Result<RuleSet> compile(std::string_view xml, const FactSchema& schema,
                        const CompileLimits& limits = {});

}  // namespace bazaar::rules
