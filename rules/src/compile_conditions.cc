// Condition trees: <all>, <any>, <not> and the comparisons, compiled to the
// flat pre-order node array of Program.
#include "compiler.h"
#include "quoting.h"

#include "literals.h"
#include "text_ops.h"

#include <algorithm>
#include <array>

namespace bazaar::rules::detail {
namespace {

constexpr std::int64_t kMaxWindowMs = 90LL * 86'400'000;

struct OpName {
  std::string_view name;
  Op op;
};

constexpr std::array<OpName, 13> kLeafOps{{
    {"eq", Op::kEq},
    {"ne", Op::kNe},
    {"lt", Op::kLt},
    {"le", Op::kLe},
    {"gt", Op::kGt},
    {"ge", Op::kGe},
    {"between", Op::kBetween},
    {"in", Op::kInSet},
    {"not-in", Op::kNotInSet},
    {"contains", Op::kContains},
    {"starts-with", Op::kStartsWith},
    {"ends-with", Op::kEndsWith},
    {"exists", Op::kExists},
}};

constexpr std::array<std::string_view, 16> kConditionNames = {
    "all", "any", "not", "eq", "ne", "lt", "le", "gt", "ge", "between",
    "in", "not-in", "contains", "starts-with", "ends-with", "exists"};

bool is_number_type(FactType type) {
  return type == FactType::kInteger || type == FactType::kMoney || type == FactType::kTimestamp;
}

std::string_view literal_hint(FactType type) {
  switch (type) {
    case FactType::kInteger: return "an integer such as 42";
    case FactType::kMoney: return "money in major units with exactly two decimals, such as 199.00";
    case FactType::kTimestamp: return "an ISO-8601 UTC time such as 2026-11-21T10:00:00Z";
    case FactType::kBoolean: return "true or false";
    case FactType::kString:
    case FactType::kStringList: return "a string";
  }
  return "a value";
}

std::optional<std::int64_t> parse_number(FactType type, std::string_view text) {
  switch (type) {
    case FactType::kInteger: return literals::parse_integer(text);
    case FactType::kMoney: return literals::parse_money(text);
    case FactType::kTimestamp: return literals::parse_timestamp(text);
    case FactType::kBoolean: {
      auto value = literals::parse_boolean(text);
      if (!value) return std::nullopt;
      return *value ? 1 : 0;
    }
    default: return std::nullopt;
  }
}

// Which operand types an operator accepts, and how to say so.
bool op_accepts(Op op, FactType type) {
  switch (op) {
    case Op::kEq:
    case Op::kNe: return type != FactType::kStringList;
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe:
    case Op::kBetween: return is_number_type(type);
    case Op::kInSet:
    case Op::kNotInSet:
    case Op::kInList:
    case Op::kNotInList:
      return is_number_type(type) || type == FactType::kString || type == FactType::kStringList;
    case Op::kContains: return type == FactType::kString || type == FactType::kStringList;
    case Op::kStartsWith:
    case Op::kEndsWith: return type == FactType::kString;
    case Op::kExists: return true;
  }
  return false;
}

std::string_view op_requirement(Op op) {
  switch (op) {
    case Op::kEq:
    case Op::kNe: return "an integer, money, timestamp, string or boolean";
    case Op::kLt:
    case Op::kLe:
    case Op::kGt:
    case Op::kGe:
    case Op::kBetween: return "an integer, money or timestamp (or a counter)";
    case Op::kInSet:
    case Op::kNotInSet:
    case Op::kInList:
    case Op::kNotInList: return "an integer, money, timestamp, string or string-list";
    case Op::kContains: return "a string or a string-list";
    case Op::kStartsWith:
    case Op::kEndsWith: return "a string";
    case Op::kExists: return "any fact";
  }
  return "";
}

std::string shorten(std::string text) {
  constexpr std::size_t kMax = 80;
  if (text.size() <= kMax) return text;
  std::size_t cut = kMax;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0U) == 0x80U) --cut;  // UTF-8
  text.resize(cut);
  return text + "...";
}

}  // namespace

bool Compiler::count_node(pugi::xml_node element) {
  if (++condition_nodes_ > limits_.max_condition_nodes) {
    fatal(element_position(element), "too many conditions: the limit is " +
                                         std::to_string(limits_.max_condition_nodes) +
                                         " condition elements per set");
    return false;
  }
  return true;
}

void Compiler::compile_condition(pugi::xml_node element, std::size_t depth) {
  const std::string_view name = element.name();
  if (depth > limits_.max_condition_depth) {
    error(element_position(element), "conditions are nested more than " +
                                         std::to_string(limits_.max_condition_depth) + " deep");
    return;
  }
  if (name == "all") return compile_composite(element, NodeKind::kAll, depth);
  if (name == "any") return compile_composite(element, NodeKind::kAny, depth);
  if (name == "not") return compile_composite(element, NodeKind::kNot, depth);
  for (const auto& leaf : kLeafOps) {
    if (leaf.name == name) return compile_leaf(element, leaf.op);
  }
  std::string parent = element.parent().name();
  unknown_element(element, parent,
                  std::vector<std::string_view>(kConditionNames.begin(), kConditionNames.end()));
}

void Compiler::compile_composite(pugi::xml_node element, NodeKind kind, std::size_t depth) {
  Program& p = *program_;
  if (!count_node(element)) return;
  if (depth > 0) check_attributes(element, {}, {});
  const Position at = element_position(element);
  const auto index = p.nodes.size();
  Node node;
  node.kind = kind;
  p.nodes.push_back(node);
  p.node_info.push_back(NodeInfo{{}, at.line, at.column});
  std::size_t children = 0;
  for (auto child : child_elements(element)) {
    if (stopped()) return;
    ++children;
    compile_condition(child, depth + 1);
  }
  const std::string name = element.name();
  if (kind == NodeKind::kNot && children != 1) {
    error(at, "<not> takes exactly one condition, not " + std::to_string(children));
  } else if (children == 0) {
    error(at, "<" + name + "> needs at least one condition");
  }
  p.nodes[index].end = static_cast<std::uint32_t>(p.nodes.size());
  p.node_info[index].description = intern(kind == NodeKind::kAll ? (depth == 0 ? "when" : "all")
                                       : kind == NodeKind::kAny ? "any"
                                                                : "not");
}

std::optional<std::uint32_t> Compiler::resolve_counter(pugi::xml_node element) {
  Program& p = *program_;
  const auto counter = element.attribute("counter");
  const auto by = element.attribute("by");
  const auto window = element.attribute("window");
  bool ok = true;
  if (!by) {
    error(element_position(element), "a counter needs by=\"FACT\" (what it counts per)");
    ok = false;
  }
  if (!window) {
    error(element_position(element), "a counter needs window=\"DURATION\" such as 1h");
    ok = false;
  }
  const auto event = schema_.find_counter_event(counter.value());
  if (!event) {
    std::vector<std::string_view> names(schema_.counter_events().begin(),
                                        schema_.counter_events().end());
    std::string message = "unknown counter event " + in_quotes(counter.value()) + " for " +
                          schema_.evaluation_point();
    if (auto suggestion = closest_name(counter.value(), names)) {
      message += "; did you mean " + in_quotes(*suggestion) + "?";
    }
    error(value_position(counter, element), std::move(message));
    ok = false;
  }
  std::optional<FactSlot> by_slot;
  if (by) {
    by_slot = schema_.find_fact(by.value());
    if (!by_slot) {
      error(value_position(by, element), "unknown fact " + in_quotes(by.value()) + " for " +
                                             schema_.evaluation_point());
      ok = false;
    } else if (const auto type = schema_.fact_type(*by_slot);
               type != FactType::kString && type != FactType::kInteger) {
      error(value_position(by, element), "a counter is kept per string or integer fact; " +
                                             in_quotes(by.value()) + " is " +
                                             std::string(to_string(type)));
      ok = false;
    }
  }
  std::int64_t window_ms = 0;
  if (window) {
    auto parsed = literals::parse_duration(window.value());
    if (!parsed) {
      error(value_position(window, element),
            "'window' must be a duration such as 30s, 15m, 1h or 7d, not " +
                in_quotes(window.value()));
      ok = false;
    } else if (*parsed > kMaxWindowMs) {
      error(value_position(window, element), "'window' must be at most 90d");
      ok = false;
    } else {
      window_ms = *parsed;
    }
  }
  if (!ok) return std::nullopt;
  for (std::size_t i = 0; i < p.counters.size(); ++i) {
    const Counter& c = p.counters[i];
    if (c.event == *event && c.by == by_slot->index && c.window_ms == window_ms) {
      return static_cast<std::uint32_t>(i);
    }
  }
  if (p.counters.size() >= std::min(limits_.max_counters, kCounterCapacity)) {
    fatal(value_position(counter, element),
          "too many distinct counters: the limit is " + std::to_string(limits_.max_counters) +
              " (event, by, window) combinations per set");
    return std::nullopt;
  }
  Counter c;
  c.event = *event;
  c.by = by_slot->index;
  c.window_ms = window_ms;
  c.description = intern("count(" + std::string(counter.value()) + " by " +
                         std::string(by.value()) + ", " + std::string(window.value()) + ")");
  p.counters.push_back(c);
  return static_cast<std::uint32_t>(p.counters.size() - 1);
}

void Compiler::compile_leaf(pugi::xml_node element, Op op) {
  Program& p = *program_;
  if (!count_node(element)) return;
  const std::string name = element.name();
  const Position at = element_position(element);
  const bool takes_value = op == Op::kEq || op == Op::kNe || op == Op::kLt || op == Op::kLe ||
                           op == Op::kGt || op == Op::kGe || op == Op::kContains ||
                           op == Op::kStartsWith || op == Op::kEndsWith;
  const bool is_set = op == Op::kInSet || op == Op::kNotInSet;
  if (takes_value) {
    check_attributes(element, {"fact", "counter", "by", "window", "value"}, {"value"});
  } else if (op == Op::kBetween) {
    check_attributes(element, {"fact", "counter", "by", "window", "min", "max"}, {"min", "max"});
  } else if (is_set) {
    check_attributes(element, {"fact", "counter", "by", "window", "list"}, {});
  } else {
    check_attributes(element, {"fact"}, {"fact"});
  }

  std::vector<pugi::xml_node> items;
  for (auto child : child_elements(element)) {
    if (is_set && std::string_view(child.name()) == "item") {
      items.push_back(child);
    } else if (is_set) {
      unknown_element(child, name, {"item"});
    } else {
      error(element_position(child), "<" + name + "> takes no child elements");
      break;
    }
  }

  Node node;
  node.kind = NodeKind::kLeaf;
  node.op = op;
  std::string operand_text;

  const auto fact = element.attribute("fact");
  const auto counter = op == Op::kExists ? pugi::xml_attribute() : element.attribute("counter");
  if (op == Op::kExists && !fact) return;  // reported as a missing attribute
  if (fact && counter) {
    error(at, "<" + name + "> takes fact= or counter=, not both");
    return;
  }
  if (!fact && !counter) {
    error(at, "<" + name + "> needs fact=\"NAME\" or counter=\"EVENT\"");
    return;
  }
  if (fact) {
    if (element.attribute("by") || element.attribute("window")) {
      error(at, "by= and window= belong to counters, not to fact=");
      return;
    }
    const auto slot = schema_.find_fact(fact.value());
    if (!slot) {
      std::vector<std::string_view> names;
      for (std::uint32_t i = 0; i < schema_.fact_count(); ++i) {
        names.push_back(schema_.fact_name(FactSlot{i}));
      }
      std::string message = "unknown fact " + in_quotes(fact.value()) + " for " +
                            schema_.evaluation_point();
      if (auto suggestion = closest_name(fact.value(), names)) {
        message += "; did you mean " + in_quotes(*suggestion) + "?";
      }
      error(value_position(fact, element), std::move(message));
      return;
    }
    node.operand = Operand::kFact;
    node.slot = slot->index;
    node.type = schema_.fact_type(*slot);
    operand_text = fact.value();
  } else {
    auto index = resolve_counter(element);
    if (!index) return;
    node.operand = Operand::kCounter;
    node.slot = *index;
    node.type = FactType::kInteger;
    operand_text = std::string(p.str(p.counters[*index].description));
  }

  const auto list = element.attribute("list");
  if (is_set && list) node.op = op = (op == Op::kInSet ? Op::kInList : Op::kNotInList);
  if (!op_accepts(op, node.type)) {
    const std::string what = node.operand == Operand::kCounter
                                 ? "a counter is an integer"
                                 : "fact " + in_quotes(operand_text) + " is " +
                                       std::string(to_string(node.type));
    error(value_position(fact ? fact : counter, element),
          "<" + name + "> needs " + std::string(op_requirement(op)) + "; " + what);
    return;
  }

  std::string description = operand_text + " " + name;
  switch (op) {
    case Op::kExists:
      break;
    case Op::kBetween: {
      const auto min = element.attribute("min");
      const auto max = element.attribute("max");
      if (!min || !max) return;
      auto low = parse_number(node.type, min.value());
      auto high = parse_number(node.type, max.value());
      if (!low) {
        error(value_position(min, element), "'min' must be " +
                                                std::string(literal_hint(node.type)) + ", not " +
                                                in_quotes(min.value()));
      }
      if (!high) {
        error(value_position(max, element), "'max' must be " +
                                                std::string(literal_hint(node.type)) + ", not " +
                                                in_quotes(max.value()));
      }
      if (!low || !high) return;
      if (*low > *high) {
        error(value_position(max, element), "'max' must not be below 'min'");
        return;
      }
      node.a = *low;
      node.b = *high;
      description += " " + std::string(min.value()) + " and " + std::string(max.value());
      break;
    }
    case Op::kInList:
    case Op::kNotInList: {
      if (!items.empty()) {
        error(element_position(items.front()),
              "<" + name + "> takes list= or <item>s, not both");
        return;
      }
      if (node.type != FactType::kString && node.type != FactType::kStringList) {
        error(value_position(list, element),
              "named lists hold strings; " +
                  (node.operand == Operand::kCounter
                       ? std::string("a counter is an integer")
                       : "fact " + in_quotes(operand_text) + " is " + std::string(to_string(node.type))));
        return;
      }
      const auto list_index = schema_.find_list(list.value());
      if (!list_index) {
        std::vector<std::string_view> names(schema_.lists().begin(), schema_.lists().end());
        std::string message = "unknown list " + in_quotes(list.value()) + " for " +
                              schema_.evaluation_point();
        if (auto suggestion = closest_name(list.value(), names)) {
          message += "; did you mean " + in_quotes(*suggestion) + "?";
        }
        error(value_position(list, element), std::move(message));
        return;
      }
      node.a = *list_index;
      description += " list " + std::string(list.value());
      break;
    }
    case Op::kInSet:
    case Op::kNotInSet:
      if (items.empty()) {
        error(at, "<" + name + "> needs list=\"NAME\" or at least one <item value=\"...\"/>");
        return;
      }
      if (!compile_literal_set(element, items, node, description)) return;
      break;
    default: {
      const auto value = element.attribute("value");
      if (!value) return;
      const std::string_view text = value.value();
      if (node.type == FactType::kString || node.type == FactType::kStringList) {
        if (text.empty() && (op == Op::kContains || op == Op::kStartsWith || op == Op::kEndsWith)) {
          error(value_position(value, element), "<" + name + "> needs a non-empty value");
          return;
        }
        node.text = intern(text);
      } else {
        auto number = parse_number(node.type, text);
        if (!number) {
          error(value_position(value, element),
                "'value' must be " + std::string(literal_hint(node.type)) + " (" +
                    (node.operand == Operand::kCounter ? std::string("a counter")
                                                       : in_quotes(operand_text)) +
                    " is " + std::string(to_string(node.type)) + "), not " + in_quotes(text));
          return;
        }
        node.a = *number;
      }
      description += " " + std::string(text);
      break;
    }
  }
  node.end = static_cast<std::uint32_t>(p.nodes.size() + 1);
  p.nodes.push_back(node);
  p.node_info.push_back(NodeInfo{intern(shorten(std::move(description))), at.line, at.column});
}

bool Compiler::compile_literal_set(pugi::xml_node element,
                                   const std::vector<pugi::xml_node>& items, Node& node,
                                   std::string& description) {
  Program& p = *program_;
  const std::string name = element.name();
  if (items.size() > limits_.max_list_items) {
    error(element_position(items[limits_.max_list_items]),
          "<" + name + "> holds more than " + std::to_string(limits_.max_list_items) +
              " items; use a named list");
    return false;
  }
  list_items_ += items.size();
  if (list_items_ > limits_.max_total_list_items) {
    fatal(element_position(element), "too many <item>s: the limit is " +
                                         std::to_string(limits_.max_total_list_items) +
                                         " per set; use named lists");
    return false;
  }
  const bool numeric = is_number_type(node.type);
  std::vector<std::int64_t> numbers;
  std::vector<std::string_view> texts;
  std::string shown;
  bool ok = true;
  for (auto item : items) {
    for (auto child : item.children()) {
      if (child.type() == pugi::node_element) {
        error(element_position(child), "<item> takes no child elements");
        ok = false;
        break;
      }
    }
    child_elements(item);
    if (!check_attributes(item, {"value"}, {"value"})) {
      ok = false;
      continue;
    }
    const auto value = item.attribute("value");
    const std::string_view text = value.value();
    if (numeric) {
      auto number = parse_number(node.type, text);
      if (!number) {
        error(value_position(value, item), "item must be " + std::string(literal_hint(node.type)) +
                                               ", not " + in_quotes(text));
        ok = false;
        continue;
      }
      numbers.push_back(*number);
    } else {
      texts.push_back(text);
    }
    if (shown.size() < 100) shown += (shown.empty() ? "" : ", ") + std::string(text);
  }
  if (!ok) return false;
  if (numeric) {
    std::sort(numbers.begin(), numbers.end());
    numbers.erase(std::unique(numbers.begin(), numbers.end()), numbers.end());
    node.a = static_cast<std::int64_t>(p.int_sets.size());
    p.int_sets.insert(p.int_sets.end(), numbers.begin(), numbers.end());
    node.b = static_cast<std::int64_t>(p.int_sets.size());
  } else {
    std::vector<std::pair<std::uint64_t, std::string_view>> hashed;
    for (auto text : texts) hashed.emplace_back(text_hash(text), text);
    std::sort(hashed.begin(), hashed.end());
    hashed.erase(std::unique(hashed.begin(), hashed.end()), hashed.end());
    node.a = static_cast<std::int64_t>(p.text_sets.size());
    for (const auto& [hash, text] : hashed) {
      p.text_sets.push_back(intern(text));
      p.text_set_hashes.push_back(hash);
    }
    node.b = static_cast<std::int64_t>(p.text_sets.size());
  }
  description += " (" + shown + ")";
  return true;
}

}  // namespace bazaar::rules::detail
