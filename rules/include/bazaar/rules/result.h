// Errors as values for the rules engine: a Diagnostic says what is wrong and
// where; Result<T> holds either a T or at least one Diagnostic. Nothing in the
// rules API throws; callers map diagnostics to their own error types.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <optional>
#include <vector>

namespace bazaar::rules {

// One problem, at a 1-based line and column of the rule file. Columns count
// Unicode code points (what an editor shows), a tab counts as one. line == 0
// means the problem has no position (a bad schema, a bad facts file).
struct Diagnostic {
  std::uint32_t line = 0;
  std::uint32_t column = 0;
  std::string message;

  friend bool operator==(const Diagnostic&, const Diagnostic&) = default;
};

// "line:column: message", or just "message" when the diagnostic has no position.
std::string to_string(const Diagnostic& diagnostic);

// A value or a non-empty list of diagnostics. value() and errors() must only be
// called on the matching state (checked by assert in debug builds).
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(std::vector<Diagnostic> errors) : errors_(std::move(errors)) {  // NOLINT
    assert(!errors_.empty());
  }
  Result(Diagnostic error) : errors_{std::move(error)} {}  // NOLINT

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return *value_;
  }
  const T& value() const& {
    assert(ok());
    return *value_;
  }
  T&& value() && {
    assert(ok());
    return std::move(*value_);
  }
  // Empty when ok().
  const std::vector<Diagnostic>& errors() const { return errors_; }

 private:
  std::optional<T> value_;
  std::vector<Diagnostic> errors_;
};

}  // namespace bazaar::rules
