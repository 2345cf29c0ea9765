// In-memory providers for tests, dry-runs (`bazaar-rules eval`) and the
// benchmark. Fill them first, then share them read-only between threads;
// lookups do not allocate.
#pragma once

#include <bazaar/rules/providers.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <tuple>

namespace bazaar::rules {

// Counts set by hand for exact (event, by fact, by value, window) keys.
// Unknown keys count 0, unless set_unavailable() was called: then every
// query answers nullopt (a backend outage).
class StaticCounterProvider final : public CounterProvider {
 public:
  void set(std::string_view event, std::string_view by_fact, std::string_view by_value,
           std::int64_t window_ms, std::int64_t count);
  void set_unavailable(bool unavailable) { unavailable_ = unavailable; }
  std::optional<std::int64_t> count(const CounterQuery& query) const override;

 private:
  using KeyView = std::tuple<std::string_view, std::string_view, std::string_view, std::int64_t>;
  struct Key {
    std::string event, by_fact, by_value;
    std::int64_t window_ms;
    KeyView view() const { return {event, by_fact, by_value, window_ms}; }
  };
  struct Less {
    using is_transparent = void;
    bool operator()(const Key& a, const Key& b) const { return a.view() < b.view(); }
    bool operator()(const Key& a, const KeyView& b) const { return a.view() < b; }
    bool operator()(const KeyView& a, const Key& b) const { return a < b.view(); }
  };
  std::map<Key, std::int64_t, Less> counts_;
  bool unavailable_ = false;
};

// Named lists of strings. A list never added answers nullopt (unavailable).
class MemoryListProvider final : public ListProvider {
 public:
  void add(std::string_view list, std::string_view value);
  void add_empty(std::string_view list);  // a list that exists but holds nothing
  std::optional<bool> contains(std::string_view list, std::string_view value) const override;

 private:
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> lists_;
};

}  // namespace bazaar::rules
