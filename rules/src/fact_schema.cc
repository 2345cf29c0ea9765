#include <bazaar/rules/fact_schema.h>

#include <array>
#include <span>

namespace bazaar::rules {
namespace {

constexpr std::size_t kMaxNameLength = 64;
constexpr std::size_t kMaxFacts = 1024;

// Dotted lower-case words: "order.amount", "blacklist.users".
bool is_dotted_name(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameLength) return false;
  bool segment_empty = true;
  for (char c : name) {
    if (c == '.') {
      if (segment_empty) return false;
      segment_empty = true;
    } else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') {
      segment_empty = false;
    } else {
      return false;
    }
  }
  return !segment_empty;
}

// FNV-1a, enough to tell two fact layouts apart.
std::uint64_t mix(std::uint64_t hash, std::string_view bytes) {
  for (char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

Diagnostic schema_error(std::string message) { return Diagnostic{0, 0, std::move(message)}; }

}  // namespace

std::string_view to_string(FactType type) {
  switch (type) {
    case FactType::kInteger: return "integer";
    case FactType::kMoney: return "money";
    case FactType::kString: return "string";
    case FactType::kBoolean: return "boolean";
    case FactType::kTimestamp: return "timestamp";
    case FactType::kStringList: return "string-list";
  }
  return "unknown";
}

FactSchema::FactSchema(std::string evaluation_point)
    : evaluation_point_(std::move(evaluation_point)),
      fingerprint_(mix(0xcbf29ce484222325ULL, evaluation_point_)) {}

Result<FactSlot> FactSchema::add_fact(std::string_view name, FactType type) {
  if (!is_dotted_name(name)) {
    return schema_error("fact name '" + std::string(name) +
                        "' must be dotted lower-case words, at most 64 characters");
  }
  if (name == "now" || name == "lists" || name == "counters") {
    return schema_error("fact name '" + std::string(name) + "' is reserved");
  }
  if (fact_index_.find(name) != fact_index_.end()) {
    return schema_error("fact '" + std::string(name) + "' is declared twice");
  }
  if (facts_.size() >= kMaxFacts) return schema_error("a schema holds at most 1024 facts");
  FactSlot slot{static_cast<std::uint32_t>(facts_.size())};
  facts_.push_back(Fact{std::string(name), type});
  fact_index_.emplace(std::string(name), slot.index);
  const char type_byte[2] = {static_cast<char>('0' + static_cast<int>(type)), '\n'};
  fingerprint_ = mix(mix(fingerprint_, name), std::string_view(type_byte, 2));
  return slot;
}

Result<std::uint32_t> FactSchema::add_list(std::string_view name) {
  if (!is_dotted_name(name)) {
    return schema_error("list name '" + std::string(name) +
                        "' must be dotted lower-case words, at most 64 characters");
  }
  if (find_list(name)) return schema_error("list '" + std::string(name) + "' is declared twice");
  lists_.emplace_back(name);
  return static_cast<std::uint32_t>(lists_.size() - 1);
}

Result<std::uint32_t> FactSchema::add_counter_event(std::string_view event) {
  if (!is_dotted_name(event)) {
    return schema_error("counter event '" + std::string(event) +
                        "' must be dotted lower-case words, at most 64 characters");
  }
  if (find_counter_event(event)) {
    return schema_error("counter event '" + std::string(event) + "' is declared twice");
  }
  counter_events_.emplace_back(event);
  return static_cast<std::uint32_t>(counter_events_.size() - 1);
}

std::optional<FactSlot> FactSchema::find_fact(std::string_view name) const {
  auto it = fact_index_.find(name);
  if (it == fact_index_.end()) return std::nullopt;
  return FactSlot{it->second};
}

std::optional<std::uint32_t> FactSchema::find_list(std::string_view name) const {
  for (std::size_t i = 0; i < lists_.size(); ++i) {
    if (lists_[i] == name) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

std::optional<std::uint32_t> FactSchema::find_counter_event(std::string_view event) const {
  for (std::size_t i = 0; i < counter_events_.size(); ++i) {
    if (counter_events_[i] == event) return static_cast<std::uint32_t>(i);
  }
  return std::nullopt;
}

namespace {

struct FactSpec {
  std::string_view name;
  FactType type;
};

FactSchema make_schema(std::string_view point, std::span<const FactSpec> facts,
                       std::span<const std::string_view> lists,
                       std::span<const std::string_view> counters) {
  FactSchema schema{std::string(point)};
  // The built-in names are valid and distinct, so none of these can fail.
  for (const auto& fact : facts) (void)schema.add_fact(fact.name, fact.type).ok();
  for (auto list : lists) (void)schema.add_list(list).ok();
  for (auto counter : counters) (void)schema.add_counter_event(counter).ok();
  return schema;
}

}  // namespace

std::optional<FactSchema> builtin_schema(std::string_view name) {
  if (name == "order.create") {
    // What the orders plugin offers (docs/PLUGINS.md, "The risk check");
    // user.* beyond user.id come from the risk plugin's own data.
    static constexpr std::array<FactSpec, 15> kFacts{{
        {"order.amount", FactType::kMoney},
        {"order.total", FactType::kMoney},
        {"order.item_count", FactType::kInteger},
        {"order.quantity", FactType::kInteger},
        {"order.sku_ids", FactType::kStringList},
        {"order.merchant_ids", FactType::kStringList},
        {"order.coupon_code", FactType::kString},
        {"user.id", FactType::kString},
        {"user.age_days", FactType::kInteger},
        {"user.first_order", FactType::kBoolean},
        {"user.registered_at", FactType::kTimestamp},
        {"user.tags", FactType::kStringList},
        {"request.ip", FactType::kString},
        {"request.time", FactType::kTimestamp},
        {"device.id", FactType::kString},
    }};
    static constexpr std::array<std::string_view, 4> kLists{
        "blacklist.users", "blacklist.ips", "blacklist.devices", "whitelist.users"};
    static constexpr std::array<std::string_view, 3> kCounters{"order.create", "payment.fail",
                                                               "coupon.claim"};
    return make_schema(name, kFacts, kLists, kCounters);
  }
  if (name == "coupon.claim") {
    static constexpr std::array<FactSpec, 10> kFacts{{
        {"coupon.template_id", FactType::kString},
        {"coupon.channel", FactType::kString},
        {"order.amount", FactType::kMoney},
        {"user.id", FactType::kString},
        {"user.age_days", FactType::kInteger},
        {"user.first_order", FactType::kBoolean},
        {"user.tags", FactType::kStringList},
        {"request.ip", FactType::kString},
        {"request.time", FactType::kTimestamp},
        {"device.id", FactType::kString},
    }};
    static constexpr std::array<std::string_view, 2> kLists{"blacklist.users",
                                                            "blacklist.devices"};
    static constexpr std::array<std::string_view, 1> kCounters{"coupon.claim"};
    return make_schema(name, kFacts, kLists, kCounters);
  }
  return std::nullopt;
}

std::vector<std::string_view> builtin_schema_names() { return {"order.create", "coupon.claim"}; }

}  // namespace bazaar::rules
