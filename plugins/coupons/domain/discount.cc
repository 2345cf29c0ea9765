#include "domain/discount.h"

#include <algorithm>

namespace coupons {

namespace {
__extension__ typedef __int128 wide_int;  // E × percent stays exact whatever E is
}  // namespace

Money discount_for(const MoneyRule& rule, Money eligible) {
  if (rule.kind == DiscountKind::kAmountOff) return std::min(rule.amount, eligible);
  const auto floored =
      static_cast<int64_t>(static_cast<wide_int>(eligible.in_fen()) * rule.percent / 100);
  return std::min({Money::fen(floored), rule.cap, eligible});
}

Quote quote_discount(const CouponTemplate& tmpl, const Window& validity,
                     std::span<const PricedLine> lines, int64_t now_ms) {
  Quote quote;
  if (now_ms < validity.from_ms) {
    quote.refusal = Refusal::kNotYetValid;
    return quote;
  }
  if (now_ms >= validity.until_ms) {
    quote.refusal = Refusal::kExpired;
    return quote;
  }
  const TemplateRules& rules = tmpl.rules;
  bool any_in_scope = false;
  Money eligible;
  for (const PricedLine& line : lines) {
    if (line.merchant_id != tmpl.merchant_id || !rules.scope.covers(line.sku_id)) continue;
    any_in_scope = true;
    if (line.activity_priced && !rules.stacks_with_activity) continue;
    quote.eligible_lines.push_back(line.line);
    eligible += line.payable;
  }
  if (quote.eligible_lines.empty()) {
    quote.refusal = any_in_scope ? Refusal::kNotStackable : Refusal::kNotInScope;
    return quote;
  }
  if (eligible < rules.money.threshold) {
    quote.refusal = Refusal::kThresholdNotMet;
    quote.eligible_lines.clear();
    return quote;
  }
  quote.discount = discount_for(rules.money, eligible);
  return quote;
}

}  // namespace coupons
