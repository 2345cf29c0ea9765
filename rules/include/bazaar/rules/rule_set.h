// A compiled rule set: immutable, cheap to copy (shared), safe to evaluate from
// any number of threads at once. Holds no XML; evaluation walks flat arrays,
// costs time linear in the set's size and does not allocate unless a Trace is
// requested.
#pragma once

#include <bazaar/rules/decision.h>
#include <bazaar/rules/facts.h>
#include <bazaar/rules/trace.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace bazaar::rules {

namespace detail {
struct Program;
}

enum class Mode : std::uint8_t { kFirstMatch, kScore };
std::string_view to_string(Mode mode);  // "first-match", "score"

class RuleSet {
 public:
  explicit RuleSet(std::shared_ptr<const detail::Program> program);

  // Evaluates the set for one set of facts. `facts` must come from the schema
  // the set was compiled against (otherwise: the on-error outcome with
  // EvalError::kSchemaMismatch). Counters are queried at most once per
  // distinct (event, by, window) per call. When `trace` is not null it is
  // cleared and filled (that allocates); without it nothing is allocated.
  // Never throws, except std::bad_alloc while filling a trace.
  Decision evaluate(const Facts& facts, const EvalContext& context, Trace* trace = nullptr) const;

  std::string_view name() const;
  std::int64_t version() const;
  Mode mode() const;
  Outcome on_error() const;
  std::size_t rule_count() const;
  std::string_view rule_id(std::size_t document_index) const;

  // Tags that rules of this set can apply; Decision::tags is a bit set over them.
  std::size_t tag_count() const;
  std::string_view tag_name(std::uint32_t tag) const;
  std::optional<std::uint32_t> find_tag(std::string_view name) const;
  std::vector<std::string_view> tag_names(std::uint64_t tags) const;

 private:
  std::shared_ptr<const detail::Program> program_;
};

}  // namespace bazaar::rules
