#include "source_map.h"

#include <algorithm>
#include <cstdio>

namespace bazaar::rules {

SourceMap::SourceMap(std::string_view text) : text_(text) {
  line_starts_.push_back(0);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' || (text[i] == '\r' && (i + 1 == text.size() || text[i + 1] != '\n'))) {
      line_starts_.push_back(i + 1);
    }
  }
}

Position SourceMap::at(std::size_t offset) const {
  offset = std::min(offset, text_.size());
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  const auto line_index = static_cast<std::size_t>(it - line_starts_.begin()) - 1;
  std::uint32_t column = 1;
  for (std::size_t i = line_starts_[line_index]; i < offset; ++i) {
    if ((static_cast<unsigned char>(text_[i]) & 0xC0U) != 0x80U) ++column;
  }
  return Position{static_cast<std::uint32_t>(line_index + 1), column};
}

namespace {

std::string hex_byte(unsigned char byte) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%02X", static_cast<unsigned>(byte));
  return buf;
}

}  // namespace

std::optional<EncodingError> find_encoding_error(std::string_view text) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  while (i < n) {
    const unsigned char b = bytes[i];
    if (b < 0x80) {
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') {
        return EncodingError{i, "control character " + hex_byte(b) + " is not allowed in XML"};
      }
      ++i;
      continue;
    }
    std::size_t length = 0;
    std::uint32_t code = 0;
    std::uint32_t minimum = 0;
    if ((b & 0xE0U) == 0xC0U) {
      length = 2, code = b & 0x1FU, minimum = 0x80;
    } else if ((b & 0xF0U) == 0xE0U) {
      length = 3, code = b & 0x0FU, minimum = 0x800;
    } else if ((b & 0xF8U) == 0xF0U) {
      length = 4, code = b & 0x07U, minimum = 0x10000;
    } else {
      return EncodingError{i, "invalid UTF-8 byte " + hex_byte(b) + " (the file must be UTF-8)"};
    }
    if (i + length > n) {
      return EncodingError{i, "truncated UTF-8 sequence (the file must be UTF-8)"};
    }
    for (std::size_t k = 1; k < length; ++k) {
      const unsigned char c = bytes[i + k];
      if ((c & 0xC0U) != 0x80U) {
        return EncodingError{i, "invalid UTF-8 sequence (the file must be UTF-8)"};
      }
      code = (code << 6) | (c & 0x3FU);
    }
    if (code < minimum) return EncodingError{i, "overlong UTF-8 sequence"};
    if (code >= 0xD800 && code <= 0xDFFF) {
      return EncodingError{i, "UTF-8 encoded surrogate (the file must be UTF-8)"};
    }
    if (code > 0x10FFFF) return EncodingError{i, "code point above U+10FFFF"};
    if (code == 0xFFFE || code == 0xFFFF) {
      return EncodingError{i, "U+FFFE and U+FFFF are not allowed in XML"};
    }
    i += length;
  }
  return std::nullopt;
}

}  // namespace bazaar::rules
