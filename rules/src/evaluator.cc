// RuleSet::evaluate: walks the flat program with three-valued logic
// (true / false / error), without allocating and without loops that depend on
// anything but the program's and the facts' sizes.
#include <bazaar/rules/providers.h>
#include <bazaar/rules/rule_set.h>

#include "program.h"
#include "text_ops.h"

#include <algorithm>
#include <array>
#include <charconv>

namespace bazaar::rules {
namespace {

using detail::Node;
using detail::NodeKind;
using detail::Op;
using detail::Operand;
using detail::Program;

enum class Tri : std::uint8_t { kFalse, kTrue, kError };

constexpr std::string_view kErrorCode = "RULES_ERROR";

std::string_view error_message(EvalError error) {
  switch (error) {
    case EvalError::kMissingFact: return "a rule could not be evaluated: a fact is missing";
    case EvalError::kCounterUnavailable:
      return "a rule could not be evaluated: a counter is unavailable";
    case EvalError::kListUnavailable: return "a rule could not be evaluated: a list is unavailable";
    case EvalError::kSchemaMismatch:
      return "the facts do not match the schema the rule set was compiled for";
    case EvalError::kNone: break;
  }
  return "";
}

class Evaluator {
 public:
  Evaluator(const Program& program, const Facts& facts, const EvalContext& context)
      : p_(program), facts_(facts), context_(context) {}

  Tri eval(std::uint32_t index) {
    const Node& node = p_.nodes[index];
    switch (node.kind) {
      case NodeKind::kLeaf: return leaf_at(index);
      case NodeKind::kAll: {
        Tri result = Tri::kTrue;
        for (std::uint32_t child = index + 1; child < node.end; child = p_.nodes[child].end) {
          const Tri t = eval_child(child);
          if (t == Tri::kFalse) return Tri::kFalse;
          if (t == Tri::kError) result = Tri::kError;
        }
        return result;
      }
      case NodeKind::kAny: {
        Tri result = Tri::kFalse;
        for (std::uint32_t child = index + 1; child < node.end; child = p_.nodes[child].end) {
          const Tri t = eval_child(child);
          if (t == Tri::kTrue) return Tri::kTrue;
          if (t == Tri::kError) result = Tri::kError;
        }
        return result;
      }
      case NodeKind::kNot: {
        const Tri t = eval_child(index + 1);
        if (t == Tri::kError) return Tri::kError;
        if (t == Tri::kTrue) return Tri::kFalse;
        last_true_ = index;
        return Tri::kTrue;
      }
    }
    return Tri::kError;
  }

  // Leaves are the common child: evaluate them without a recursive call.
  Tri eval_child(std::uint32_t index) {
    return p_.nodes[index].kind == NodeKind::kLeaf ? leaf_at(index) : eval(index);
  }

  Tri leaf_at(std::uint32_t index) {
    const Tri result = leaf(p_.nodes[index]);
    if (result == Tri::kTrue) {
      last_true_ = index;
    } else if (result == Tri::kError) {
      error_node_ = index;
    }
    return result;
  }

  std::uint32_t last_true() const { return last_true_; }
  std::uint32_t error_node() const { return error_node_; }
  EvalError error() const { return error_; }
  std::string_view error_subject() const { return error_subject_; }

 private:
  Tri fail(EvalError error, std::string_view subject) {
    error_ = error;
    error_subject_ = subject;
    return Tri::kError;
  }

  Tri leaf(const Node& node) {
    if (node.operand == Operand::kCounter) {
      std::int64_t count = 0;
      if (!counter(node.slot, &count)) return Tri::kError;
      return number(node, count);
    }
    const Facts::Value& value = facts_.value(node.slot);
    if (!value.present) {
      if (node.op == Op::kExists) return Tri::kFalse;
      return fail(EvalError::kMissingFact, p_.str(p_.fact_names[node.slot]));
    }
    if (node.op == Op::kExists) return Tri::kTrue;
    switch (node.type) {
      case FactType::kString: return text(node, value.text, node.slot);
      case FactType::kStringList: return list(node, value.list);
      default: return number(node, value.number);
    }
  }

  static Tri truth(bool value) { return value ? Tri::kTrue : Tri::kFalse; }

  bool in_int_set(const Node& node, std::int64_t value) const {
    const auto* begin = p_.int_sets.data() + node.a;
    const auto* end = p_.int_sets.data() + node.b;
    return std::binary_search(begin, end, value);
  }

  // Binary search on the precomputed hashes; bytes are compared only for
  // entries whose hash is equal.
  bool in_text_set(const Node& node, std::string_view value, std::uint64_t hash) const {
    const std::uint64_t* hashes = p_.text_set_hashes.data();
    const auto* begin = hashes + node.a;
    const auto* end = hashes + node.b;
    for (const auto* it = std::lower_bound(begin, end, hash); it != end && *it == hash; ++it) {
      if (detail::text_equal(p_.str(p_.text_sets[static_cast<std::size_t>(it - hashes)]), value)) {
        return true;
      }
    }
    return false;
  }

  // The hash of a string fact, computed once per evaluation for the first
  // kHashCache slots (sets testing the same fact share it).
  std::uint64_t fact_hash(std::uint32_t slot, std::string_view value) {
    if (slot >= kHashCache) return detail::text_hash(value);
    const std::uint64_t bit = std::uint64_t{1} << slot;
    if ((hashed_ & bit) == 0) {
      hashes_[slot] = detail::text_hash(value);
      hashed_ |= bit;
    }
    return hashes_[slot];
  }

  // Asks the list provider; kError when it cannot answer.
  Tri in_named_list(const Node& node, std::string_view value) {
    const std::string_view name = p_.str(p_.list_names[static_cast<std::size_t>(node.a)]);
    if (context_.lists == nullptr) return fail(EvalError::kListUnavailable, name);
    std::optional<bool> found;
    try {
      found = context_.lists->contains(name, value);
    } catch (...) {
      found.reset();
    }
    if (!found) return fail(EvalError::kListUnavailable, name);
    return truth(*found);
  }

  Tri number(const Node& node, std::int64_t value) {
    switch (node.op) {
      case Op::kEq: return truth(value == node.a);
      case Op::kNe: return truth(value != node.a);
      case Op::kLt: return truth(value < node.a);
      case Op::kLe: return truth(value <= node.a);
      case Op::kGt: return truth(value > node.a);
      case Op::kGe: return truth(value >= node.a);
      case Op::kBetween: return truth(value >= node.a && value <= node.b);
      case Op::kInSet: return truth(in_int_set(node, value));
      case Op::kNotInSet: return truth(!in_int_set(node, value));
      case Op::kExists: return Tri::kTrue;
      default: return Tri::kError;  // refused at compile time
    }
  }

  Tri text(const Node& node, std::string_view value, std::uint32_t slot) {
    switch (node.op) {
      case Op::kEq: return truth(detail::text_equal(value, p_.str(node.text)));
      case Op::kNe: return truth(!detail::text_equal(value, p_.str(node.text)));
      case Op::kInSet: return truth(in_text_set(node, value, fact_hash(slot, value)));
      case Op::kNotInSet: return truth(!in_text_set(node, value, fact_hash(slot, value)));
      case Op::kInList: return in_named_list(node, value);
      case Op::kNotInList: {
        const Tri t = in_named_list(node, value);
        return t == Tri::kError ? t : truth(t == Tri::kFalse);
      }
      case Op::kContains: return truth(value.find(p_.str(node.text)) != std::string_view::npos);
      case Op::kStartsWith: return truth(detail::text_starts_with(value, p_.str(node.text)));
      case Op::kEndsWith: return truth(detail::text_ends_with(value, p_.str(node.text)));
      default: return Tri::kError;
    }
  }

  // String lists: contains = some element equals the value; in = some element
  // is in the set; not-in = no element is.
  Tri list(const Node& node, std::span<const std::string_view> values) {
    switch (node.op) {
      case Op::kContains: {
        const std::string_view wanted = p_.str(node.text);
        for (auto v : values) {
          if (detail::text_equal(v, wanted)) return Tri::kTrue;
        }
        return Tri::kFalse;
      }
      case Op::kInSet:
      case Op::kNotInSet: {
        bool any = false;
        for (auto v : values) {
          if (in_text_set(node, v, detail::text_hash(v))) {
            any = true;
            break;
          }
        }
        return truth(node.op == Op::kInSet ? any : !any);
      }
      case Op::kInList:
      case Op::kNotInList: {
        bool any = false;
        for (auto v : values) {
          const Tri t = in_named_list(node, v);
          if (t == Tri::kError) return t;
          if (t == Tri::kTrue) {
            any = true;
            break;
          }
        }
        return truth(node.op == Op::kInList ? any : !any);
      }
      default: return Tri::kError;
    }
  }

  // Fetches counter `index` once per evaluation; false (and the error set)
  // when it cannot be known.
  bool counter(std::uint32_t index, std::int64_t* out) {
    const std::uint64_t bit = std::uint64_t{1} << index;
    if ((fetched_ & bit) != 0) {
      *out = counts_[index];
      return true;
    }
    const detail::Counter& c = p_.counters[index];
    const Facts::Value& by = facts_.value(c.by);
    if (!by.present) {
      fail(EvalError::kMissingFact, p_.str(p_.fact_names[c.by]));
      return false;
    }
    if ((failed_ & bit) != 0 || context_.counters == nullptr) {
      fail(EvalError::kCounterUnavailable, p_.str(c.description));
      return false;
    }
    char digits[24];
    std::string_view by_value = by.text;
    if (facts_.type(c.by) == FactType::kInteger) {
      auto [end, ec] = std::to_chars(digits, digits + sizeof digits, by.number);
      by_value = std::string_view(digits, static_cast<std::size_t>(end - digits));
    }
    CounterQuery query{p_.str(p_.counter_events[c.event]), p_.str(p_.fact_names[c.by]), by_value,
                       c.window_ms, context_.now_ms};
    std::optional<std::int64_t> count;
    try {
      count = context_.counters->count(query);
    } catch (...) {
      count.reset();
    }
    if (!count) {
      failed_ |= bit;
      fail(EvalError::kCounterUnavailable, p_.str(c.description));
      return false;
    }
    fetched_ |= bit;
    counts_[index] = *count;
    *out = *count;
    return true;
  }

  const Program& p_;
  const Facts& facts_;
  const EvalContext& context_;
  static constexpr std::uint32_t kHashCache = 64;
  std::uint64_t hashed_ = 0;
  std::array<std::uint64_t, kHashCache> hashes_;
  std::uint64_t fetched_ = 0;
  std::uint64_t failed_ = 0;
  std::array<std::int64_t, detail::kCounterCapacity> counts_;
  std::uint32_t last_true_ = 0;
  std::uint32_t error_node_ = 0;
  EvalError error_ = EvalError::kNone;
  std::string_view error_subject_;
};

RuleTrace trace_entry(const Program& p, const detail::Rule& rule, RuleResult result) {
  RuleTrace entry;
  entry.rule = rule.document_index;
  entry.rule_id = p.str(rule.id);
  entry.line = rule.line;
  entry.result = result;
  return entry;
}

void point_at(const Program& p, std::uint32_t node_index, RuleTrace* entry) {
  const detail::NodeInfo& info = p.node_info[node_index];
  entry->condition_line = info.line;
  entry->condition_column = info.column;
  entry->condition = p.str(info.description);
}

}  // namespace

Decision RuleSet::evaluate(const Facts& facts, const EvalContext& context, Trace* trace) const {
  const Program& p = *program_;
  Decision decision;
  if (trace != nullptr) {
    trace->rules.clear();
    trace->rules.reserve(p.rules.size());
  }
  if (facts.fingerprint() != p.schema_fingerprint || facts.size() != p.fact_count) {
    decision.outcome = p.on_error;
    decision.code = kErrorCode;
    decision.message = error_message(EvalError::kSchemaMismatch);
    decision.failed_closed = true;
    decision.error = EvalError::kSchemaMismatch;
    if (trace != nullptr) {
      for (const auto& rule : p.rules) trace->rules.push_back(trace_entry(p, rule, RuleResult::kNotReached));
    }
    return decision;
  }

  Evaluator evaluator(p, facts, context);
  const bool first_match = p.mode == Mode::kFirstMatch;
  std::size_t decided = p.rules.size();      // position in evaluation order
  std::size_t first_error = p.rules.size();
  for (std::size_t i = 0; i < p.rules.size(); ++i) {
    const detail::Rule& rule = p.rules[i];
    RuleResult result;
    if (!rule.enabled) {
      result = RuleResult::kDisabled;
    } else if (context.now_ms < rule.from_ms || context.now_ms >= rule.to_ms) {
      result = RuleResult::kInactive;
    } else {
      const Tri t = evaluator.eval(rule.root);
      if (t == Tri::kTrue) {
        result = RuleResult::kMatch;
        decision.tags |= rule.tags;
        decision.score += rule.score;
        if (first_match && rule.decisive) decided = i;
      } else if (t == Tri::kFalse) {
        result = RuleResult::kNoMatch;
      } else {
        result = RuleResult::kError;
        if (first_error == p.rules.size()) {
          first_error = i;
          decision.error = evaluator.error();
          decision.error_subject = evaluator.error_subject();
        }
      }
    }
    if (trace != nullptr) {
      RuleTrace entry = trace_entry(p, rule, result);
      if (result == RuleResult::kMatch) {
        point_at(p, evaluator.last_true(), &entry);
      } else if (result == RuleResult::kError) {
        point_at(p, evaluator.error_node(), &entry);
        entry.error = evaluator.error();
        entry.error_subject = evaluator.error_subject();
      }
      entry.decided = i == decided;
      trace->rules.push_back(entry);
    }
    if (decided != p.rules.size()) break;
  }
  if (trace != nullptr) {
    for (std::size_t i = trace->rules.size(); i < p.rules.size(); ++i) {
      trace->rules.push_back(trace_entry(p, p.rules[i], RuleResult::kNotReached));
    }
  }

  if (first_match) {
    if (decided != p.rules.size()) {
      const detail::Rule& rule = p.rules[decided];
      decision.outcome = rule.outcome;
      decision.code = p.str(rule.code);
      decision.message = p.str(rule.message);
      decision.rule = static_cast<std::int32_t>(rule.document_index);
      decision.rule_id = p.str(rule.id);
    } else {
      decision.outcome = p.default_outcome;
    }
  } else if (decision.score >= p.deny_threshold) {
    decision.outcome = Outcome::kDeny;
    decision.code = p.str(p.deny_code);
    decision.message = "the risk score reached the deny threshold";
  } else if (decision.score >= p.review_threshold) {
    decision.outcome = Outcome::kReview;
    decision.code = p.str(p.review_code);
    decision.message = "the risk score reached the review threshold";
  }

  if (first_error != p.rules.size()) {
    const detail::Rule& rule = p.rules[first_error];
    decision.error_rule = static_cast<std::int32_t>(rule.document_index);
    decision.error_rule_id = p.str(rule.id);
    // Fail closed: an undecidable rule makes the outcome at least on-error.
    if (p.on_error > decision.outcome) {
      decision.outcome = p.on_error;
      decision.code = kErrorCode;
      decision.message = error_message(decision.error);
      decision.rule = decision.error_rule;
      decision.rule_id = decision.error_rule_id;
      decision.failed_closed = true;
      if (trace != nullptr) {
        for (auto& entry : trace->rules) entry.decided = false;
        trace->rules[first_error].decided = true;
      }
    }
  }
  return decision;
}

}  // namespace bazaar::rules
