// Ids at the API's edge. Contract: ids are positive 64-bit integers and
// travel as decimal strings (JavaScript loses integers above 2^53). Pure:
// no host call, usable in a plugin's domain code.
#pragma once

#include <charconv>
#include <cstdint>
#include <optional>
#include <string_view>

namespace bazaar::sdk {

// A positive id written as decimal digits only (no sign, no blanks), or nullopt.
inline std::optional<int64_t> parse_id_text(std::string_view text) {
  if (text.empty() || text.size() > 19) return std::nullopt;
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value <= 0) return std::nullopt;
  return value;
}

}  // namespace bazaar::sdk
