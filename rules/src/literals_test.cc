#include "literals.h"

#include <gtest/gtest.h>

#include <limits>

namespace bazaar::rules::literals {
namespace {

TEST(Literals, IntegersAreStrictDecimal) {
  EXPECT_EQ(parse_integer("0"), 0);
  EXPECT_EQ(parse_integer("-12"), -12);
  EXPECT_EQ(parse_integer("007"), 7);
  EXPECT_EQ(parse_integer("9223372036854775807"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(parse_integer("-9223372036854775808"), std::numeric_limits<std::int64_t>::min());
  for (const char* bad : {"", "-", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "12a",
                          "9223372036854775808", "-9223372036854775809", "--1"}) {
    EXPECT_FALSE(parse_integer(bad).has_value()) << bad;
  }
}

TEST(Literals, MoneyNeedsExactlyTwoDecimals) {
  EXPECT_EQ(parse_money("1000.00"), 100000);
  EXPECT_EQ(parse_money("0.05"), 5);
  EXPECT_EQ(parse_money("-0.50"), -50);
  EXPECT_EQ(parse_money("999999999999999.99"), 99999999999999999);
  for (const char* bad : {"", "100", "100.0", "100.000", ".50", "1,000.00", "1000.0a", "-",
                          "+1.00", "1e2.00", "1000000000000000.00", " 1.00"}) {
    EXPECT_FALSE(parse_money(bad).has_value()) << bad;
  }
}

TEST(Literals, MoneyFormatsBack) {
  EXPECT_EQ(format_money(100000), "1000.00");
  EXPECT_EQ(format_money(5), "0.05");
  EXPECT_EQ(format_money(-50), "-0.50");
  EXPECT_EQ(format_money(std::numeric_limits<std::int64_t>::min()), "-92233720368547758.08");
}

TEST(Literals, TimestampsAreIsoUtc) {
  EXPECT_EQ(parse_timestamp("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(parse_timestamp("2026-11-21T10:00:00Z"), 1795255200000);
  EXPECT_EQ(parse_timestamp("2026-11-21T10:00:00.5Z"), 1795255200500);
  EXPECT_EQ(parse_timestamp("2026-11-21T10:00:00.25Z"), 1795255200250);
  EXPECT_EQ(parse_timestamp("2026-11-21T10:00:00.123Z"), 1795255200123);
  EXPECT_EQ(parse_timestamp("2024-02-29T00:00:00Z"), 1709164800000);
  for (const char* bad :
       {"", "2026-11-21", "2026-11-21T10:00:00", "2026-11-21T10:00:00+08:00",
        "2026-11-21 10:00:00Z", "2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
        "2100-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-11-21T24:00:00Z",
        "2026-11-21T10:60:00Z", "2026-11-21T10:00:60Z", "1969-12-31T23:59:59Z",
        "2026-11-21T10:00:00.Z", "2026-11-21T10:00:00.1234Z", "2026-1-21T10:00:00Z",
        "2026-11-21t10:00:00Z", "2026-11-21T10:00:00z"}) {
    EXPECT_FALSE(parse_timestamp(bad).has_value()) << bad;
  }
}

TEST(Literals, TimestampsFormatBack) {
  EXPECT_EQ(format_timestamp(1795255200000), "2026-11-21T10:00:00Z");
  EXPECT_EQ(format_timestamp(1795255200123), "2026-11-21T10:00:00.123Z");
  EXPECT_EQ(format_timestamp(1709164800000), "2024-02-29T00:00:00Z");
}

TEST(Literals, Durations) {
  EXPECT_EQ(parse_duration("30s"), 30'000);
  EXPECT_EQ(parse_duration("15m"), 900'000);
  EXPECT_EQ(parse_duration("1h"), 3'600'000);
  EXPECT_EQ(parse_duration("7d"), 604'800'000);
  for (const char* bad : {"", "h", "1", "0h", "01h", "-1h", "1.5h", "1H", "1w", "1 h",
                          "9999999999d"}) {
    EXPECT_FALSE(parse_duration(bad).has_value()) << bad;
  }
}

TEST(Literals, Booleans) {
  EXPECT_EQ(parse_boolean("true"), true);
  EXPECT_EQ(parse_boolean("false"), false);
  for (const char* bad : {"", "True", "1", "yes", "false "}) {
    EXPECT_FALSE(parse_boolean(bad).has_value()) << bad;
  }
}

}  // namespace
}  // namespace bazaar::rules::literals
