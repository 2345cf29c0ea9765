// Why a coupon does not apply to a cart: one reason, with the stable code the
// API answers (422 unless noted) and the preview lists next to the coupon.
#pragma once

#include <bazaar/result.hpp>

#include <string_view>

namespace coupons {

enum class Refusal {
  kNone,             // it applies
  kNotFound,         // COUPON_NOT_FOUND (404): no such coupon of this buyer
  kLocked,           // COUPON_LOCKED: held by another unpaid order
  kUsed,             // COUPON_USED
  kNotYetValid,      // COUPON_NOT_YET_VALID: its validity has not started
  kExpired,          // COUPON_EXPIRED: its validity has ended
  kNotInScope,       // COUPON_NOT_IN_SCOPE: no line of the cart is covered
  kNotStackable,     // COUPON_NOT_STACKABLE: the covered lines all have an activity price
  kThresholdNotMet,  // COUPON_THRESHOLD_NOT_MET: the eligible lines cost less than the threshold
};

std::string_view code_of(Refusal refusal);     // "" for kNone
std::string_view message_of(Refusal refusal);  // a sentence for the shopper
// The error a try answers with (never call with kNone).
bazaar::Error refusal_error(Refusal refusal);

}  // namespace coupons
