// Typed plugin settings: `plugin.<plugin>.<key> = value` lines of the host
// configuration read as integers, booleans, strings and lists, with errors
// that name the full key, the value given and what is allowed:
//
//   plugin.orders.payment_timeout_s must be an integer from 1 to 604800, not "abc"
//
// Host::config_int / config_bool / config_string / config_list (host.hpp) read
// through a ConfigReader; tests build one over a map. For a plugin
// constructor, or_throw() turns an error into an exception, and the SDK's init
// refuses the plugin with its text:
//
//   explicit Orders(Host host)
//       : timeout_s_(or_throw(host.config_int("payment_timeout_s", 900, 1, 604800))) {}
//
// Errors are INVALID_ARGUMENT "BAD_CONFIG". An absent key gives the fallback
// as it is (not checked against the limits); a key present with an empty
// value is a value like any other (an empty string, an empty list, and not an
// integer or a boolean). Values arrive trimmed by the host's config parser;
// surrounding blanks are ignored here too.
#pragma once

#include <bazaar/result.hpp>

#include <charconv>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bazaar::sdk {

class ConfigReader {
 public:
  // The value of `plugin.<plugin>.<key>` for a key (without the prefix), or
  // nullopt when absent. The view must stay valid while the reader's call runs.
  using Lookup = std::function<std::optional<std::string_view>(const std::string& key)>;

  // `plugin`: the plugin's name, for error text (empty: "<plugin>").
  ConfigReader(std::string_view plugin, Lookup lookup)
      : plugin_(plugin.empty() ? std::string_view("<plugin>") : plugin), lookup_(std::move(lookup)) {}

  // "plugin.<plugin>.<key>"
  std::string full_key(std::string_view key) const {
    return "plugin." + std::string(plugin_) + "." + std::string(key);
  }

  // A decimal integer from min to max (an optional '-', digits, nothing else).
  Result<int64_t> integer(std::string_view key, int64_t fallback, int64_t min, int64_t max) const {
    auto text = get(key);
    if (!text) return fallback;
    int64_t value = 0;
    auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec == std::errc() && end == text->data() + text->size() && value >= min &&
        value <= max) {
      return value;
    }
    return bad(key, "an integer from " + std::to_string(min) + " to " + std::to_string(max), *text);
  }

  // on / off, also true / false and yes / no (as the host's own settings).
  Result<bool> boolean(std::string_view key, bool fallback) const {
    auto text = get(key);
    if (!text) return fallback;
    if (*text == "on" || *text == "true" || *text == "yes") return true;
    if (*text == "off" || *text == "false" || *text == "no") return false;
    return bad(key, "on or off (or true/false, yes/no)", *text);
  }

  // Any text, or with `allowed` given, one of those words.
  Result<std::string> string(std::string_view key, std::string_view fallback,
                             std::initializer_list<std::string_view> allowed = {}) const {
    auto text = get(key);
    if (!text) return std::string(fallback);
    if (allowed.size() == 0 || contains(allowed, *text)) return std::string(*text);
    return bad(key, "one of " + join(allowed), *text);
  }

  // Items separated by commas and/or blanks ("a, b c" is a, b, c; empty items
  // are dropped); with `allowed` given, every item one of those words.
  Result<std::vector<std::string>> list(std::string_view key, std::vector<std::string> fallback = {},
                                        std::initializer_list<std::string_view> allowed = {}) const {
    auto text = get(key);
    if (!text) return fallback;
    std::vector<std::string> items;
    size_t i = 0;
    while (i < text->size()) {
      size_t end = text->find_first_of(kSeparators, i);
      if (end == std::string_view::npos) end = text->size();
      if (end > i) {
        std::string_view item = text->substr(i, end - i);
        if (allowed.size() != 0 && !contains(allowed, item)) {
          return bad(key, "a list (comma or space separated) of " + join(allowed), *text);
        }
        items.emplace_back(item);
      }
      i = end + 1;
    }
    return items;
  }

 private:
  static constexpr std::string_view kSeparators = ", \t";

  std::optional<std::string_view> get(std::string_view key) const {
    auto text = lookup_(std::string(key));
    if (!text) return std::nullopt;
    size_t first = text->find_first_not_of(" \t");
    if (first == std::string_view::npos) return std::string_view();
    size_t last = text->find_last_not_of(" \t");
    return text->substr(first, last - first + 1);
  }
  // JSON string quoting: quotes, backslashes and control bytes stay readable.
  static std::string quoted(std::string_view s) {
    return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  static bool contains(std::initializer_list<std::string_view> words, std::string_view word) {
    for (std::string_view w : words) {
      if (w == word) return true;
    }
    return false;
  }
  static std::string join(std::initializer_list<std::string_view> words) {
    std::string out;
    for (std::string_view w : words) out += (out.empty() ? "" : ", ") + quoted(w);
    return out;
  }
  Error bad(std::string_view key, const std::string& allowed, std::string_view value) const {
    return invalid_argument("BAD_CONFIG", full_key(key) + " must be " + allowed + ", not " + quoted(value));
  }

  std::string_view plugin_;
  Lookup lookup_;
};

// The value, or throws std::invalid_argument with the error's message: meant
// for plugin constructors, where the SDK's init turns the exception into the
// plugin's refusal (`plugin 'orders' init failed: <message>`).
template <class T>
T or_throw(Result<T> result) {
  if (!result.ok()) throw std::invalid_argument(result.error().message());
  return std::move(*result);
}

}  // namespace bazaar::sdk
