#include "compiler.h"
#include "quoting.h"

#include "literals.h"
#include "prescan.h"

#include <algorithm>
#include <new>

namespace bazaar::rules {
namespace detail {
namespace {

constexpr std::int64_t kMaxPriority = 1'000'000'000;
constexpr std::int64_t kMaxThreshold = 1'000'000'000;
constexpr std::int64_t kMaxPoints = 1'000'000;
constexpr std::int64_t kMaxVersion = 2'147'483'647;

template <class Names>
std::string join(const Names& names, std::string_view before,
                 std::string_view after) {
  std::string out;
  for (auto name : names) {
    if (!out.empty()) out += ", ";
    out += before;
    out += name;
    out += after;
  }
  return out;
}

bool is_blank(std::string_view text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; });
}

bool is_identifier(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_' || c == '.' || c == '-';
  });
}

bool is_tag_name(std::string_view text) {
  if (text.empty() || text.size() > 64) return false;
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-' || c == ':';
  });
}

std::string_view parse_status_message(pugi::xml_parse_status status) {
  switch (status) {
    case pugi::status_out_of_memory: return "out of memory while parsing";
    case pugi::status_unrecognized_tag: return "XML syntax error: malformed markup";
    case pugi::status_bad_pi: return "XML syntax error: malformed processing instruction";
    case pugi::status_bad_comment: return "XML syntax error: malformed comment";
    case pugi::status_bad_cdata: return "XML syntax error: malformed CDATA section";
    case pugi::status_bad_doctype: return "XML syntax error: malformed DOCTYPE";
    case pugi::status_bad_pcdata: return "XML syntax error: malformed text";
    case pugi::status_bad_start_element: return "XML syntax error: malformed start tag";
    case pugi::status_bad_attribute:
      return "XML syntax error: malformed attribute (write name=\"value\")";
    case pugi::status_bad_end_element: return "XML syntax error: malformed end tag";
    case pugi::status_end_element_mismatch:
      return "XML syntax error: end tag does not match the open element";
    case pugi::status_no_document_element: return "the file has no <ruleset> element";
    default: return "XML syntax error";
  }
}

}  // namespace

std::optional<std::string_view> closest_name(std::string_view word,
                                             const std::vector<std::string_view>& candidates) {
  if (word.size() > 64) return std::nullopt;
  std::optional<std::string_view> best;
  // Accept one edit in short words, two (a swapped pair) from four letters on.
  std::size_t best_distance = word.size() >= 4 ? 3 : 2;
  std::vector<std::size_t> previous, current;
  for (auto candidate : candidates) {
    // Levenshtein distance, two rows.
    previous.resize(candidate.size() + 1);
    current.resize(candidate.size() + 1);
    for (std::size_t j = 0; j <= candidate.size(); ++j) previous[j] = j;
    for (std::size_t i = 1; i <= word.size(); ++i) {
      current[0] = i;
      for (std::size_t j = 1; j <= candidate.size(); ++j) {
        const std::size_t substitution = previous[j - 1] + (word[i - 1] == candidate[j - 1] ? 0 : 1);
        current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
      }
      std::swap(previous, current);
    }
    if (previous[candidate.size()] < best_distance) {
      best_distance = previous[candidate.size()];
      best = candidate;
    }
  }
  return best;
}

Compiler::Compiler(std::string_view xml, const FactSchema& schema, const CompileLimits& limits)
    : xml_(xml), schema_(schema), limits_(limits), map_(xml), program_(std::make_unique<Program>()) {}

// ---------------------------------------------------------------- positions

Position Compiler::position_of(const char* pointer, std::size_t fallback_offset) const {
  const char* begin = buffer_.data();
  if (pointer != nullptr && pointer >= begin && pointer <= begin + buffer_.size()) {
    return map_.at(static_cast<std::size_t>(pointer - begin));
  }
  return map_.at(fallback_offset);
}

Position Compiler::element_position(pugi::xml_node element) const {
  const char* name = element.name();
  const char* begin = buffer_.data();
  if (name >= begin && name <= begin + buffer_.size() && name > begin) {
    return map_.at(static_cast<std::size_t>(name - begin) - 1);
  }
  const auto offset = element.offset_debug();
  return map_.at(offset < 0 ? 0 : static_cast<std::size_t>(offset));
}

Position Compiler::attribute_position(pugi::xml_attribute attribute, pugi::xml_node owner) const {
  const auto offset = owner.offset_debug();
  return position_of(attribute.name(), offset < 0 ? 0 : static_cast<std::size_t>(offset));
}

Position Compiler::value_position(pugi::xml_attribute attribute, pugi::xml_node owner) const {
  const char* value = attribute.value();
  const char* begin = buffer_.data();
  if (value >= begin && value <= begin + buffer_.size()) return position_of(value, 0);
  return attribute_position(attribute, owner);
}

void Compiler::error(Position position, std::string message) {
  if (stopped_) return;
  errors_.push_back(Diagnostic{position.line, position.column, std::move(message)});
  if (errors_.size() >= limits_.max_errors) {
    too_many_errors_ = true;
    stopped_ = true;
  }
}

void Compiler::fatal(Position position, std::string message) {
  if (stopped_) return;
  errors_.push_back(Diagnostic{position.line, position.column, std::move(message)});
  stopped_ = true;
}

StrRef Compiler::intern(std::string_view text) {
  StrRef ref{static_cast<std::uint32_t>(program_->pool.size()), static_cast<std::uint32_t>(text.size())};
  program_->pool.append(text);
  return ref;
}

// ---------------------------------------------------------------- attributes

bool Compiler::check_attributes(pugi::xml_node element,
                                std::initializer_list<std::string_view> allowed,
                                std::initializer_list<std::string_view> required) {
  bool ok = true;
  const std::string element_name = element.name();
  const std::vector<std::string_view> candidates(allowed.begin(), allowed.end());
  for (auto attribute = element.first_attribute(); attribute; attribute = attribute.next_attribute()) {
    const std::string_view name = attribute.name();
    // pugixml keeps duplicate attributes; XML forbids them.
    for (auto earlier = element.first_attribute(); earlier != attribute;
         earlier = earlier.next_attribute()) {
      if (name == earlier.name()) {
        error(attribute_position(attribute, element),
              "duplicate attribute " + in_quotes(name) + " on <" + element_name + ">");
        ok = false;
        break;
      }
    }
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string message = "unknown attribute " + in_quotes(name) + " on <" + element_name + ">";
      if (auto suggestion = closest_name(name, candidates)) {
        message += "; did you mean " + in_quotes(*suggestion) + "?";
      } else if (allowed.size() != 0) {
        message += "; allowed: " + join(allowed, "", "");
      } else {
        message += "; it takes no attributes";
      }
      error(attribute_position(attribute, element), std::move(message));
      ok = false;
      continue;
    }
    const std::size_t length = std::char_traits<char>::length(attribute.value());
    if (length > limits_.max_string_bytes) {
      error(value_position(attribute, element),
            "attribute " + in_quotes(name) + " is " + std::to_string(length) +
                " bytes long; the limit is " + std::to_string(limits_.max_string_bytes));
      ok = false;
    }
  }
  for (auto name : required) {
    if (!element.attribute(std::string(name).c_str())) {
      error(element_position(element),
            "<" + element_name + "> is missing the required attribute " + in_quotes(name));
      ok = false;
    }
  }
  return ok;
}

std::vector<pugi::xml_node> Compiler::child_elements(pugi::xml_node element) {
  std::vector<pugi::xml_node> children;
  for (auto child = element.first_child(); child; child = child.next_sibling()) {
    switch (child.type()) {
      case pugi::node_element:
        children.push_back(child);
        break;
      case pugi::node_pcdata:
      case pugi::node_cdata:
        if (!is_blank(child.value())) {
          error(position_of(child.value(), 0),
                "unexpected text in <" + std::string(element.name()) +
                    ">: rule files hold only elements and attributes");
        }
        break;
      default:
        break;  // comments and processing instructions are not kept by the parser
    }
  }
  return children;
}

void Compiler::unknown_element(pugi::xml_node element, std::string_view parent,
                               const std::vector<std::string_view>& expected) {
  const std::string_view name = element.name();
  std::string message = "unknown element <" + std::string(name) + "> in <" + std::string(parent) + ">";
  if (auto suggestion = closest_name(name, expected)) {
    message += "; did you mean <" + std::string(*suggestion) + ">?";
  } else {
    message += "; expected " + join(expected, "<", ">");
  }
  error(element_position(element), std::move(message));
}

std::optional<std::int64_t> Compiler::integer_attribute(pugi::xml_node element, const char* name,
                                                        std::int64_t min, std::int64_t max) {
  const auto attribute = element.attribute(name);
  if (!attribute) return std::nullopt;
  auto value = literals::parse_integer(attribute.value());
  if (!value) {
    error(value_position(attribute, element),
          in_quotes(name) + " must be an integer, not " + in_quotes(attribute.value()));
    return std::nullopt;
  }
  if (*value < min || *value > max) {
    error(value_position(attribute, element),
          in_quotes(name) + " must be between " + std::to_string(min) + " and " + std::to_string(max));
    return std::nullopt;
  }
  return value;
}

std::optional<std::int64_t> Compiler::timestamp_attribute(pugi::xml_node element, const char* name) {
  const auto attribute = element.attribute(name);
  if (!attribute) return std::nullopt;
  auto value = literals::parse_timestamp(attribute.value());
  if (!value) {
    error(value_position(attribute, element),
          in_quotes(name) + " must be an ISO-8601 UTC time such as 2026-11-21T10:00:00Z, not " +
              in_quotes(attribute.value()));
  }
  return value;
}

std::optional<bool> Compiler::boolean_attribute(pugi::xml_node element, const char* name) {
  const auto attribute = element.attribute(name);
  if (!attribute) return std::nullopt;
  auto value = literals::parse_boolean(attribute.value());
  if (!value) {
    error(value_position(attribute, element),
          in_quotes(name) + " must be true or false, not " + in_quotes(attribute.value()));
  }
  return value;
}

bool Compiler::check_identifier(pugi::xml_node element, const char* name, std::string_view what) {
  const auto attribute = element.attribute(name);
  if (!attribute) return false;
  if (!is_identifier(attribute.value())) {
    error(value_position(attribute, element),
          std::string(what) + " " + in_quotes(attribute.value()) +
              " must be 1 to 64 letters, digits, '_', '.' or '-'");
    return false;
  }
  return true;
}

// ---------------------------------------------------------------- driver

Result<RuleSet> Compiler::run() {
  if (xml_.size() > limits_.max_file_bytes) {
    return Diagnostic{1, 1, "the file is " + std::to_string(xml_.size()) +
                                " bytes; the limit is " + std::to_string(limits_.max_file_bytes) +
                                " bytes"};
  }
  if (auto bad = find_encoding_error(xml_)) {
    const Position at = map_.at(bad->offset);
    return Diagnostic{at.line, at.column, bad->message};
  }
  if (auto bad = prescan(xml_, limits_.max_element_depth)) {
    const Position at = map_.at(bad->offset);
    return Diagnostic{at.line, at.column, bad->message};
  }
  buffer_.assign(xml_);
  const unsigned options = pugi::parse_default;  // no DOCTYPE, PI or comment nodes
  const auto parsed = document_.load_buffer_inplace(buffer_.data(), buffer_.size(), options,
                                                    pugi::encoding_utf8);
  if (!parsed) {
    const auto offset = parsed.offset < 0 ? std::size_t{0} : static_cast<std::size_t>(parsed.offset);
    const Position at = map_.at(offset);
    if (parsed.status == pugi::status_end_element_mismatch && offset + 1 >= xml_.size()) {
      return Diagnostic{at.line, at.column,
                        "XML syntax error: the file ends before every element is closed"};
    }
    return Diagnostic{at.line, at.column, std::string(parse_status_message(parsed.status))};
  }

  pugi::xml_node root;
  for (auto child = document_.first_child(); child; child = child.next_sibling()) {
    if (child.type() == pugi::node_element) {
      if (root) {
        error(element_position(child), "the file holds more than one top-level element");
        break;
      }
      root = child;
    } else if ((child.type() == pugi::node_pcdata || child.type() == pugi::node_cdata) &&
               !is_blank(child.value())) {
      error(position_of(child.value(), 0), "unexpected text outside <ruleset>");
    }
  }
  if (!root) return Diagnostic{1, 1, "the file has no <ruleset> element"};
  if (std::string_view(root.name()) != "ruleset") {
    error(element_position(root), "the top-level element must be <ruleset>, not <" +
                                      std::string(root.name()) + ">");
  } else {
    compile_ruleset(root);
  }

  if (!errors_.empty()) {
    std::stable_sort(errors_.begin(), errors_.end(), [](const Diagnostic& a, const Diagnostic& b) {
      return a.line != b.line ? a.line < b.line : a.column < b.column;
    });
    if (too_many_errors_) {
      errors_.push_back(Diagnostic{errors_.back().line, errors_.back().column,
                                   "too many errors; stopped after " +
                                       std::to_string(limits_.max_errors)});
    }
    return std::move(errors_);
  }
  finish();
  return RuleSet(std::shared_ptr<const Program>(std::move(program_)));
}

// ---------------------------------------------------------------- rule set

void Compiler::compile_ruleset(pugi::xml_node root) {
  Program& p = *program_;
  check_attributes(root,
                   {"name", "version", "mode", "on-error", "default", "description",
                    "xmlns:xsi", "xsi:noNamespaceSchemaLocation"},
                   {"name", "version", "mode", "on-error"});
  if (auto name = root.attribute("name")) {
    const std::string_view text = name.value();
    if (text.empty() || text.size() > 128) {
      error(value_position(name, root), "'name' must be 1 to 128 characters");
    }
    p.name = intern(text);
  }
  if (auto version = integer_attribute(root, "version", 1, kMaxVersion)) p.version = *version;
  if (auto mode = root.attribute("mode")) {
    const std::string_view text = mode.value();
    if (text == "first-match") {
      p.mode = Mode::kFirstMatch;
    } else if (text == "score") {
      p.mode = Mode::kScore;
    } else {
      error(value_position(mode, root),
            "'mode' must be first-match or score, not " + in_quotes(text));
    }
  }
  if (auto on_error = root.attribute("on-error")) {
    const std::string_view text = on_error.value();
    if (text == "deny") {
      p.on_error = Outcome::kDeny;
    } else if (text == "review") {
      p.on_error = Outcome::kReview;
    } else {
      error(value_position(on_error, root),
            "'on-error' must be deny or review (rule sets fail closed), not " + in_quotes(text));
    }
  }
  if (auto fallback = root.attribute("default")) {
    const std::string_view text = fallback.value();
    if (p.mode == Mode::kScore) {
      error(attribute_position(fallback, root),
            "'default' applies to first-match sets; score sets decide by <thresholds>");
    } else if (text == "allow") {
      p.default_outcome = Outcome::kAllow;
    } else if (text == "review") {
      p.default_outcome = Outcome::kReview;
    } else if (text == "deny") {
      p.default_outcome = Outcome::kDeny;
    } else {
      error(value_position(fallback, root),
            "'default' must be allow, review or deny, not " + in_quotes(text));
    }
  }

  for (auto child : child_elements(root)) {
    if (stopped()) return;
    const std::string_view name = child.name();
    if (name == "rule") {
      seen_rule_ = true;
      if (p.rules.size() >= limits_.max_rules) {
        fatal(element_position(child), "too many rules: the limit is " +
                                           std::to_string(limits_.max_rules) + " per set");
        return;
      }
      compile_rule(child);
    } else if (name == "thresholds") {
      compile_thresholds(child);
    } else {
      unknown_element(child, "ruleset", {"thresholds", "rule"});
    }
  }
  if (stopped()) return;
  if (!seen_rule_) error(element_position(root), "<ruleset> needs at least one <rule>");
  if (p.mode == Mode::kScore && !seen_thresholds_ && root.attribute("mode")) {
    error(element_position(root), "a score set needs <thresholds review=\"...\" deny=\"...\">");
  }
}

void Compiler::compile_thresholds(pugi::xml_node element) {
  Program& p = *program_;
  if (seen_thresholds_) {
    error(element_position(element), "<thresholds> appears more than once");
    return;
  }
  seen_thresholds_ = true;
  if (p.mode != Mode::kScore) {
    error(element_position(element), "<thresholds> applies only to mode=\"score\" sets");
    return;
  }
  if (seen_rule_) error(element_position(element), "<thresholds> must come before the first <rule>");
  check_attributes(element, {"review", "deny", "review-code", "deny-code"}, {"review", "deny"});
  child_elements(element);
  for (auto child : element.children()) {
    if (child.type() == pugi::node_element) {
      error(element_position(child), "<thresholds> takes no child elements");
      break;
    }
  }
  auto review = integer_attribute(element, "review", -kMaxThreshold, kMaxThreshold);
  auto deny = integer_attribute(element, "deny", -kMaxThreshold, kMaxThreshold);
  if (review && deny && *review > *deny) {
    error(value_position(element.attribute("review"), element),
          "the review threshold (" + std::to_string(*review) + ") is above the deny threshold (" +
              std::to_string(*deny) + ")");
  }
  if (review) p.review_threshold = *review;
  if (deny) p.deny_threshold = *deny;
  check_identifier(element, "review-code", "'review-code'");
  check_identifier(element, "deny-code", "'deny-code'");
  p.review_code = intern(element.attribute("review-code") ? element.attribute("review-code").value()
                                                           : "SCORE_REVIEW");
  p.deny_code = intern(element.attribute("deny-code") ? element.attribute("deny-code").value()
                                                       : "SCORE_DENY");
}

void Compiler::compile_rule(pugi::xml_node element) {
  Program& p = *program_;
  Rule rule;
  rule.document_index = static_cast<std::uint32_t>(p.rules.size());
  rule.line = element_position(element).line;
  check_attributes(element, {"id", "priority", "enabled", "from", "to", "description"},
                   {"id", "priority"});
  if (check_identifier(element, "id", "rule id")) {
    const auto id = element.attribute("id");
    const std::string_view text = id.value();
    const Position at = value_position(id, element);
    auto [it, inserted] = rule_ids_.emplace(text, at);
    if (!inserted) {
      error(at, "duplicate rule id " + in_quotes(text) + " (first used at " +
                    std::to_string(it->second.line) + ":" + std::to_string(it->second.column) + ")");
    }
    rule.id = intern(text);
  }
  if (auto priority = integer_attribute(element, "priority", 0, kMaxPriority)) rule.priority = *priority;
  if (auto enabled = boolean_attribute(element, "enabled")) rule.enabled = *enabled;
  auto from = timestamp_attribute(element, "from");
  auto to = timestamp_attribute(element, "to");
  if (from) rule.from_ms = *from;
  if (to) rule.to_ms = *to;
  if (from && to && *from >= *to) {
    error(value_position(element.attribute("to"), element), "'to' must be later than 'from'");
  }

  pugi::xml_node when;
  pugi::xml_node then;
  for (auto child : child_elements(element)) {
    if (stopped()) return;
    const std::string_view name = child.name();
    if (name == "when") {
      if (when) {
        error(element_position(child), "a <rule> has exactly one <when>");
        continue;
      }
      if (then) error(element_position(child), "<when> must come before <then>");
      when = child;
      check_attributes(child, {}, {});
      rule.root = static_cast<std::uint32_t>(p.nodes.size());
      compile_composite(child, NodeKind::kAll, 0);
    } else if (name == "then") {
      if (then) {
        error(element_position(child), "a <rule> has exactly one <then>");
        continue;
      }
      then = child;
      check_attributes(child, {}, {});
      compile_actions(child, rule);
    } else {
      unknown_element(child, "rule", {"when", "then"});
    }
  }
  if (stopped()) return;
  if (!when) error(element_position(element), "<rule> needs a <when> with its conditions");
  if (!then) error(element_position(element), "<rule> needs a <then> with its actions");
  p.rules.push_back(rule);
}

void Compiler::compile_actions(pugi::xml_node then, Rule& rule) {
  Program& p = *program_;
  const bool score_mode = p.mode == Mode::kScore;
  bool any_action = false;
  bool has_score = false;
  for (auto action : child_elements(then)) {
    if (stopped()) return;
    const std::string_view name = action.name();
    for (auto grandchild : action.children()) {
      if (grandchild.type() == pugi::node_element) {
        std::string message = "<";
        message += name;
        message += "> takes no child elements";
        error(element_position(grandchild), std::move(message));
        break;
      }
    }
    child_elements(action);
    if (name == "allow" || name == "review" || name == "deny") {
      any_action = true;
      const bool deny = name == "deny";
      check_attributes(action, {"code", "message"},
                       deny ? std::initializer_list<std::string_view>{"code", "message"}
                            : std::initializer_list<std::string_view>{});
      if (score_mode) {
        error(element_position(action),
              "<" + std::string(name) +
                  "> is not allowed in a score set: its rules <score> and <tag>, and "
                  "<thresholds> decide");
        continue;
      }
      if (rule.decisive) {
        error(element_position(action),
              "a rule has at most one of <allow>, <review> and <deny>");
        continue;
      }
      rule.decisive = true;
      rule.outcome = name == "allow" ? Outcome::kAllow : deny ? Outcome::kDeny : Outcome::kReview;
      if (action.attribute("code") && check_identifier(action, "code", "code")) {
        rule.code = intern(action.attribute("code").value());
      }
      if (auto message = action.attribute("message")) {
        if (std::string_view(message.value()).empty()) {
          error(value_position(message, action), "'message' must not be empty");
        }
        rule.message = intern(message.value());
      }
    } else if (name == "score") {
      any_action = true;
      check_attributes(action, {"points"}, {"points"});
      if (!score_mode) {
        error(element_position(action),
              "<score> is only allowed in mode=\"score\" sets; first-match rules <allow>, "
              "<review> or <deny>");
        continue;
      }
      if (has_score) {
        error(element_position(action), "a rule has at most one <score>");
        continue;
      }
      has_score = true;
      if (auto points = integer_attribute(action, "points", -kMaxPoints, kMaxPoints)) {
        rule.score = *points;
      }
    } else if (name == "tag") {
      any_action = true;
      check_attributes(action, {"name"}, {"name"});
      const auto attribute = action.attribute("name");
      if (!attribute) continue;
      const std::string_view tag = attribute.value();
      if (!is_tag_name(tag)) {
        error(value_position(attribute, action),
              "tag " + in_quotes(tag) + " must be 1 to 64 lower-case letters, digits, '_', '.', "
              "'-' or ':'");
        continue;
      }
      std::size_t index = 0;
      while (index < p.tags.size() && p.str(p.tags[index]) != tag) ++index;
      if (index == p.tags.size()) {
        if (p.tags.size() >= limits_.max_tags || p.tags.size() >= 64) {
          fatal(value_position(attribute, action),
                "too many distinct tags: the limit is " + std::to_string(limits_.max_tags) +
                    " per set");
          return;
        }
        p.tags.push_back(intern(tag));
      }
      rule.tags |= std::uint64_t{1} << index;
    } else {
      unknown_element(action, "then", {"allow", "review", "deny", "score", "tag"});
    }
  }
  if (!any_action) {
    error(element_position(then), score_mode ? "<then> needs a <score> or a <tag>"
                                             : "<then> needs an action: <allow>, <review>, "
                                               "<deny> or <tag>");
  }
}

void Compiler::finish() {
  Program& p = *program_;
  std::stable_sort(p.rules.begin(), p.rules.end(),
                   [](const Rule& a, const Rule& b) { return a.priority < b.priority; });
  p.by_document.assign(p.rules.size(), 0);
  for (std::size_t i = 0; i < p.rules.size(); ++i) {
    p.by_document[p.rules[i].document_index] = static_cast<std::uint32_t>(i);
  }
  for (std::uint32_t i = 0; i < schema_.fact_count(); ++i) {
    p.fact_names.push_back(intern(schema_.fact_name(FactSlot{i})));
  }
  for (const auto& list : schema_.lists()) p.list_names.push_back(intern(list));
  for (const auto& event : schema_.counter_events()) p.counter_events.push_back(intern(event));
  p.schema_fingerprint = schema_.fingerprint();
  p.fact_count = schema_.fact_count();
  p.pool.shrink_to_fit();
}

}  // namespace detail

Result<RuleSet> compile(std::string_view xml, const FactSchema& schema,
                        const CompileLimits& limits) {
  try {
    detail::Compiler compiler(xml, schema, limits);
    return compiler.run();
  } catch (const std::bad_alloc&) {
    return Diagnostic{1, 1, "out of memory while compiling the rule file"};
  }
}

}  // namespace bazaar::rules
