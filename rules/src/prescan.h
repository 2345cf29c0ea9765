// A linear scan of the raw bytes of a rule file, before pugixml sees them.
// It refuses what pugixml would accept silently or dangerously:
//   - DOCTYPE (and any other <!...> declaration): no DTD, no entities;
//   - entity references other than the five predefined ones, bare '&', and
//     character references to characters XML forbids (&#0;);
//   - an XML declaration naming an encoding other than UTF-8;
//   - text outside the root element (pugixml would drop it silently);
//   - elements nested deeper than max_element_depth. pugixml 1.13 builds and
//     frees its tree recursively, so a very deep file must never reach it.
// The scan counts nesting conservatively: anything that could open an element
// counts as one, so pugixml never builds a tree deeper than the scan saw.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace bazaar::rules {

struct PrescanError {
  std::size_t offset;
  std::string message;
};

std::optional<PrescanError> prescan(std::string_view xml, std::size_t max_element_depth);

}  // namespace bazaar::rules
