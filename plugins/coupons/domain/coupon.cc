#include "domain/coupon.h"

#include <bazaar/sdk/enum_names.hpp>

namespace coupons {

namespace {

constexpr bazaar::sdk::EnumNames<CouponStatus, 4> kStatusNames{{
    {CouponStatus::kUnused, "UNUSED"},
    {CouponStatus::kLocked, "LOCKED"},
    {CouponStatus::kUsed, "USED"},
    {CouponStatus::kExpired, "EXPIRED"},
}};

}  // namespace

std::string_view to_string(CouponStatus status) {
  return bazaar::sdk::name_of(kStatusNames, status);
}
std::optional<CouponStatus> parse_coupon_status(std::string_view text) {
  return bazaar::sdk::value_of(kStatusNames, text);
}

Coupon claim_coupon(int64_t id, const CouponTemplate& tmpl, int64_t user_id, int64_t claimed_ms) {
  return {id,         tmpl.id,
          user_id,    CouponStatus::kUnused,
          claimed_ms, tmpl.rules.validity.for_claim_at(claimed_ms)};
}

CouponStatus shown_status(const Coupon& coupon, int64_t now_ms) {
  if (coupon.status == CouponStatus::kUnused && now_ms >= coupon.validity.until_ms)
    return CouponStatus::kExpired;
  return coupon.status;
}

std::optional<CouponStatus> status_after(const Coupon& coupon, CouponMove move, int64_t now_ms,
                                         bool refund_returns) {
  using S = CouponStatus;
  const bool valid_now = coupon.validity.contains(now_ms);
  const bool ended = now_ms >= coupon.validity.until_ms;
  switch (move) {
    case CouponMove::kLock:
      if (coupon.status == S::kUnused && valid_now) return S::kLocked;
      return std::nullopt;
    case CouponMove::kConfirm:
      // The order was paid while the coupon was locked for it: used, even if
      // its validity ended since the try (the price was agreed at the try).
      if (coupon.status == S::kLocked) return S::kUsed;
      return std::nullopt;
    case CouponMove::kCancel:
      if (coupon.status == S::kLocked) return ended ? S::kExpired : S::kUnused;
      return std::nullopt;
    case CouponMove::kExpire:
      if (coupon.status == S::kUnused && ended) return S::kExpired;
      return std::nullopt;
    case CouponMove::kFullRefund:
      if (coupon.status != S::kUsed) return std::nullopt;
      return refund_returns && valid_now ? S::kUnused : S::kUsed;
  }
  return std::nullopt;
}

Refusal usability(const Coupon& coupon, int64_t user_id, int64_t now_ms) {
  if (coupon.user_id != user_id) return Refusal::kNotFound;
  switch (shown_status(coupon, now_ms)) {
    case CouponStatus::kLocked:
      return Refusal::kLocked;
    case CouponStatus::kUsed:
      return Refusal::kUsed;
    case CouponStatus::kExpired:
      return Refusal::kExpired;
    case CouponStatus::kUnused:
      break;
  }
  if (now_ms < coupon.validity.from_ms) return Refusal::kNotYetValid;
  return Refusal::kNone;
}

Quote quote_coupon(const Coupon& coupon, const CouponTemplate& tmpl, int64_t user_id,
                   std::span<const PricedLine> lines, int64_t now_ms) {
  Quote quote;
  quote.refusal = usability(coupon, user_id, now_ms);
  if (!quote.applies()) return quote;
  return quote_discount(tmpl, coupon.validity, lines, now_ms);
}

}  // namespace coupons
