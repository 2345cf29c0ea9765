// What the engine asks the outside world during evaluation: windowed counters
// (memcached-backed in production) and named lists (a merchant's blacklists).
// Implementations must not throw (an exception is caught and treated as
// "unavailable") and must be safe to call from every thread that evaluates.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace bazaar::rules {

// "How many `event`s with `by_fact` == `by_value` happened in
// (now_ms - window_ms, now_ms]?"
struct CounterQuery {
  std::string_view event;     // a counter event declared in the schema
  std::string_view by_fact;   // the fact that keys the counter ("user.id")
  std::string_view by_value;  // its value in this evaluation (integers in decimal)
  std::int64_t window_ms = 0;
  std::int64_t now_ms = 0;
};

class CounterProvider {
 public:
  virtual ~CounterProvider() = default;
  // The count, or nullopt when it cannot be known (backend down): the
  // condition then evaluates to error and the rule set fails closed.
  virtual std::optional<std::int64_t> count(const CounterQuery& query) const = 0;
};

class ListProvider {
 public:
  virtual ~ListProvider() = default;
  // Whether `value` is in the named list, or nullopt when the list cannot be
  // read (the condition evaluates to error; fail closed).
  virtual std::optional<bool> contains(std::string_view list, std::string_view value) const = 0;
};

}  // namespace bazaar::rules
