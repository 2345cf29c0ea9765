// Enum name tables (bazaar/sdk/enum_names.hpp), read both ways.
#include <gtest/gtest.h>

#include <bazaar/sdk/enum_names.hpp>

namespace bazaar::sdk {
namespace {

enum class Light { kRed, kGreen, kBlue };

constexpr EnumNames<Light, 2> kNames{{{Light::kRed, "RED"}, {Light::kGreen, "GREEN"}}};

TEST(EnumNamesTest, NamesReadBothWays) {
  static_assert(name_of(kNames, Light::kGreen) == "GREEN");
  EXPECT_EQ(name_of(kNames, Light::kRed), "RED");
  EXPECT_EQ(value_of(kNames, "GREEN"), Light::kGreen);
}

TEST(EnumNamesTest, UnlistedValuesAndUnknownTextAreSaidSo) {
  EXPECT_EQ(name_of(kNames, Light::kBlue), "UNKNOWN");
  EXPECT_EQ(value_of(kNames, "green"), std::nullopt);  // exact text only
  EXPECT_EQ(value_of(kNames, ""), std::nullopt);
}

}  // namespace
}  // namespace bazaar::sdk
