#include "auth/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>
#include <nlohmann/json.hpp>

namespace bazaar::host {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr size_t kMaxTokenBytes = 4096;

int decode_char(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

Error invalid(std::string message) {
  return {BZ_UNAUTHENTICATED, "INVALID_TOKEN", std::move(message)};
}

Result<nlohmann::json> decode_json_part(std::string_view part, const char* what) {
  std::string raw;
  if (!base64url_decode(part, raw)) return invalid(std::string(what) + " is not base64url");
  auto doc = nlohmann::json::parse(raw, nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) {
    return invalid(std::string(what) + " is not a JSON object");
  }
  return doc;
}

}  // namespace

uint32_t role_from_name(std::string_view name) {
  if (name == "user") return BZ_ROLE_USER;
  if (name == "merchant") return BZ_ROLE_MERCHANT;
  if (name == "ops") return BZ_ROLE_OPS;
  return 0;
}

const char* role_name(uint32_t role) {
  switch (role) {
    case BZ_ROLE_USER: return "user";
    case BZ_ROLE_MERCHANT: return "merchant";
    case BZ_ROLE_OPS: return "ops";
    default: return "anonymous";
  }
}

std::string base64url_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  uint32_t acc = 0;
  int bits = 0;
  for (char c : bytes) {
    acc = (acc << 8) | static_cast<uint32_t>(static_cast<unsigned char>(c));
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3F]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3F]);
  return out;
}

bool base64url_decode(std::string_view text, std::string& out) {
  out.clear();
  if (text.size() % 4 == 1) return false;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : text) {
    int v = decode_char(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((acc >> bits) & 0xFF));
    }
  }
  // Leftover bits must be zero, or two encodings would decode to the same bytes.
  return (acc & ((1u << bits) - 1)) == 0;
}

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac, &len);
  return std::string(reinterpret_cast<const char*>(mac), len);
}

JwtVerifier::JwtVerifier(std::string secret, std::string issuer)
    : secret_(std::move(secret)), issuer_(std::move(issuer)) {}

Result<Identity> JwtVerifier::verify(std::string_view token, int64_t now_s) const {
  if (std::optional<Identity> known = verified_.find(token, now_s)) return *known;
  auto verified = verify_in_full(token, now_s);
  if (verified.ok()) verified_.remember(token, *verified);
  return verified;
}

Result<Identity> JwtVerifier::verify_in_full(std::string_view token, int64_t now_s) const {
  if (token.empty()) return invalid("missing token");
  if (token.size() > kMaxTokenBytes) return invalid("token too long");
  size_t dot1 = token.find('.');
  size_t dot2 = dot1 == std::string_view::npos ? dot1 : token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return invalid("token must have three parts");
  }
  std::string_view header_part = token.substr(0, dot1);
  std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string_view signature_part = token.substr(dot2 + 1);

  auto header = decode_json_part(header_part, "token header");
  if (!header.ok()) return header.error();
  auto alg = header->find("alg");
  if (alg == header->end() || !alg->is_string() || alg->get<std::string>() != "HS256") {
    return invalid("token algorithm must be HS256");
  }
  if (header->contains("crit")) return invalid("critical token extensions are not supported");

  std::string signature;
  if (!base64url_decode(signature_part, signature)) return invalid("signature is not base64url");
  std::string expected = hmac_sha256(secret_, token.substr(0, dot2));
  if (signature.size() != expected.size() ||
      CRYPTO_memcmp(signature.data(), expected.data(), expected.size()) != 0) {
    return invalid("bad token signature");
  }

  auto claims = decode_json_part(payload_part, "token payload");
  if (!claims.ok()) return claims.error();
  const auto& c = *claims;
  auto iss = c.find("iss");
  if (iss == c.end() || !iss->is_string() || iss->get<std::string>() != issuer_) {
    return invalid("token issuer is not accepted");
  }
  // Times must fit int64: a huge unsigned value would otherwise wrap negative.
  auto is_time = [](const nlohmann::json& v) {
    return v.is_number_integer() && !(v.is_number_unsigned() && v.get<uint64_t>() > INT64_MAX);
  };
  auto exp = c.find("exp");
  if (exp == c.end() || !is_time(*exp)) return invalid("token has no expiry");
  if (now_s >= exp->get<int64_t>()) {
    return Error(BZ_UNAUTHENTICATED, "TOKEN_EXPIRED", "token has expired");
  }
  auto nbf = c.find("nbf");
  if (nbf != c.end() && (!is_time(*nbf) || now_s < nbf->get<int64_t>())) {
    return invalid("token is not valid yet");
  }
  auto role = c.find("role");
  uint32_t role_bit = role != c.end() && role->is_string() ? role_from_name(role->get<std::string>()) : 0;
  if (role_bit == 0) return invalid("token role must be user, merchant or ops");

  Identity id;
  id.role = role_bit;
  id.expires_at_s = exp->get<int64_t>();
  if (nbf != c.end()) id.not_before_s = nbf->get<int64_t>();
  auto sub = c.find("sub");
  if (sub == c.end() || !sub->is_string()) return invalid("token has no subject");
  const std::string& sub_text = sub->get_ref<const std::string&>();
  if (role_bit != BZ_ROLE_OPS) {
    int64_t sid = 0;
    auto [ptr, ec] = std::from_chars(sub_text.data(), sub_text.data() + sub_text.size(), sid);
    if (ec != std::errc() || ptr != sub_text.data() + sub_text.size() || sid <= 0) {
      return invalid("token subject must be a positive user or merchant id");
    }
    id.subject_id = sid;
  }
  return id;
}

std::string mint_jwt(std::string_view secret, std::string_view issuer, std::string_view role,
                     int64_t subject, int64_t issued_at_s, int64_t expires_at_s) {
  nlohmann::json claims = {{"iss", issuer},      {"sub", std::to_string(subject)},
                           {"role", role},       {"iat", issued_at_s},
                           {"exp", expires_at_s}};
  std::string signing_input = base64url_encode(R"({"alg":"HS256","typ":"JWT"})") + "." +
                              base64url_encode(claims.dump());
  return signing_input + "." + base64url_encode(hmac_sha256(secret, signing_input));
}

}  // namespace bazaar::host
