#include <bazaar/rules/trace.h>

namespace bazaar::rules {

std::string_view to_string(RuleResult result) {
  switch (result) {
    case RuleResult::kMatch: return "match";
    case RuleResult::kNoMatch: return "no match";
    case RuleResult::kError: return "error";
    case RuleResult::kDisabled: return "disabled";
    case RuleResult::kInactive: return "inactive";
    case RuleResult::kNotReached: return "not reached";
  }
  return "unknown";
}

std::string format_trace(const Trace& trace) {
  std::string out;
  for (const auto& entry : trace.rules) {
    out += "  ";
    out += entry.rule_id;
    out += " (line " + std::to_string(entry.line) + "): ";
    out += to_string(entry.result);
    if (entry.decided) out += ", decided";
    if (entry.result == RuleResult::kMatch && !entry.condition.empty()) {
      out += ": ";
      out += entry.condition;
    } else if (entry.result == RuleResult::kError) {
      out += ": ";
      out += to_string(entry.error);
      out += " '";
      out += entry.error_subject;
      out += "' in ";
      out += entry.condition;
    }
    if (entry.result == RuleResult::kMatch || entry.result == RuleResult::kError) {
      out += " at " + std::to_string(entry.condition_line) + ":" +
             std::to_string(entry.condition_column);
    }
    out += "\n";
  }
  return out;
}

}  // namespace bazaar::rules
