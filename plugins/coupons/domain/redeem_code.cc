#include "domain/redeem_code.h"

#include <openssl/rand.h>

#include <optional>

namespace coupons {

namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
static_assert(kAlphabet.size() == 32);
constexpr size_t kGroup = 4;
constexpr size_t kMaxTyped = 64;

// α·v in GF(32) = GF(2)[x]/(x^5 + x^2 + 1): shift, reduce by the polynomial.
constexpr uint8_t times_alpha(uint8_t v) {
  const auto shifted = static_cast<uint8_t>(v << 1);
  return (shifted & 0x20) != 0 ? static_cast<uint8_t>(shifted ^ 0x25) : shifted;
}

// Horner over the symbols' values: r ← α·r ⊕ d.
template <class Values>
uint8_t horner(const Values& values, size_t count) {
  uint8_t r = 0;
  for (size_t i = 0; i < count; ++i) r = static_cast<uint8_t>(times_alpha(r) ^ values[i]);
  return r;
}

// The value of a typed symbol after Crockford's reading of look-alikes.
std::optional<uint8_t> symbol_value(char typed) {
  char c = typed >= 'a' && typed <= 'z' ? static_cast<char>(typed - 'a' + 'A') : typed;
  if (c == 'O') c = '0';
  if (c == 'I' || c == 'L') c = '1';
  const size_t at = kAlphabet.find(c);
  if (at == std::string_view::npos) return std::nullopt;
  return static_cast<uint8_t>(at);
}

std::string grouped(const std::array<uint8_t, kRedeemSymbols>& values) {
  std::string out;
  out.reserve(kRedeemSymbols + kRedeemSymbols / kGroup - 1);
  for (size_t i = 0; i < kRedeemSymbols; ++i) {
    if (i > 0 && i % kGroup == 0) out.push_back('-');
    out.push_back(kAlphabet[values[i]]);
  }
  return out;
}

bazaar::Error invalid_code() {
  return bazaar::invalid_argument("INVALID_CODE",
                                  "not a valid redeem code: check it and type it again");
}

}  // namespace

std::string format_redeem_code(const std::array<uint8_t, kRedeemDataSymbols>& entropy) {
  std::array<uint8_t, kRedeemSymbols> values{};
  for (size_t i = 0; i < kRedeemDataSymbols; ++i) values[i] = entropy[i] & 31;
  // The check c makes Horner over all 16 symbols end at 0: α·r ⊕ c = 0.
  values[kRedeemDataSymbols] = times_alpha(horner(values, kRedeemDataSymbols));
  return grouped(values);
}

bazaar::Result<std::string> random_redeem_code() {
  std::array<uint8_t, kRedeemDataSymbols> entropy{};
  if (RAND_bytes(entropy.data(), static_cast<int>(entropy.size())) != 1) {
    return bazaar::unavailable("RANDOM_UNAVAILABLE", "the random generator gave no bytes");
  }
  return format_redeem_code(entropy);
}

bazaar::Result<std::string> parse_redeem_code(std::string_view typed) {
  if (typed.size() > kMaxTyped) return invalid_code();
  std::array<uint8_t, kRedeemSymbols> values{};
  size_t count = 0;
  for (char c : typed) {
    if (c == '-' || c == ' ') continue;
    const std::optional<uint8_t> value = symbol_value(c);
    if (!value || count == kRedeemSymbols) return invalid_code();
    values[count++] = *value;
  }
  if (count != kRedeemSymbols || horner(values, kRedeemSymbols) != 0) return invalid_code();
  return grouped(values);
}

}  // namespace coupons
