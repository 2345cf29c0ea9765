// 'text' in single quotes, for error messages that name what the merchant wrote.
#pragma once

#include <string>
#include <string_view>

namespace bazaar::rules {

inline std::string in_quotes(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '\'';
  out += text;
  out += '\'';
  return out;
}

}  // namespace bazaar::rules
