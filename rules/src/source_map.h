// Byte offsets -> 1-based line:column, and strict UTF-8 checking of a rule
// file before anything else reads it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace bazaar::rules {

struct Position {
  std::uint32_t line = 1;
  std::uint32_t column = 1;
};

// Lines end at "\n", "\r\n" or a lone "\r" (as XML and editors see them).
// Columns count code points: every byte that is not a UTF-8 continuation byte.
// The text must outlive the map.
class SourceMap {
 public:
  explicit SourceMap(std::string_view text);
  Position at(std::size_t offset) const;  // offsets past the end clamp to the end

 private:
  std::string_view text_;
  std::vector<std::size_t> line_starts_;
};

struct EncodingError {
  std::size_t offset;
  std::string message;
};

// First byte sequence that is not well-formed UTF-8 (overlong forms,
// surrogates and code points above U+10FFFF included) or not an XML
// character (controls other than tab, LF, CR; U+FFFE, U+FFFF), if any.
std::optional<EncodingError> find_encoding_error(std::string_view text);

}  // namespace bazaar::rules
