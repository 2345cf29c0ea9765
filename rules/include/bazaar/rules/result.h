// Errors as values for the rules engine: a Diagnostic says what is wrong and
// where; Result<T> holds either a T or at least one Diagnostic. Nothing in the
// rules API throws; callers map diagnostics to their own error types.
#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
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
  Result(T value) : state_(std::move(value)) {}  // NOLINT: implicit on purpose
  Result(std::vector<Diagnostic> errors) : state_(std::move(errors)) {  // NOLINT
    assert(!std::get<1>(state_).empty());
  }
  Result(Diagnostic error) : state_(std::vector<Diagnostic>{std::move(error)}) {}  // NOLINT

  bool ok() const { return state_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & {
    assert(ok());
    return *std::get_if<0>(&state_);
  }
  const T& value() const& {
    assert(ok());
    return *std::get_if<0>(&state_);
  }
  T&& value() && {
    assert(ok());
    return std::move(*std::get_if<0>(&state_));
  }
  const std::vector<Diagnostic>& errors() const {
    assert(!ok());
    return *std::get_if<1>(&state_);
  }

 private:
  std::variant<T, std::vector<Diagnostic>> state_;
};

}  // namespace bazaar::rules
