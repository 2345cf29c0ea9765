#include "domain/coupon_template.h"

#include <bazaar/sdk/enum_names.hpp>

#include <algorithm>

namespace coupons {

namespace {

using bazaar::sdk::EnumNames;
using bazaar::sdk::name_of;
using bazaar::sdk::value_of;

constexpr EnumNames<DiscountKind, 2> kKindNames{{
    {DiscountKind::kAmountOff, "amount_off"},
    {DiscountKind::kPercentOff, "percent_off"},
}};
constexpr EnumNames<ScopeKind, 3> kScopeNames{{
    {ScopeKind::kAll, "all"},
    {ScopeKind::kSkus, "skus"},
    {ScopeKind::kAllBut, "all_but"},
}};
constexpr EnumNames<TemplateStatus, 4> kStatusNames{{
    {TemplateStatus::kDraft, "DRAFT"},
    {TemplateStatus::kActive, "ACTIVE"},
    {TemplateStatus::kPaused, "PAUSED"},
    {TemplateStatus::kEnded, "ENDED"},
}};

}  // namespace

std::string_view to_string(DiscountKind kind) { return name_of(kKindNames, kind); }
std::optional<DiscountKind> parse_discount_kind(std::string_view text) {
  return value_of(kKindNames, text);
}
std::string_view to_string(ScopeKind kind) { return name_of(kScopeNames, kind); }
std::optional<ScopeKind> parse_scope_kind(std::string_view text) {
  return value_of(kScopeNames, text);
}
std::string_view to_string(TemplateStatus status) { return name_of(kStatusNames, status); }
std::optional<TemplateStatus> parse_template_status(std::string_view text) {
  return value_of(kStatusNames, text);
}

bool Scope::covers(int64_t sku_id) const {
  if (kind == ScopeKind::kAll) return true;
  const bool listed = std::binary_search(sku_ids.begin(), sku_ids.end(), sku_id);
  return kind == ScopeKind::kSkus ? listed : !listed;
}

Window ValidityRule::for_claim_at(int64_t claimed_ms) const {
  if (kind == Kind::kFixed) return fixed;
  return {claimed_ms, claimed_ms + days * kDayMs};
}

bool can_move(TemplateStatus from, TemplateStatus to) {
  using S = TemplateStatus;
  switch (from) {
    case S::kDraft:
      return to == S::kActive;
    case S::kActive:
      return to == S::kPaused || to == S::kEnded;
    case S::kPaused:
      return to == S::kActive || to == S::kEnded;
    case S::kEnded:
      return false;
  }
  return false;
}

}  // namespace coupons
