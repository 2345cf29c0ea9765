// A coupon template: what a merchant sets up (the money rule, the SKUs it
// covers, how long a claimed coupon is valid, when and how many can be
// claimed) and the template's own status. Pure: no storage, no SDK calls;
// parsing lives in template_json.h, the edit rule in template_update.h.
#pragma once

#include <bazaar/sdk/money.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace coupons {

using bazaar::sdk::kZero;
using bazaar::sdk::Money;

// Bounds every template is parsed against (template_json.h).
inline constexpr int64_t kMaxFen = 1'000'000'000;           // any amount, threshold or cap
inline constexpr size_t kMaxScopeSkus = 1000;               // SKUs listed in a scope
inline constexpr int64_t kMaxTotal = 100'000'000;           // coupons a template may issue
inline constexpr int64_t kMaxPerUser = 100;                 // coupons one user may hold
inline constexpr int64_t kMaxValidDays = 3650;              // days_from_claim
inline constexpr int64_t kMaxTimeMs = 253'402'300'799'999;  // 9999-12-31T23:59:59.999Z
inline constexpr int64_t kDayMs = 86'400'000;

// A half-open time range [from_ms, until_ms) in UTC milliseconds.
struct Window {
  int64_t from_ms = 0;
  int64_t until_ms = 0;
  bool contains(int64_t t_ms) const { return from_ms <= t_ms && t_ms < until_ms; }
  bool operator==(const Window&) const = default;
};

enum class DiscountKind { kAmountOff, kPercentOff };
std::string_view to_string(DiscountKind kind);  // "amount_off", "percent_off"
std::optional<DiscountKind> parse_discount_kind(std::string_view text);

// The money rule (discount.h applies it).
//   amount_off (满减): `amount` off once the eligible lines reach `threshold`.
//   percent_off: `percent` % off (an integer 1..99, see template_json.h) once
//     the eligible lines reach `threshold`, never more than `cap`.
// A threshold of 0 means none. Fields of the other kind stay 0.
struct MoneyRule {
  DiscountKind kind = DiscountKind::kAmountOff;
  Money threshold;
  Money amount;         // amount_off: 1..kMaxFen
  int64_t percent = 0;  // percent_off: 1..99
  Money cap;            // percent_off: 1..kMaxFen (required)
  bool operator==(const MoneyRule&) const = default;
};

enum class ScopeKind { kAll, kSkus, kAllBut };
std::string_view to_string(ScopeKind kind);  // "all", "skus", "all_but"
std::optional<ScopeKind> parse_scope_kind(std::string_view text);

// Which of the merchant's SKUs the coupon covers. Lines of another merchant
// are never covered, whatever the scope (discount.h checks the merchant).
struct Scope {
  ScopeKind kind = ScopeKind::kAll;
  std::vector<int64_t> sku_ids;  // sorted, distinct; empty for kAll
  bool covers(int64_t sku_id) const;
  bool operator==(const Scope&) const = default;
};

// How long a claimed coupon is valid: the same fixed window for every
// coupon, or `days` × 24 h from the moment it was claimed (exact days, not
// calendar days: the same for every time zone).
struct ValidityRule {
  enum class Kind { kFixed, kDaysFromClaim };
  Kind kind = Kind::kFixed;
  Window fixed;      // kFixed
  int64_t days = 0;  // kDaysFromClaim: 1..kMaxValidDays
  // The validity of a coupon claimed at `claimed_ms`.
  Window for_claim_at(int64_t claimed_ms) const;
  bool operator==(const ValidityRule&) const = default;
};

// Everything a merchant writes when creating or editing a template.
struct TemplateRules {
  std::string name;
  MoneyRule money;
  Scope scope;
  ValidityRule validity;
  Window claim_window;  // when users may claim
  int64_t total = 0;    // coupons the template may issue, 1..kMaxTotal
  int64_t per_user_limit = 1;
  bool stacks_with_activity = false;  // applies to lines with a flash-sale or group price
  bool refund_returns = false;        // a full refund gives the coupon back (while valid)
  bool operator==(const TemplateRules&) const = default;
};

// The template's status:
//   DRAFT → ACTIVE → PAUSED → ACTIVE …; ACTIVE | PAUSED → ENDED (final).
// Only an ACTIVE template, inside its claim window, can be claimed; coupons
// already claimed stay usable whatever the template's status.
enum class TemplateStatus { kDraft, kActive, kPaused, kEnded };
std::string_view to_string(TemplateStatus status);  // "DRAFT", "ACTIVE", "PAUSED", "ENDED"
std::optional<TemplateStatus> parse_template_status(std::string_view text);
bool can_move(TemplateStatus from, TemplateStatus to);

struct CouponTemplate {
  int64_t id = 0;
  int64_t merchant_id = 0;
  TemplateStatus status = TemplateStatus::kDraft;
  TemplateRules rules;
};

}  // namespace coupons
