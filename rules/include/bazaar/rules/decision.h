// What evaluating a rule set answers.
#pragma once

#include <cstdint>
#include <string_view>

namespace bazaar::rules {

// Ordered from lenient to strict: fail-closed logic takes the maximum.
enum class Outcome : std::uint8_t { kAllow = 0, kReview = 1, kDeny = 2 };
std::string_view to_string(Outcome outcome);  // "allow", "review", "deny"

// Why a condition could not be decided (three-valued logic: true, false, error).
enum class EvalError : std::uint8_t {
  kNone,
  kMissingFact,          // a fact the condition reads was not set
  kCounterUnavailable,   // no CounterProvider, or it answered nullopt / threw
  kListUnavailable,      // no ListProvider, or it answered nullopt / threw
  kSchemaMismatch,       // Facts built from another schema than the rule set's
};
std::string_view to_string(EvalError error);

// The caller's view of the world for one evaluation. The engine never reads a
// clock: now_ms decides effective windows and is passed to counters.
class CounterProvider;
class ListProvider;
struct EvalContext {
  std::int64_t now_ms = 0;                      // UTC milliseconds
  const CounterProvider* counters = nullptr;    // null: every counter is unavailable
  const ListProvider* lists = nullptr;          // null: every named list is unavailable
};

// Every string_view points into the RuleSet that produced the decision (or
// into static storage) and stays valid as long as that RuleSet lives.
struct Decision {
  Outcome outcome = Outcome::kAllow;
  std::string_view code;     // the deciding action's code, "SCORE_DENY", "RULES_ERROR", ...
  std::string_view message;  // for the end user / merchant
  std::int64_t score = 0;    // sum of matching rules' scores (score mode)
  std::uint64_t tags = 0;    // bit i set: tag RuleSet::tag_name(i) was applied

  // The rule that decided, by document index and id; -1 / empty when the
  // set's default (first-match) or its thresholds (score) decided.
  std::int32_t rule = -1;
  std::string_view rule_id;

  // Fail closed: true when a condition evaluated to error and the set's
  // on-error policy made the outcome stricter. error_rule / error /
  // error_subject (a fact, list or counter name) say why; they are also set
  // when an error happened but a stricter outcome won anyway.
  bool failed_closed = false;
  std::int32_t error_rule = -1;
  std::string_view error_rule_id;
  EvalError error = EvalError::kNone;
  std::string_view error_subject;

  bool has_tag(std::uint32_t tag) const { return tag < 64 && ((tags >> tag) & 1U) != 0; }
};

}  // namespace bazaar::rules
