// The facts a caller offers at one evaluation point (for example order.create),
// with their types, plus the named lists and counter events rules may use.
// A rule set is compiled against one schema: a rule that names an unknown fact,
// list or counter, or compares a fact with a literal of the wrong type, is
// refused at compile time.
#pragma once

#include <bazaar/rules/result.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bazaar::rules {

enum class FactType : std::uint8_t {
  kInteger,     // int64
  kMoney,       // int64 minor units (fen)
  kString,      // UTF-8 bytes, compared byte-wise
  kBoolean,
  kTimestamp,   // int64 UTC milliseconds since the Unix epoch
  kStringList,  // a list of strings (e.g. a user's tags)
};

// "integer", "money", "string", "boolean", "timestamp", "string-list".
std::string_view to_string(FactType type);

// Index of a fact in its schema; pass it to Facts::set_*. Valid only for the
// schema that returned it.
struct FactSlot {
  std::uint32_t index = 0;
  friend bool operator==(FactSlot, FactSlot) = default;
};

// Built once by the caller, then read-only: copyable, and safe to share
// between threads once built.
class FactSchema {
 public:
  // evaluation_point names the schema in messages ("order.create").
  explicit FactSchema(std::string evaluation_point);

  // Declares a fact. Names are dotted lower-case words ("order.amount":
  // [a-z0-9_] segments joined by '.', at most 64 characters). Errors: bad name,
  // duplicate name, a reserved name ("now", "lists", "counters"), more than
  // 1024 facts.
  Result<FactSlot> add_fact(std::string_view name, FactType type);
  // Declares a named list (strings, e.g. "blacklist.users") that rules may test
  // with <in list="...">; contents come from a ListProvider at evaluation time.
  Result<std::uint32_t> add_list(std::string_view name);
  // Declares a counter event ("order.create") that rules may count with
  // <gt counter="order.create" by="user.id" window="1h" value="5"/>.
  Result<std::uint32_t> add_counter_event(std::string_view event);

  const std::string& evaluation_point() const { return evaluation_point_; }

  std::optional<FactSlot> find_fact(std::string_view name) const;
  std::size_t fact_count() const { return facts_.size(); }
  const std::string& fact_name(FactSlot slot) const { return facts_[slot.index].name; }
  FactType fact_type(FactSlot slot) const { return facts_[slot.index].type; }

  std::optional<std::uint32_t> find_list(std::string_view name) const;
  const std::vector<std::string>& lists() const { return lists_; }

  std::optional<std::uint32_t> find_counter_event(std::string_view event) const;
  const std::vector<std::string>& counter_events() const { return counter_events_; }

  // Changes whenever a fact is added; a RuleSet refuses Facts built from a
  // schema with another fingerprint (fail closed, never a wrong slot).
  std::uint64_t fingerprint() const { return fingerprint_; }

 private:
  struct Fact {
    std::string name;
    FactType type;
  };
  std::string evaluation_point_;
  std::vector<Fact> facts_;
  std::map<std::string, std::uint32_t, std::less<>> fact_index_;
  std::vector<std::string> lists_;
  std::vector<std::string> counter_events_;
  std::uint64_t fingerprint_;
};

// The schemas shipped with the engine, by evaluation point: "order.create" and
// "coupon.claim" (their facts are listed in docs/RULES.md). nullopt otherwise.
std::optional<FactSchema> builtin_schema(std::string_view name);
std::vector<std::string_view> builtin_schema_names();

}  // namespace bazaar::rules
