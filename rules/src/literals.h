// Strict parsing and formatting of the literal forms used in rule files and
// facts files. Every parser accepts exactly the documented form (no spaces,
// no '+', no exponent) and reports overflow as failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bazaar::rules::literals {

// Decimal int64: "-12", "0", "250". Leading zeros are allowed.
std::optional<std::int64_t> parse_integer(std::string_view text);

// Money in major units with exactly two decimals: "1000.00", "-0.50",
// "12.30" -> minor units (100000, -50, 1230). At most 15 integer digits.
std::optional<std::int64_t> parse_money(std::string_view text);
std::string format_money(std::int64_t minor_units);  // 123456 -> "1234.56"

// ISO-8601 UTC: "2026-11-21T10:00:00Z" or with milliseconds
// "2026-11-21T10:00:00.250Z" (1 to 3 fraction digits). Years 1970-9999.
// -> milliseconds since the Unix epoch.
std::optional<std::int64_t> parse_timestamp(std::string_view text);
std::string format_timestamp(std::int64_t utc_ms);  // always with ".mmm" only if non-zero

// A counter window: a positive integer and a unit s, m, h or d: "30s", "15m",
// "1h", "7d" -> milliseconds. Does not check the platform's maximum.
std::optional<std::int64_t> parse_duration(std::string_view text);

// "true" or "false" only.
std::optional<bool> parse_boolean(std::string_view text);

}  // namespace bazaar::rules::literals
