#include <bazaar/payment_signature.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>

namespace orders::payment {
namespace {

struct MacDeleter {
  void operator()(EVP_MAC* mac) const { EVP_MAC_free(mac); }
  void operator()(EVP_MAC_CTX* ctx) const { EVP_MAC_CTX_free(ctx); }
};

bool update(EVP_MAC_CTX* ctx, std::string_view bytes) {
  if (bytes.empty()) return true;
  return EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()) == 1;
}

}  // namespace

std::string sign(std::string_view secret, std::string_view timestamp, std::string_view nonce,
                 std::string_view body) {
  // EVP_MAC streams the parts: no copy of a body that may be up to 1 MiB.
  std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, OSSL_MAC_NAME_HMAC, nullptr));
  if (!mac) return {};
  std::unique_ptr<EVP_MAC_CTX, MacDeleter> ctx(EVP_MAC_CTX_new(mac.get()));
  if (!ctx) return {};
  char digest_name[] = "SHA256";
  const OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name, 0),
      OSSL_PARAM_construct_end()};
  // A NULL key means "keep the previous key" to OpenSSL: an empty secret
  // still passes a valid pointer (it is never used by the plugin anyway).
  static constexpr unsigned char kNoKey = 0;
  const auto* key = secret.empty() ? &kNoKey : reinterpret_cast<const unsigned char*>(secret.data());
  if (EVP_MAC_init(ctx.get(), key, secret.size(), params) != 1) return {};
  if (!update(ctx.get(), timestamp) || !update(ctx.get(), "\n") || !update(ctx.get(), nonce) ||
      !update(ctx.get(), "\n") || !update(ctx.get(), body) || !update(ctx.get(), "\n")) {
    return {};
  }
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t length = 0;
  if (EVP_MAC_final(ctx.get(), out, &length, sizeof(out)) != 1) return {};
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (size_t i = 0; i < length; ++i) {
    hex.push_back(kHex[out[i] >> 4]);
    hex.push_back(kHex[out[i] & 15]);
  }
  return hex;
}

bool verify(std::string_view secret, std::string_view timestamp, std::string_view nonce,
            std::string_view body, std::string_view signature_hex) {
  // The length is public (always 64): checking it first leaks nothing.
  if (signature_hex.size() != kSignatureHexLength) return false;
  const std::string expected = sign(secret, timestamp, nonce, body);
  if (expected.size() != kSignatureHexLength) return false;
  return CRYPTO_memcmp(expected.data(), signature_hex.data(), kSignatureHexLength) == 0;
}

bool valid_nonce(std::string_view nonce) {
  if (nonce.size() < kNonceMin || nonce.size() > kNonceMax) return false;
  for (char c : nonce) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

std::optional<int64_t> parse_timestamp(std::string_view text) {
  if (text.empty() || text.size() > kTimestampMaxDigits) return std::nullopt;
  int64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + (c - '0');  // 12 digits cannot overflow int64
  }
  return value;
}

}  // namespace orders::payment
