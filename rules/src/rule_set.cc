#include <bazaar/rules/rule_set.h>

#include "program.h"

namespace bazaar::rules {

std::string_view to_string(Outcome outcome) {
  switch (outcome) {
    case Outcome::kAllow: return "allow";
    case Outcome::kReview: return "review";
    case Outcome::kDeny: return "deny";
  }
  return "unknown";
}

std::string_view to_string(EvalError error) {
  switch (error) {
    case EvalError::kNone: return "none";
    case EvalError::kMissingFact: return "missing fact";
    case EvalError::kCounterUnavailable: return "counter unavailable";
    case EvalError::kListUnavailable: return "list unavailable";
    case EvalError::kSchemaMismatch: return "schema mismatch";
  }
  return "unknown";
}

std::string_view to_string(Mode mode) {
  return mode == Mode::kFirstMatch ? "first-match" : "score";
}

RuleSet::RuleSet(std::shared_ptr<const detail::Program> program) : program_(std::move(program)) {}

std::string_view RuleSet::name() const { return program_->str(program_->name); }
std::int64_t RuleSet::version() const { return program_->version; }
Mode RuleSet::mode() const { return program_->mode; }
Outcome RuleSet::on_error() const { return program_->on_error; }
std::size_t RuleSet::rule_count() const { return program_->rules.size(); }

std::string_view RuleSet::rule_id(std::size_t document_index) const {
  if (document_index >= program_->by_document.size()) return {};
  return program_->str(program_->rules[program_->by_document[document_index]].id);
}

std::size_t RuleSet::tag_count() const { return program_->tags.size(); }

std::string_view RuleSet::tag_name(std::uint32_t tag) const {
  if (tag >= program_->tags.size()) return {};
  return program_->str(program_->tags[tag]);
}

std::optional<std::uint32_t> RuleSet::find_tag(std::string_view name) const {
  for (std::size_t i = 0; i < program_->tags.size(); ++i) {
    if (program_->str(program_->tags[i]) == name) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

std::vector<std::string_view> RuleSet::tag_names(std::uint64_t tags) const {
  std::vector<std::string_view> names;
  for (std::uint32_t i = 0; i < program_->tags.size(); ++i) {
    if (((tags >> i) & 1U) != 0) names.push_back(tag_name(i));
  }
  return names;
}

}  // namespace bazaar::rules
