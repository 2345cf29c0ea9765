// The facts file of a dry-run (`bazaarctl rules eval FILE --facts FACTS.json`):
// a flat JSON object of fact name -> value, plus optional "now", "lists" and
// "counters". Format in docs/RULES.md.
#pragma once

#include <bazaar/rules/facts.h>
#include <bazaar/rules/memory_providers.h>
#include <bazaar/rules/result.h>

#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bazaar::rules {

// Owns the facts and everything they view; do not copy or move its members.
struct FactsFile {
  explicit FactsFile(const FactSchema& schema) : facts(schema) {}

  Facts facts;
  std::optional<std::int64_t> now_ms;  // "now", if given
  bool has_counters = false;           // "counters" given: otherwise none are available
  StaticCounterProvider counters;
  MemoryListProvider lists;            // lists not given are unavailable
  std::deque<std::string> strings;
  std::deque<std::vector<std::string_view>> string_lists;
};

// Errors carry line:column of the JSON text for syntax errors, no position
// otherwise ("fact 'order.amount' must be money in minor units (an integer)").
Result<std::unique_ptr<FactsFile>> parse_facts_file(std::string_view json,
                                                    const FactSchema& schema);

}  // namespace bazaar::rules
