// Values at the edge of the orders plugin: ids as decimal strings, ISO-8601
// times, strict JSON field readers, hashing. Pure: no storage, no host calls.
#pragma once

#include <bazaar/plugin.h>
#include <bazaar/result.hpp>
#include <bazaar/sdk/ids.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace orders {

using bazaar::Error;
using bazaar::Result;
using bazaar::Status;
using Json = nlohmann::json;

// Ids travel as decimal strings (JavaScript loses integers above 2^53).
std::string id_text(int64_t id);
// A positive id given as a decimal string or a JSON integer.
Result<int64_t> parse_id(const Json& value, std::string_view field, const char* code);
using bazaar::sdk::parse_id_text;

std::string iso_time(int64_t utc_ms);
Json iso_or_null(std::optional<int64_t> utc_ms);
// "2026-11-22T08:00:00Z" or with milliseconds / a +hh:mm offset.
std::optional<int64_t> parse_iso_time(std::string_view text);

// A request body that must be a JSON object (400 INVALID_JSON / INVALID_BODY);
// the optional form reads an empty body as {}.
Result<Json> object_body(std::string_view body);
Result<Json> optional_object_body(std::string_view body);

// An integer field in [min, max]; `code` names the error.
Result<int64_t> int_field(const Json& object, const char* field, int64_t min, int64_t max,
                          const char* code);
// Refuses any member of `object` not in `allowed`: 400 PRICE_NOT_ALLOWED for
// a price-like name (prices never come from the client), else UNKNOWN_FIELD.
Status only_fields(const Json& object, std::initializer_list<std::string_view> allowed);
Status only_fields(const Json& object, const std::vector<std::string_view>& allowed);
// Refuses any member of `object` not in `allowed` as UNKNOWN_FIELD, whatever
// its name: for bodies where prices are not the subject (refunds, shipping).
Status known_fields(const Json& object, std::initializer_list<std::string_view> allowed);

// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view bytes);

std::string actor_of(const bz_identity& who);

}  // namespace orders
