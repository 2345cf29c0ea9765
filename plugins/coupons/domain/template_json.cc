#include "domain/template_json.h"

#include <algorithm>
#include <charconv>
#include <string>

namespace coupons {

namespace {

using bazaar::Result;
using bazaar::Status;

bazaar::Error bad(const char* code, std::string message) {
  return bazaar::invalid_argument(code, std::move(message));
}

// Reads the members of one JSON object strictly: integers must be JSON
// integers (no fractions, no strings), flags JSON booleans.
class Fields {
 public:
  explicit Fields(const Json& object) : object_(object) {}

  bool has(const char* name) const { return object_.contains(name); }

  // The integer `name` in [min, max]; `fallback` when absent (nullopt: required).
  Result<int64_t> integer(const char* name, int64_t min, int64_t max, const char* code,
                          std::optional<int64_t> fallback = std::nullopt) const {
    auto it = object_.find(name);
    if (it == object_.end() && fallback) return *fallback;
    const std::string range = std::string(name) + " must be an integer from " +
                              std::to_string(min) + " to " + std::to_string(max);
    if (it == object_.end() || !it->is_number_integer()) return bad(code, range);
    // An unsigned value above INT64_MAX does not fit: out of range like any other.
    if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(max))
      return bad(code, range);
    const auto value = it->get<int64_t>();
    if (value < min || value > max) return bad(code, range);
    return value;
  }

  Result<bool> flag(const char* name) const {
    auto it = object_.find(name);
    if (it == object_.end()) return false;
    if (!it->is_boolean()) return bad("INVALID_FLAG", std::string(name) + " must be true or false");
    return it->get<bool>();
  }

  Result<std::string> text(const char* name, const char* code,
                           std::optional<std::string> fallback) const {
    auto it = object_.find(name);
    if (it == object_.end() && fallback) return *fallback;
    if (it == object_.end() || !it->is_string())
      return bad(code, std::string(name) + " must be text");
    return it->get<std::string>();
  }

  const Json* member(const char* name) const {
    auto it = object_.find(name);
    return it == object_.end() ? nullptr : &*it;
  }

 private:
  const Json& object_;
};

constexpr const char* kFields[] = {"name",           "kind",
                                   "threshold",      "amount",
                                   "percent",        "cap",
                                   "scope",          "sku_ids",
                                   "valid_from_ms",  "valid_until_ms",
                                   "valid_days",     "claim_from_ms",
                                   "claim_until_ms", "total",
                                   "per_user_limit", "stacks_with_activity",
                                   "refund_returns"};

Status known_fields_only(const Json& body) {
  for (const auto& [name, value] : body.items()) {
    if (std::find(std::begin(kFields), std::end(kFields), name) == std::end(kFields)) {
      return bad("UNKNOWN_FIELD", "unknown field \"" + name.substr(0, 64) + "\"");
    }
  }
  return bazaar::ok_status();
}

Result<std::string> parse_name(const Fields& f) {
  BAZAAR_ASSIGN_OR_RETURN(std::string name, f.text("name", "INVALID_NAME", std::nullopt));
  if (name.empty() || name.size() > 100) return bad("INVALID_NAME", "name must be 1 to 100 bytes");
  for (char ch : name) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7f) return bad("INVALID_NAME", "name has control characters");
  }
  return name;
}

Result<MoneyRule> parse_money(const Fields& f) {
  BAZAAR_ASSIGN_OR_RETURN(const std::string kind_text,
                          f.text("kind", "INVALID_KIND", std::nullopt));
  const std::optional<DiscountKind> kind = parse_discount_kind(kind_text);
  if (!kind) return bad("INVALID_KIND", "kind must be \"amount_off\" or \"percent_off\"");
  MoneyRule rule;
  rule.kind = *kind;
  BAZAAR_ASSIGN_OR_RETURN(const int64_t threshold,
                          f.integer("threshold", 0, kMaxFen, "INVALID_THRESHOLD", 0));
  rule.threshold = Money::fen(threshold);
  if (rule.kind == DiscountKind::kAmountOff) {
    for (const char* other : {"percent", "cap"}) {
      if (f.has(other))
        return bad("FIELD_NOT_FOR_KIND", std::string(other) + " is for percent_off coupons");
    }
    BAZAAR_ASSIGN_OR_RETURN(const int64_t amount,
                            f.integer("amount", 1, kMaxFen, "INVALID_AMOUNT"));
    rule.amount = Money::fen(amount);
    return rule;
  }
  if (f.has("amount")) return bad("FIELD_NOT_FOR_KIND", "amount is for amount_off coupons");
  BAZAAR_ASSIGN_OR_RETURN(rule.percent, f.integer("percent", 1, 99, "INVALID_PERCENT"));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t cap, f.integer("cap", 1, kMaxFen, "INVALID_CAP"));
  rule.cap = Money::fen(cap);
  return rule;
}

Result<int64_t> parse_sku_id(const Json& value) {
  int64_t id = 0;
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
    if (text.empty() || ec != std::errc() || end != text.data() + text.size()) id = 0;
  } else if (value.is_number_integer() && !value.is_number_unsigned()) {
    id = value.get<int64_t>();
  } else if (value.is_number_unsigned() &&
             value.get<uint64_t>() <= static_cast<uint64_t>(INT64_MAX)) {
    id = value.get<int64_t>();
  }
  if (id <= 0)
    return bad("INVALID_SKU_ID", "sku_ids must be positive ids (decimal strings or integers)");
  return id;
}

Result<Scope> parse_scope(const Fields& f) {
  BAZAAR_ASSIGN_OR_RETURN(const std::string kind_text, f.text("scope", "INVALID_SCOPE", "all"));
  const std::optional<ScopeKind> kind = parse_scope_kind(kind_text);
  if (!kind) return bad("INVALID_SCOPE", "scope must be \"all\", \"skus\" or \"all_but\"");
  Scope scope{*kind, {}};
  const Json* ids = f.member("sku_ids");
  if (scope.kind == ScopeKind::kAll) {
    if (ids != nullptr)
      return bad("INVALID_SCOPE", "sku_ids is for the scopes \"skus\" and \"all_but\"");
    return scope;
  }
  if (ids == nullptr || !ids->is_array() || ids->empty()) {
    return bad("INVALID_SCOPE",
               "sku_ids must be a non-empty array for scope \"" + kind_text + "\"");
  }
  if (ids->size() > kMaxScopeSkus) {
    return bad("SCOPE_TOO_LARGE", "at most " + std::to_string(kMaxScopeSkus) + " sku_ids");
  }
  scope.sku_ids.reserve(ids->size());
  for (const Json& id : *ids) {
    BAZAAR_ASSIGN_OR_RETURN(const int64_t sku, parse_sku_id(id));
    scope.sku_ids.push_back(sku);
  }
  std::sort(scope.sku_ids.begin(), scope.sku_ids.end());
  if (std::adjacent_find(scope.sku_ids.begin(), scope.sku_ids.end()) != scope.sku_ids.end()) {
    return bad("INVALID_SCOPE", "an SKU is listed twice in sku_ids");
  }
  return scope;
}

Result<Window> parse_window(const Fields& f, const char* from, const char* until) {
  BAZAAR_ASSIGN_OR_RETURN(const int64_t from_ms, f.integer(from, 0, kMaxTimeMs, "INVALID_WINDOW"));
  BAZAAR_ASSIGN_OR_RETURN(const int64_t until_ms,
                          f.integer(until, 0, kMaxTimeMs, "INVALID_WINDOW"));
  if (until_ms <= from_ms)
    return bad("INVALID_WINDOW", std::string(until) + " must be after " + from);
  return Window{from_ms, until_ms};
}

Result<ValidityRule> parse_validity(const Fields& f) {
  const bool fixed = f.has("valid_from_ms") || f.has("valid_until_ms");
  if (fixed == f.has("valid_days")) {
    return bad("INVALID_VALIDITY", "give either valid_from_ms and valid_until_ms, or valid_days");
  }
  ValidityRule rule;
  if (fixed) {
    rule.kind = ValidityRule::Kind::kFixed;
    BAZAAR_ASSIGN_OR_RETURN(rule.fixed, parse_window(f, "valid_from_ms", "valid_until_ms"));
  } else {
    rule.kind = ValidityRule::Kind::kDaysFromClaim;
    BAZAAR_ASSIGN_OR_RETURN(rule.days,
                            f.integer("valid_days", 1, kMaxValidDays, "INVALID_VALIDITY"));
  }
  return rule;
}

}  // namespace

Result<TemplateRules> parse_template_rules(const Json& body) {
  if (!body.is_object()) return bad("INVALID_BODY", "a template must be a JSON object");
  BAZAAR_RETURN_IF_ERROR(known_fields_only(body));
  const Fields f(body);
  TemplateRules rules;
  BAZAAR_ASSIGN_OR_RETURN(rules.name, parse_name(f));
  BAZAAR_ASSIGN_OR_RETURN(rules.money, parse_money(f));
  BAZAAR_ASSIGN_OR_RETURN(rules.scope, parse_scope(f));
  BAZAAR_ASSIGN_OR_RETURN(rules.validity, parse_validity(f));
  BAZAAR_ASSIGN_OR_RETURN(rules.claim_window, parse_window(f, "claim_from_ms", "claim_until_ms"));
  // A coupon claimed after a fixed validity has ended could never be used.
  if (rules.validity.kind == ValidityRule::Kind::kFixed &&
      rules.claim_window.until_ms > rules.validity.fixed.until_ms) {
    return bad("INVALID_WINDOW", "claim_until_ms must not be after valid_until_ms");
  }
  BAZAAR_ASSIGN_OR_RETURN(rules.total, f.integer("total", 1, kMaxTotal, "INVALID_QUANTITY"));
  BAZAAR_ASSIGN_OR_RETURN(rules.per_user_limit,
                          f.integer("per_user_limit", 1, kMaxPerUser, "INVALID_PER_USER_LIMIT", 1));
  BAZAAR_ASSIGN_OR_RETURN(rules.stacks_with_activity, f.flag("stacks_with_activity"));
  BAZAAR_ASSIGN_OR_RETURN(rules.refund_returns, f.flag("refund_returns"));
  return rules;
}

Json to_json(const TemplateRules& rules) {
  const MoneyRule& money = rules.money;
  Json out = {
      {"name", rules.name}, {"kind", to_string(money.kind)}, {"threshold", money.threshold}};
  if (money.kind == DiscountKind::kAmountOff) {
    out["amount"] = money.amount;
  } else {
    out["percent"] = money.percent;
    out["cap"] = money.cap;
  }
  out["scope"] = to_string(rules.scope.kind);
  if (rules.scope.kind != ScopeKind::kAll) {
    Json ids = Json::array();
    for (int64_t id : rules.scope.sku_ids) ids.push_back(std::to_string(id));
    out["sku_ids"] = std::move(ids);
  }
  if (rules.validity.kind == ValidityRule::Kind::kFixed) {
    out["valid_from_ms"] = rules.validity.fixed.from_ms;
    out["valid_until_ms"] = rules.validity.fixed.until_ms;
  } else {
    out["valid_days"] = rules.validity.days;
  }
  out["claim_from_ms"] = rules.claim_window.from_ms;
  out["claim_until_ms"] = rules.claim_window.until_ms;
  out["total"] = rules.total;
  out["per_user_limit"] = rules.per_user_limit;
  out["stacks_with_activity"] = rules.stacks_with_activity;
  out["refund_returns"] = rules.refund_returns;
  return out;
}

Result<TemplateEdit> parse_template_edit(const TemplateRules& current, const Json& body) {
  if (!body.is_object()) return bad("INVALID_BODY", "an edit must be a JSON object");
  Json patch = body;
  const auto version = patch.find("version");
  const bool valid = version != patch.end() && version->is_number_integer() &&
                     !(version->is_number_unsigned() &&
                       version->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) &&
                     version->get<int64_t>() >= 1;
  if (!valid) {
    return bad("INVALID_VERSION",
               "version must be the template's version as read (an integer from 1)");
  }
  TemplateEdit edit;
  edit.version = version->get<int64_t>();
  patch.erase("version");
  Json merged = to_json(current);
  merged.merge_patch(patch);
  BAZAAR_ASSIGN_OR_RETURN(edit.rules, parse_template_rules(merged));
  return edit;
}

}  // namespace coupons
