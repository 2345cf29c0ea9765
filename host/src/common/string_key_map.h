// An unordered_map keyed by std::string that also finds by std::string_view,
// without building a std::string per lookup (C++20 heterogeneous lookup): for
// maps read on every request (near cache, remembered tokens).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace bazaar::host {

struct StringKeyHash {
  using is_transparent = void;
  size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
};

template <class Value>
using StringKeyMap = std::unordered_map<std::string, Value, StringKeyHash, std::equal_to<>>;

}  // namespace bazaar::host
