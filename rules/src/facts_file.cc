#include "facts_file.h"
#include "quoting.h"

#include "literals.h"
#include "source_map.h"

#include <nlohmann/json.hpp>

#include <limits>

namespace bazaar::rules {
namespace {

using nlohmann::json;

std::optional<std::int64_t> as_int64(const json& value) {
  if (value.is_number_unsigned()) {
    const auto u = value.get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  if (value.is_number_integer()) return value.get<std::int64_t>();
  return std::nullopt;
}

Diagnostic problem(std::string message) { return Diagnostic{0, 0, std::move(message)}; }

std::optional<Diagnostic> set_fact(FactsFile& file, const FactSchema& schema,
                                   const std::string& name, const json& value) {
  const auto slot = schema.find_fact(name);
  if (!slot) {
    return problem("unknown fact " + in_quotes(name) + " for " + schema.evaluation_point());
  }
  const FactType type = schema.fact_type(*slot);
  const std::string must = "fact " + in_quotes(name) + " must be ";
  bool stored = false;
  switch (type) {
    case FactType::kInteger: {
      auto number = as_int64(value);
      if (!number) return problem(must + "an integer");
      stored = file.facts.set_integer(*slot, *number);
      break;
    }
    case FactType::kMoney: {
      auto number = as_int64(value);
      if (!number) return problem(must + "money in minor units (an integer, 1999 = 19.99)");
      stored = file.facts.set_money(*slot, *number);
      break;
    }
    case FactType::kTimestamp: {
      auto time = value.is_string() ? literals::parse_timestamp(value.get<std::string>())
                                    : std::optional<std::int64_t>{};
      if (!time) return problem(must + "an ISO-8601 UTC time such as \"2026-11-21T10:00:00Z\"");
      stored = file.facts.set_timestamp(*slot, *time);
      break;
    }
    case FactType::kBoolean:
      if (!value.is_boolean()) return problem(must + "true or false");
      stored = file.facts.set_boolean(*slot, value.get<bool>());
      break;
    case FactType::kString:
      if (!value.is_string()) return problem(must + "a string");
      file.strings.push_back(value.get<std::string>());
      stored = file.facts.set_string(*slot, file.strings.back());
      break;
    case FactType::kStringList: {
      if (!value.is_array()) return problem(must + "an array of strings");
      auto& views = file.string_lists.emplace_back();
      for (const auto& element : value) {
        if (!element.is_string()) return problem(must + "an array of strings");
        file.strings.push_back(element.get<std::string>());
        views.push_back(file.strings.back());
      }
      stored = file.facts.set_string_list(*slot, views);
      break;
    }
  }
  if (!stored) return problem("fact " + in_quotes(name) + " could not be stored");
  return std::nullopt;
}

std::optional<Diagnostic> read_lists(FactsFile& file, const json& lists) {
  if (!lists.is_object()) return problem("\"lists\" must be an object of list name -> array of strings");
  for (const auto& [name, values] : lists.items()) {
    if (!values.is_array()) return problem("list " + in_quotes(name) + " must be an array of strings");
    file.lists.add_empty(name);
    for (const auto& value : values) {
      if (!value.is_string()) return problem("list " + in_quotes(name) + " must be an array of strings");
      file.lists.add(name, value.get<std::string>());
    }
  }
  return std::nullopt;
}

std::optional<Diagnostic> read_counters(FactsFile& file, const json& counters) {
  const std::string shape =
      "\"counters\" must be an array of {\"event\", \"by\", \"value\", \"window\", \"count\"}";
  if (!counters.is_array()) return problem(shape);
  file.has_counters = true;
  for (const auto& entry : counters) {
    if (!entry.is_object()) return problem(shape);
    for (const auto& [key, unused] : entry.items()) {
      if (key != "event" && key != "by" && key != "value" && key != "window" && key != "count") {
        return problem("unknown key " + in_quotes(key) + " in a counter; " + shape);
      }
    }
    const auto event = entry.find("event");
    const auto by = entry.find("by");
    const auto value = entry.find("value");
    const auto window = entry.find("window");
    const auto count = entry.find("count");
    if (event == entry.end() || !event->is_string() || by == entry.end() || !by->is_string() ||
        value == entry.end() || !value->is_string() || window == entry.end() ||
        !window->is_string() || count == entry.end()) {
      return problem(shape + " (event, by, value and window are strings)");
    }
    auto window_ms = literals::parse_duration(window->get<std::string>());
    if (!window_ms) return problem("counter window must be a duration such as 1h, not " +
                                   in_quotes(window->get<std::string>()));
    auto n = as_int64(*count);
    if (!n) return problem("counter count must be an integer");
    file.counters.set(event->get<std::string>(), by->get<std::string>(), value->get<std::string>(),
                      *window_ms, *n);
  }
  return std::nullopt;
}

}  // namespace

Result<std::unique_ptr<FactsFile>> parse_facts_file(std::string_view text,
                                                    const FactSchema& schema) {
  json document;
  try {
    document = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    const SourceMap map(text);
    const Position at = map.at(e.byte == 0 ? 0 : static_cast<std::size_t>(e.byte - 1));
    return Diagnostic{at.line, at.column, "JSON syntax error"};
  } catch (const std::exception&) {
    return problem("the facts file is not valid JSON");
  }
  if (!document.is_object()) return problem("the facts file must hold one JSON object");
  auto file = std::make_unique<FactsFile>(schema);
  try {
    for (const auto& [key, value] : document.items()) {
      std::optional<Diagnostic> failure;
      if (key == "now") {
        auto now = value.is_string() ? literals::parse_timestamp(value.get<std::string>())
                                     : std::optional<std::int64_t>{};
        if (!now) failure = problem("\"now\" must be an ISO-8601 UTC time such as \"2026-11-21T10:00:00Z\"");
        file->now_ms = now;
      } else if (key == "lists") {
        failure = read_lists(*file, value);
      } else if (key == "counters") {
        failure = read_counters(*file, value);
      } else {
        failure = set_fact(*file, schema, key, value);
      }
      if (failure) return *failure;
    }
  } catch (const std::exception& e) {
    return problem(std::string("the facts file could not be read: ") + e.what());
  }
  return file;
}

}  // namespace bazaar::rules
