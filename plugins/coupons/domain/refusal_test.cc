#include "domain/refusal.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace coupons {
namespace {

TEST(RefusalTest, EveryReasonHasItsOwnStableCodeAndAMessage) {
  std::set<std::string_view> codes;
  for (int i = static_cast<int>(Refusal::kNotFound);
       i <= static_cast<int>(Refusal::kThresholdNotMet); ++i) {
    const auto r = static_cast<Refusal>(i);
    EXPECT_EQ(code_of(r).substr(0, 7), "COUPON_") << i;
    EXPECT_FALSE(message_of(r).empty()) << i;
    EXPECT_TRUE(codes.insert(code_of(r)).second) << code_of(r);
  }
  EXPECT_EQ(code_of(Refusal::kThresholdNotMet), "COUPON_THRESHOLD_NOT_MET");
  EXPECT_EQ(code_of(Refusal::kNone), "");
}

TEST(RefusalTest, ATryAnswers404ForAStrangersCouponAnd422Otherwise) {
  EXPECT_EQ(refusal_error(Refusal::kNotFound).status(), BZ_NOT_FOUND);
  const bazaar::Error expired = refusal_error(Refusal::kExpired);
  EXPECT_EQ(expired.status(), BZ_FAILED_PRECONDITION);
  EXPECT_EQ(expired.code(), "COUPON_EXPIRED");
}

}  // namespace
}  // namespace coupons
