// The basics every SDK header shares: the JSON type, bz_str <-> string_view,
// error text into a caller-owned ABI buffer, and typed JSON parsing.
// Header-only; no state.
#pragma once

#include <bazaar/plugin.h>
#include <bazaar/result.hpp>

#include <cstdio>
#include <exception>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace bazaar::sdk {

using Json = nlohmann::json;

// A view of a host-owned byte range (valid as long as the ABI says it is).
inline std::string_view view(bz_str s) { return {s.data, s.len}; }
// A borrowed bz_str over `s` (valid as long as `s` is).
inline bz_str to_bz(std::string_view s) { return {s.data(), s.size()}; }

namespace detail {

// Writes `text` into the caller-owned buffer (NUL-terminated, truncated).
inline void copy_error(const char* text, char* err, size_t err_len) {
  if (err == nullptr || err_len == 0) return;
  std::snprintf(err, err_len, "%s", text);
}

// "[json.exception.type_error.302] type must be number" -> "type must be number"
inline std::string strip_json_prefix(std::string_view what) {
  size_t close = what.find("] ");
  return std::string(close == std::string_view::npos ? what : what.substr(close + 2));
}

// `text` parsed as JSON into T (which needs an nlohmann from_json): 400
// INVALID_JSON with `not_json` when it is not JSON, 400 `shape_code` with the
// reason (its library prefix stripped when `strip`) when T refuses its shape.
template <class T>
Result<T> parse_json_as(std::string_view text, const char* not_json, const char* shape_code,
                        bool strip) {
  Json doc = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return invalid_argument("INVALID_JSON", not_json);
  try {
    return doc.get<T>();
  } catch (const std::exception& e) {
    return invalid_argument(shape_code, strip ? strip_json_prefix(e.what()) : std::string(e.what()));
  }
}

}  // namespace detail
}  // namespace bazaar::sdk
