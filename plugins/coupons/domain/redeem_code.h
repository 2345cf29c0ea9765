// Redeem codes: single-use codes a merchant hands out, each redeemed into a
// coupon once (the store keeps them; this is their form).
//
//   7KQ4-M2XD-9RTB-C5HR     16 symbols, grouped by four for reading
//
// Alphabet: Crockford's base 32, 0-9 A-Z without I, L, O and U, so that no
// two symbols look alike. The first 15 symbols are random (75 bits from the
// CSPRNG: guessing one live code among a million takes ~2^55 tries); the
// 16th is a check symbol, so that a typo is refused before any look-up.
//
// The check symbol. Reading the symbols as elements of GF(32) (the field
// GF(2)[x]/(x^5 + x^2 + 1)), with α = x: check = Σ dᵢ·α^(15−i) over the 15
// data symbols d₀…d₁₄, times α; equivalently Horner's r ← α·r ⊕ d over all 16
// symbols ends at 0. Every weight is a non-zero power of α, so a single
// wrong symbol changes the sum (always caught), and swapping two different
// neighbours changes it by (a ⊕ b)·α^k·(1 ⊕ α) ≠ 0 (always caught) — the
// quasigroup a∘b = α·a ⊕ b is Damm's totally anti-symmetric construction.
// (Crockford's own mod-37 check adds the symbols * ~ $ = U, which are hard to
// read out and type.)
//
// Normalisation before checking: upper case; spaces and dashes dropped;
// O → 0 and I, L → 1 (Crockford's reading of look-alikes).
#pragma once

#include <bazaar/result.hpp>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace coupons {

inline constexpr size_t kRedeemDataSymbols = 15;
inline constexpr size_t kRedeemSymbols = kRedeemDataSymbols + 1;

// The canonical code ("XXXX-XXXX-XXXX-XXXX") whose data symbols are the low
// five bits of each of `entropy`'s bytes. Pure: tests pass fixed bytes.
std::string format_redeem_code(const std::array<uint8_t, kRedeemDataSymbols>& entropy);

// A new code from OpenSSL's CSPRNG (RAND_bytes); 503 RANDOM_UNAVAILABLE if
// it cannot give bytes. Safe from any thread.
bazaar::Result<std::string> random_redeem_code();

// What a user typed, normalised and checked: the canonical form, or 400
// INVALID_CODE (wrong length, a symbol outside the alphabet, or a check
// symbol that does not match). Input longer than 64 bytes is refused unread.
bazaar::Result<std::string> parse_redeem_code(std::string_view typed);

}  // namespace coupons
