#include "prescan.h"

#include <cstdint>

namespace bazaar::rules {
namespace {

bool starts_with_at(std::string_view text, std::size_t at, std::string_view prefix) {
  return text.size() >= at && text.substr(at).starts_with(prefix);
}

bool starts_with_ci_at(std::string_view text, std::size_t at, std::string_view prefix) {
  if (text.size() < at + prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = text[at + i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool is_xml_char(std::uint32_t c) {
  return c == 0x9 || c == 0xA || c == 0xD || (c >= 0x20 && c <= 0xD7FF) ||
         (c >= 0xE000 && c <= 0xFFFD) || (c >= 0x10000 && c <= 0x10FFFF);
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Checks the reference starting at xml[at] == '&'; returns its length.
std::optional<PrescanError> check_reference(std::string_view xml, std::size_t at,
                                            std::size_t* length) {
  constexpr std::size_t kLongest = 12;  // "&#x10FFFF;" and friends, with slack
  const std::size_t semicolon = xml.find(';', at + 1);
  const std::string_view bare_message =
      "'&' must be written as &amp; (or start a reference such as &lt;)";
  if (semicolon == std::string_view::npos || semicolon - at > kLongest || semicolon == at + 1) {
    return PrescanError{at, std::string(bare_message)};
  }
  const std::string_view body = xml.substr(at + 1, semicolon - at - 1);
  *length = semicolon - at + 1;
  if (body.front() == '#') {
    const bool hex = body.size() > 1 && body[1] == 'x';
    const std::string_view digits = body.substr(hex ? 2 : 1);
    if (digits.empty() || digits.size() > 8) return PrescanError{at, std::string(bare_message)};
    std::uint32_t code = 0;
    for (char c : digits) {
      const int v = hex ? hex_value(c) : (c >= '0' && c <= '9' ? c - '0' : -1);
      if (v < 0) return PrescanError{at, "malformed character reference '&" + std::string(body) + ";'"};
      code = code * (hex ? 16U : 10U) + static_cast<std::uint32_t>(v);
    }
    if (!is_xml_char(code)) {
      return PrescanError{at, "character reference '&" + std::string(body) +
                                  ";' is not a character XML allows"};
    }
    return std::nullopt;
  }
  if (body == "lt" || body == "gt" || body == "amp" || body == "quot" || body == "apos") {
    return std::nullopt;
  }
  for (char c : body) {
    const bool name_char = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                           (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == ':';
    if (!name_char) return PrescanError{at, std::string(bare_message)};
  }
  return PrescanError{at, "unknown entity '&" + std::string(body) +
                              ";': only &lt; &gt; &amp; &quot; &apos; and character "
                              "references are allowed"};
}

// <?xml version="1.0" encoding="..."?>: only UTF-8 (any case) is accepted.
std::optional<PrescanError> check_declaration(std::string_view xml, std::size_t at,
                                              std::size_t end) {
  const std::string_view decl = xml.substr(at, end - at);
  const std::size_t key = decl.find("encoding");
  if (key == std::string_view::npos) return std::nullopt;
  std::size_t i = key + 8;
  while (i < decl.size() && (decl[i] == ' ' || decl[i] == '=' || decl[i] == '\t')) ++i;
  if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) return std::nullopt;
  const char quote = decl[i];
  const std::size_t close = decl.find(quote, i + 1);
  if (close == std::string_view::npos) return std::nullopt;
  const std::string_view value = decl.substr(i + 1, close - i - 1);
  if (value.size() == 5 && starts_with_ci_at(value, 0, "UTF-8")) return std::nullopt;
  return PrescanError{at + i + 1, "encoding '" + std::string(value) +
                                      "' is not supported: rule files are UTF-8"};
}

}  // namespace

std::optional<PrescanError> prescan(std::string_view xml, std::size_t max_element_depth) {
  std::size_t i = 0;
  if (xml.starts_with("\xEF\xBB\xBF")) i = 3;
  const std::size_t content_start = i;
  std::size_t depth = 0;
  const std::size_t n = xml.size();
  while (i < n) {
    const char c = xml[i];
    if (c == '&' && depth > 0) {
      std::size_t length = 0;
      if (auto error = check_reference(xml, i, &length)) return error;
      i += length;
      continue;
    }
    if (c != '<') {
      // pugixml drops text outside the root element silently; refuse it.
      if (depth == 0 && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return PrescanError{i, "unexpected text outside <ruleset>"};
      }
      ++i;
      continue;
    }
    if (starts_with_at(xml, i, "<!--")) {
      const std::size_t end = xml.find("-->", i + 4);
      if (end == std::string_view::npos) return std::nullopt;  // pugixml reports it
      // XML forbids "--" inside comments; pugixml does not check, editors do.
      const std::size_t dashes = xml.find("--", i + 4);
      if (dashes < end) return PrescanError{dashes, "'--' is not allowed inside a comment"};
      i = end + 3;
    } else if (starts_with_at(xml, i, "<![CDATA[")) {
      const std::size_t end = xml.find("]]>", i + 9);
      if (end == std::string_view::npos) return std::nullopt;
      i = end + 3;
    } else if (starts_with_at(xml, i, "<?")) {
      const std::size_t end = xml.find("?>", i + 2);
      if (end == std::string_view::npos) return std::nullopt;
      if (i == content_start && starts_with_at(xml, i, "<?xml") && i + 5 < n &&
          (xml[i + 5] == ' ' || xml[i + 5] == '\t' || xml[i + 5] == '\r' || xml[i + 5] == '\n')) {
        if (auto error = check_declaration(xml, i, end)) return error;
      }
      i = end + 2;
    } else if (starts_with_ci_at(xml, i, "<!DOCTYPE")) {
      return PrescanError{i, "DOCTYPE declarations are not allowed in rule files (no DTD, "
                             "no entities)"};
    } else if (starts_with_at(xml, i, "<!")) {
      return PrescanError{i, "markup declarations ('<!') are not allowed in rule files"};
    } else if (starts_with_at(xml, i, "</")) {
      if (depth > 0) --depth;
      const std::size_t end = xml.find('>', i + 2);
      if (end == std::string_view::npos) return std::nullopt;
      i = end + 1;
    } else {
      ++depth;
      if (depth > max_element_depth) {
        return PrescanError{i, "elements are nested more than " +
                                   std::to_string(max_element_depth) + " deep"};
      }
      // Walk the tag, skipping quoted attribute values, to its '>'.
      std::size_t j = i + 1;
      while (j < n && xml[j] != '>') {
        if (xml[j] == '"' || xml[j] == '\'') {
          const char quote = xml[j];
          ++j;
          while (j < n && xml[j] != quote) {
            if (xml[j] == '&') {
              std::size_t length = 0;
              if (auto error = check_reference(xml, j, &length)) return error;
              j += length;
            } else {
              ++j;
            }
          }
          if (j >= n) return std::nullopt;  // unterminated: pugixml reports it
        }
        ++j;
      }
      if (j >= n) return std::nullopt;
      if (xml[j - 1] == '/') --depth;  // <element ... />
      i = j + 1;
    }
  }
  return std::nullopt;
}

}  // namespace bazaar::rules
