// The compiled, flat form of a rule set. Built once by the compiler, then
// immutable: RuleSet shares it between threads without locks.
//
// Conditions live in one array in pre-order. Every node knows where its
// subtree ends, so a composite walks its children as
//   for (c = i + 1; c < nodes[i].end; c = nodes[c].end)
// Leaves carry their literal inline (numbers) or as a range into one of the
// sorted literal arrays (sets for <in>), and strings as views into `pool`.
#pragma once

#include <bazaar/rules/decision.h>
#include <bazaar/rules/fact_schema.h>
#include <bazaar/rules/rule_set.h>

#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace bazaar::rules::detail {

// The evaluator caches counters in a bit set per call: at most this many
// distinct counters per set, whatever CompileLimits says.
inline constexpr std::size_t kCounterCapacity = 64;

// A string stored in Program::pool.
struct StrRef {
  std::uint32_t offset = 0;
  std::uint32_t size = 0;
};

enum class NodeKind : std::uint8_t { kAll, kAny, kNot, kLeaf };

enum class Op : std::uint8_t {
  kEq, kNe, kLt, kLe, kGt, kGe, kBetween,
  kInSet, kNotInSet,    // literal <item>s: Node::a..b is a range of int_sets or text_sets
  kInList, kNotInList,  // named list: Node::a is the list index
  kContains, kStartsWith, kEndsWith,
  kExists,
};

enum class Operand : std::uint8_t { kFact, kCounter };

// What evaluation reads, kept small (40 bytes) so rule sets stay in cache.
struct Node {
  NodeKind kind = NodeKind::kLeaf;
  Op op = Op::kEq;
  Operand operand = Operand::kFact;
  FactType type = FactType::kInteger;  // of the operand (counters are integers)
  std::uint32_t slot = 0;              // fact slot or counter index
  std::uint32_t end = 0;               // one past this subtree
  std::int64_t a = 0;                  // number literal, between's min, set/list start
  std::int64_t b = 0;                  // between's max, set end
  StrRef text;                         // string literal
};

// What only traces read, parallel to Program::nodes.
struct NodeInfo {
  StrRef description;  // "order.amount gt 1000.00"
  std::uint32_t line = 0;
  std::uint32_t column = 0;
};

struct Counter {
  std::uint32_t event = 0;  // index into Program::counter_events
  std::uint32_t by = 0;     // fact slot keying the counter
  std::int64_t window_ms = 0;
  StrRef description;       // "count(order.create by user.id, 1h)"
};

struct Rule {
  StrRef id;
  std::int64_t priority = 0;
  bool enabled = true;
  std::int64_t from_ms = std::numeric_limits<std::int64_t>::min();
  std::int64_t to_ms = std::numeric_limits<std::int64_t>::max();
  std::uint32_t root = 0;  // index of the rule's <when> (an implicit all)
  bool decisive = false;   // has allow / review / deny
  Outcome outcome = Outcome::kAllow;
  StrRef code;
  StrRef message;
  std::int64_t score = 0;
  std::uint64_t tags = 0;
  std::uint32_t document_index = 0;
  std::uint32_t line = 0;
};

struct Program {
  std::string pool;
  StrRef name;
  std::int64_t version = 0;
  Mode mode = Mode::kFirstMatch;
  Outcome on_error = Outcome::kDeny;
  Outcome default_outcome = Outcome::kAllow;  // first-match, nothing decided
  std::int64_t review_threshold = 0;           // score mode
  std::int64_t deny_threshold = 0;
  StrRef review_code;                          // score mode decision codes
  StrRef deny_code;

  std::vector<Rule> rules;                   // in evaluation order
  std::vector<std::uint32_t> by_document;    // document index -> position in rules
  std::vector<Node> nodes;
  std::vector<NodeInfo> node_info;
  std::vector<std::int64_t> int_sets;        // each <in> range sorted ascending
  // String <in> sets: each range sorted by text_hash (then bytes); the hashes
  // are kept beside the strings so lookups compare integers first.
  std::vector<StrRef> text_sets;
  std::vector<std::uint64_t> text_set_hashes;
  std::vector<Counter> counters;
  std::vector<StrRef> fact_names;            // by slot
  std::vector<StrRef> list_names;            // by schema list index
  std::vector<StrRef> counter_events;        // by schema counter index
  std::vector<StrRef> tags;
  std::uint64_t schema_fingerprint = 0;
  std::size_t fact_count = 0;

  std::string_view str(StrRef ref) const { return std::string_view(pool.data() + ref.offset, ref.size); }
};

}  // namespace bazaar::rules::detail
