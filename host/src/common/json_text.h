// Small, allocation-light JSON text helpers for hot paths (logs, error
// envelopes) where building a nlohmann tree would cost more than the answer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace bazaar::host {

// Appends `s` as a JSON string literal (with quotes). Invalid UTF-8 bytes and
// control characters are escaped so the output is always valid JSON.
void append_json_string(std::string& out, std::string_view s);

// UTC milliseconds as ISO-8601, e.g. 2026-11-21T10:00:00.123Z.
std::string iso8601_ms(int64_t utc_ms);

// {"error":{"code":..,"message":..,"request_id":..}}
std::string error_envelope(std::string_view code, std::string_view message,
                           std::string_view request_id);

}  // namespace bazaar::host
