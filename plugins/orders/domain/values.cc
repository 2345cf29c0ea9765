#include "domain/values.h"

#include <openssl/evp.h>

#include <charconv>
#include <cstdio>
#include <ctime>

namespace orders {

std::string id_text(int64_t id) { return std::to_string(id); }

Result<int64_t> parse_id(const Json& value, std::string_view field, const char* code) {
  std::optional<int64_t> id;
  if (value.is_string()) {
    id = parse_id_text(value.get_ref<const std::string&>());
  } else if (value.is_number_integer() && value.get<int64_t>() > 0) {
    id = value.get<int64_t>();
  }
  if (!id) return bazaar::invalid_argument(code, std::string(field) + " must be a positive id");
  return *id;
}

std::string iso_time(int64_t utc_ms) {
  time_t seconds = static_cast<time_t>(utc_ms / 1000);
  int64_t millis = utc_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    seconds -= 1;
  }
  struct tm parts {};
  gmtime_r(&seconds, &parts);
  char out[64];
  std::snprintf(out, sizeof(out), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                static_cast<int>(millis));
  return out;
}

Json iso_or_null(std::optional<int64_t> utc_ms) {
  if (!utc_ms) return nullptr;
  return iso_time(*utc_ms);
}

namespace {

bool digits(std::string_view text, size_t at, size_t count, int& out) {
  if (at + count > text.size()) return false;
  out = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

std::optional<int64_t> parse_iso_time(std::string_view t) {
  int year, month, day, hour, minute, second;
  if (t.size() < 20 || !digits(t, 0, 4, year) || t[4] != '-' || !digits(t, 5, 2, month) ||
      t[7] != '-' || !digits(t, 8, 2, day) || t[10] != 'T' || !digits(t, 11, 2, hour) ||
      t[13] != ':' || !digits(t, 14, 2, minute) || t[16] != ':' || !digits(t, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    return std::nullopt;
  }
  size_t at = 19;
  int millis = 0;
  if (at < t.size() && t[at] == '.') {
    size_t start = ++at;
    while (at < t.size() && t[at] >= '0' && t[at] <= '9') ++at;
    size_t n = at - start;
    if (n == 0 || n > 9) return std::nullopt;
    int frac = 0;
    digits(t, start, std::min<size_t>(n, 3), frac);
    for (size_t i = n; i < 3; ++i) frac *= 10;
    millis = frac;
  }
  int64_t offset_s = 0;
  if (at < t.size() && t[at] == 'Z') {
    ++at;
  } else if (at < t.size() && (t[at] == '+' || t[at] == '-')) {
    int oh, om;
    if (!digits(t, at + 1, 2, oh) || at + 3 >= t.size() || t[at + 3] != ':' ||
        !digits(t, at + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offset_s = (t[at] == '+' ? 1 : -1) * (oh * 3600 + om * 60);
    at += 6;
  } else {
    return std::nullopt;
  }
  if (at != t.size()) return std::nullopt;
  struct tm parts {};
  parts.tm_year = year - 1900;
  parts.tm_mon = month - 1;
  parts.tm_mday = day;
  parts.tm_hour = hour;
  parts.tm_min = minute;
  parts.tm_sec = second;
  const time_t seconds = timegm(&parts);
  if (seconds == static_cast<time_t>(-1)) return std::nullopt;
  return (static_cast<int64_t>(seconds) - offset_s) * 1000 + millis;
}

Result<Json> object_body(std::string_view body) {
  Json doc = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return bazaar::invalid_argument("INVALID_JSON", "request body is not valid JSON");
  if (!doc.is_object()) return bazaar::invalid_argument("INVALID_BODY", "request body must be a JSON object");
  return doc;
}

Result<Json> optional_object_body(std::string_view body) {
  if (body.empty()) return Json::object();
  return object_body(body);
}

Result<int64_t> int_field(const Json& object, const char* field, int64_t min, int64_t max,
                          const char* code) {
  auto it = object.find(field);
  if (it == object.end() || !it->is_number_integer()) {
    return bazaar::invalid_argument(code, std::string(field) + " must be an integer from " +
                                              std::to_string(min) + " to " + std::to_string(max));
  }
  // Unsigned JSON integers above INT64_MAX do not fit: refuse them like any out-of-range value.
  if (it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(max)) {
    return bazaar::invalid_argument(code, std::string(field) + " is out of range");
  }
  const int64_t value = it->get<int64_t>();
  if (value < min || value > max) {
    return bazaar::invalid_argument(code, std::string(field) + " must be from " +
                                              std::to_string(min) + " to " + std::to_string(max));
  }
  return value;
}

Status only_fields(const Json& object, std::initializer_list<std::string_view> allowed) {
  return only_fields(object, std::vector<std::string_view>(allowed));
}

Status only_fields(const Json& object, const std::vector<std::string_view>& allowed) {
  for (const auto& [name, value] : object.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) {
      if (name == "price" || name == "unit_price" || name == "amount" || name == "total") {
        return bazaar::invalid_argument("PRICE_NOT_ALLOWED",
                                        "prices come from the catalog, never from the request");
      }
      return bazaar::invalid_argument("UNKNOWN_FIELD", "unknown field \"" + name.substr(0, 64) + "\"");
    }
  }
  return bazaar::ok_status();
}

Status known_fields(const Json& object, std::initializer_list<std::string_view> allowed) {
  for (const auto& [name, value] : object.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || a == name;
    if (!known) return bazaar::invalid_argument("UNKNOWN_FIELD", "unknown field \"" + name.substr(0, 64) + "\"");
  }
  return bazaar::ok_status();
}

std::string sha256_hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    out.push_back(kHex[digest[i] >> 4]);
    out.push_back(kHex[digest[i] & 15]);
  }
  return out;
}

std::string actor_of(const bz_identity& who) {
  switch (who.role) {
    case BZ_ROLE_USER: return "user:" + std::to_string(who.subject_id);
    case BZ_ROLE_MERCHANT: return "merchant:" + std::to_string(who.subject_id);
    case BZ_ROLE_OPS: return "ops";
    default: return "system";
  }
}

}  // namespace orders
