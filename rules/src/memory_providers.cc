#include <bazaar/rules/memory_providers.h>

namespace bazaar::rules {

void StaticCounterProvider::set(std::string_view event, std::string_view by_fact,
                                std::string_view by_value, std::int64_t window_ms,
                                std::int64_t count) {
  counts_[Key{std::string(event), std::string(by_fact), std::string(by_value), window_ms}] = count;
}

std::optional<std::int64_t> StaticCounterProvider::count(const CounterQuery& query) const {
  if (unavailable_) return std::nullopt;
  auto it = counts_.find(KeyView{query.event, query.by_fact, query.by_value, query.window_ms});
  return it == counts_.end() ? 0 : it->second;
}

void MemoryListProvider::add(std::string_view list, std::string_view value) {
  auto it = lists_.find(list);
  if (it == lists_.end()) it = lists_.emplace(std::string(list), std::set<std::string, std::less<>>{}).first;
  it->second.emplace(value);
}

void MemoryListProvider::add_empty(std::string_view list) {
  if (lists_.find(list) == lists_.end()) lists_.emplace(std::string(list), std::set<std::string, std::less<>>{});
}

std::optional<bool> MemoryListProvider::contains(std::string_view list,
                                                 std::string_view value) const {
  auto it = lists_.find(list);
  if (it == lists_.end()) return std::nullopt;
  return it->second.find(value) != it->second.end();
}

}  // namespace bazaar::rules
