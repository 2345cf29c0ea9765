// Enum values and the names they are stored and shown under, in one table
// read both ways, so that a status's name is written once:
//
//   constexpr bazaar::sdk::EnumNames<Status, 2> kNames{{{Status::kOpen, "OPEN"},
//                                                       {Status::kShut, "SHUT"}}};
//   name_of(kNames, Status::kOpen)  -> "OPEN"
//   value_of(kNames, "SHUT")        -> Status::kShut   (exact text; nullopt otherwise)
//
// Header-only; no state.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>

namespace bazaar::sdk {

template <class E, size_t N>
using EnumNames = std::array<std::pair<E, std::string_view>, N>;

// The name of `value`, or "UNKNOWN" when the table does not list it.
template <class E, size_t N>
constexpr std::string_view name_of(const EnumNames<E, N>& names, E value) {
  for (const auto& [v, name] : names) {
    if (v == value) return name;
  }
  return "UNKNOWN";
}

// The value named exactly `text`, or nullopt.
template <class E, size_t N>
constexpr std::optional<E> value_of(const EnumNames<E, N>& names, std::string_view text) {
  for (const auto& [v, name] : names) {
    if (name == text) return v;
  }
  return std::nullopt;
}

}  // namespace bazaar::sdk
