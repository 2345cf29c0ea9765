#include <bazaar/rules/facts.h>

namespace bazaar::rules {

Facts::Facts(const FactSchema& schema)
    : values_(schema.fact_count()), fingerprint_(schema.fingerprint()) {
  types_.reserve(schema.fact_count());
  for (std::uint32_t i = 0; i < schema.fact_count(); ++i) {
    types_.push_back(schema.fact_type(FactSlot{i}));
  }
}

Facts::Value* Facts::slot_of(FactSlot slot, FactType type) {
  if (slot.index >= values_.size() || types_[slot.index] != type) return nullptr;
  return &values_[slot.index];
}

bool Facts::set_integer(FactSlot slot, std::int64_t value) {
  Value* v = slot_of(slot, FactType::kInteger);
  if (v == nullptr) return false;
  *v = Value{value, {}, {}, true};
  return true;
}

bool Facts::set_money(FactSlot slot, std::int64_t minor_units) {
  Value* v = slot_of(slot, FactType::kMoney);
  if (v == nullptr) return false;
  *v = Value{minor_units, {}, {}, true};
  return true;
}

bool Facts::set_timestamp(FactSlot slot, std::int64_t utc_ms) {
  Value* v = slot_of(slot, FactType::kTimestamp);
  if (v == nullptr) return false;
  *v = Value{utc_ms, {}, {}, true};
  return true;
}

bool Facts::set_boolean(FactSlot slot, bool value) {
  Value* v = slot_of(slot, FactType::kBoolean);
  if (v == nullptr) return false;
  *v = Value{value ? 1 : 0, {}, {}, true};
  return true;
}

bool Facts::set_string(FactSlot slot, std::string_view value) {
  Value* v = slot_of(slot, FactType::kString);
  if (v == nullptr) return false;
  *v = Value{0, value, {}, true};
  return true;
}

bool Facts::set_string_list(FactSlot slot, std::span<const std::string_view> values) {
  Value* v = slot_of(slot, FactType::kStringList);
  if (v == nullptr) return false;
  *v = Value{0, {}, values, true};
  return true;
}

void Facts::clear(FactSlot slot) {
  if (slot.index < values_.size()) values_[slot.index] = Value{};
}

void Facts::clear_all() {
  for (auto& v : values_) v = Value{};
}

}  // namespace bazaar::rules
