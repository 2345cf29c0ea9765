// The fact values for one evaluation, stored by slot. Build one Facts per
// schema (it allocates once), then set and clear values per request without
// allocating. Not thread-safe: one Facts per thread.
#pragma once

#include <bazaar/rules/fact_schema.h>

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace bazaar::rules {

class Facts {
 public:
  // One stored value. Which member holds it depends on the fact's type.
  struct Value {
    std::int64_t number = 0;  // integer, money, timestamp, boolean (0/1)
    std::string_view text;    // string
    std::span<const std::string_view> list;  // string-list
    bool present = false;
  };

  // Every fact starts absent. The schema must outlive nothing: Facts copies
  // what it needs.
  explicit Facts(const FactSchema& schema);

  // Each setter returns false (and stores nothing) when the slot does not
  // exist or the fact has another type. Strings and lists are NOT copied: the
  // viewed memory must stay valid until the last evaluate() that reads it.
  [[nodiscard]] bool set_integer(FactSlot slot, std::int64_t value);
  [[nodiscard]] bool set_money(FactSlot slot, std::int64_t minor_units);
  [[nodiscard]] bool set_timestamp(FactSlot slot, std::int64_t utc_ms);
  [[nodiscard]] bool set_boolean(FactSlot slot, bool value);
  [[nodiscard]] bool set_string(FactSlot slot, std::string_view value);
  [[nodiscard]] bool set_string_list(FactSlot slot, std::span<const std::string_view> values);

  void clear(FactSlot slot);  // makes one fact absent again
  void clear_all();

  std::size_t size() const { return values_.size(); }
  const Value& value(std::uint32_t index) const { return values_[index]; }
  FactType type(std::uint32_t index) const { return types_[index]; }
  std::uint64_t fingerprint() const { return fingerprint_; }

 private:
  Value* slot_of(FactSlot slot, FactType type);

  std::vector<FactType> types_;
  std::vector<Value> values_;
  std::uint64_t fingerprint_;
};

}  // namespace bazaar::rules
