// A dry-run trace: what happened to every rule of a set during one evaluation.
#pragma once

#include <bazaar/rules/decision.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace bazaar::rules {

enum class RuleResult : std::uint8_t {
  kMatch,       // the condition was true
  kNoMatch,     // the condition was false
  kError,       // the condition could not be decided (never a match)
  kDisabled,    // enabled="false"
  kInactive,    // now is outside the rule's from/to window
  kNotReached,  // first-match: an earlier rule already decided
};
std::string_view to_string(RuleResult result);

// One rule's fate. Views point into the RuleSet that wrote the trace.
struct RuleTrace {
  std::uint32_t rule = 0;  // document index
  std::string_view rule_id;
  std::uint32_t line = 0;  // of the <rule> element
  RuleResult result = RuleResult::kNotReached;
  bool decided = false;    // this rule's action is the decision
  // For kMatch: the last condition that made the tree true (in an <any>, the
  // alternative that matched). For kError: the condition that failed.
  std::uint32_t condition_line = 0;
  std::uint32_t condition_column = 0;
  std::string_view condition;  // e.g. "order.amount gt 5000.00"
  EvalError error = EvalError::kNone;
  std::string_view error_subject;
};

// Rules appear in evaluation order (priority, then document order).
struct Trace {
  std::vector<RuleTrace> rules;
};

// Human-readable trace, one line per rule:
//   "  velocity  match  (line 12)  count(order.create by user.id, 1h) gt 5 at 14:9"
std::string format_trace(const Trace& trace);

}  // namespace bazaar::rules
