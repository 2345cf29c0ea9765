#include "domain/refusal.h"

#include <string>

namespace coupons {

namespace {

struct RefusalText {
  std::string_view code;
  std::string_view message;
};

RefusalText text_of(Refusal refusal) {
  switch (refusal) {
    case Refusal::kNone:
      return {"", ""};
    case Refusal::kNotFound:
      return {"COUPON_NOT_FOUND", "no such coupon"};
    case Refusal::kLocked:
      return {"COUPON_LOCKED", "the coupon is held by another unpaid order"};
    case Refusal::kUsed:
      return {"COUPON_USED", "the coupon has been used"};
    case Refusal::kNotYetValid:
      return {"COUPON_NOT_YET_VALID", "the coupon is not valid yet"};
    case Refusal::kExpired:
      return {"COUPON_EXPIRED", "the coupon has expired"};
    case Refusal::kNotInScope:
      return {"COUPON_NOT_IN_SCOPE", "the coupon covers nothing in this order"};
    case Refusal::kNotStackable:
      return {"COUPON_NOT_STACKABLE",
              "the coupon does not apply on top of a flash-sale or group price"};
    case Refusal::kThresholdNotMet:
      return {"COUPON_THRESHOLD_NOT_MET", "the items the coupon covers do not reach its threshold"};
  }
  return {"", ""};
}

}  // namespace

std::string_view code_of(Refusal refusal) { return text_of(refusal).code; }
std::string_view message_of(Refusal refusal) { return text_of(refusal).message; }

bazaar::Error refusal_error(Refusal refusal) {
  const RefusalText text = text_of(refusal);
  const bz_status status = refusal == Refusal::kNotFound ? BZ_NOT_FOUND : BZ_FAILED_PRECONDITION;
  return bazaar::Error(status, std::string(text.code), std::string(text.message));
}

}  // namespace coupons
