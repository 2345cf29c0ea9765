#include <bazaar/rules/result.h>

namespace bazaar::rules {

std::string to_string(const Diagnostic& diagnostic) {
  if (diagnostic.line == 0) return diagnostic.message;
  return std::to_string(diagnostic.line) + ":" + std::to_string(diagnostic.column) + ": " +
         diagnostic.message;
}

}  // namespace bazaar::rules
