// Small helpers shared by the orders plugin: ids as decimal strings, ISO-8601
// times, strict JSON field readers, cursor pages, hashing.
#pragma once

#include <bazaar/sdk.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orders {

using bazaar::Error;
using bazaar::Result;
using bazaar::Status;
using bazaar::sdk::Json;

// Ids travel as decimal strings (JavaScript loses integers above 2^53).
std::string id_text(int64_t id);
// A positive id given as a decimal string or a JSON integer.
Result<int64_t> parse_id(const Json& value, std::string_view field, const char* code);
std::optional<int64_t> parse_id_text(std::string_view text);

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
// Refuses any member of `object` not in `allowed`.
Status only_fields(const Json& object, std::initializer_list<std::string_view> allowed);

// Lower-case hex SHA-256.
std::string sha256_hex(std::string_view bytes);

// ?cursor=&limit= of a list endpoint.
struct PageRequest {
  int64_t before_id = INT64_MAX;  // rows with id < before_id
  int limit = 20;
};
Result<PageRequest> parse_page(const bazaar::sdk::Request& req);

std::string actor_of(const bz_identity& who);

}  // namespace orders
