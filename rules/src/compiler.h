// The compiler's working state, shared by compiler.cc (rule set, rules,
// actions) and compile_conditions.cc (condition trees). Internal.
#pragma once

#include <bazaar/rules/compile.h>

#include "program.h"
#include "source_map.h"

#include <pugixml.hpp>

#include <cstddef>
#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bazaar::rules::detail {

class Compiler {
 public:
  Compiler(std::string_view xml, const FactSchema& schema, const CompileLimits& limits);
  Result<RuleSet> run();

 private:
  // --- positions and errors (compiler.cc)
  Position position_of(const char* pointer, std::size_t fallback_offset) const;
  Position element_position(pugi::xml_node element) const;  // its '<'
  Position attribute_position(pugi::xml_attribute attribute, pugi::xml_node owner) const;
  Position value_position(pugi::xml_attribute attribute, pugi::xml_node owner) const;
  void error(Position position, std::string message);
  void fatal(Position position, std::string message);  // a limit: stop compiling
  bool stopped() const { return stopped_; }

  // Reports duplicate, unknown, over-long and missing attributes. Returns
  // false if any was reported.
  bool check_attributes(pugi::xml_node element, std::initializer_list<std::string_view> allowed,
                        std::initializer_list<std::string_view> required);
  // Child elements of `element`; reports non-blank text and CDATA in it.
  std::vector<pugi::xml_node> child_elements(pugi::xml_node element);
  void unknown_element(pugi::xml_node element, std::string_view parent,
                       std::initializer_list<std::string_view> expected) {
    unknown_element(element, parent, std::vector<std::string_view>(expected));
  }
  void unknown_element(pugi::xml_node element, std::string_view parent,
                       const std::vector<std::string_view>& expected);

  std::optional<std::int64_t> integer_attribute(pugi::xml_node element, const char* name,
                                                std::int64_t min, std::int64_t max);
  std::optional<std::int64_t> timestamp_attribute(pugi::xml_node element, const char* name);
  std::optional<bool> boolean_attribute(pugi::xml_node element, const char* name);
  // Checks an identifier-like value ([A-Za-z0-9_.-]{1,64}).
  bool check_identifier(pugi::xml_node element, const char* name, std::string_view what);

  StrRef intern(std::string_view text);

  // --- rule set, rules, actions (compiler.cc)
  void compile_ruleset(pugi::xml_node root);
  void compile_thresholds(pugi::xml_node element);
  void compile_rule(pugi::xml_node element);
  void compile_actions(pugi::xml_node then, Rule& rule);
  void finish();

  // --- conditions (compile_conditions.cc)
  // Emits the subtree for `element` at `depth` (1 = a child of <when>).
  void compile_condition(pugi::xml_node element, std::size_t depth);
  void compile_composite(pugi::xml_node element, NodeKind kind, std::size_t depth);
  void compile_leaf(pugi::xml_node element, Op op);
  bool count_node(pugi::xml_node element);
  std::optional<std::uint32_t> resolve_counter(pugi::xml_node element);
  bool compile_literal_set(pugi::xml_node element, const std::vector<pugi::xml_node>& items,
                           Node& node, std::string& description);

  std::string_view xml_;
  const FactSchema& schema_;
  const CompileLimits& limits_;
  SourceMap map_;
  std::string buffer_;  // pugixml parses in place here, so pointers give offsets
  pugi::xml_document document_;

  std::vector<Diagnostic> errors_;
  bool stopped_ = false;
  bool too_many_errors_ = false;

  std::unique_ptr<Program> program_;
  std::map<std::string_view, Position> rule_ids_;
  std::size_t condition_nodes_ = 0;
  std::size_t list_items_ = 0;
  bool seen_rule_ = false;
  bool seen_thresholds_ = false;
};

// The closest candidate within a small edit distance, for "did you mean".
std::optional<std::string_view> closest_name(std::string_view word,
                                             const std::vector<std::string_view>& candidates);

}  // namespace bazaar::rules::detail
