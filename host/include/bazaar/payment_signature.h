// The payment callback's signature recipe (docs/API.md, "Pay"), shared by the
// orders plugin (which verifies) and `bazaarctl pay` (the fake provider, which
// signs). Pure functions of their arguments: no host, no clock, no state;
// callable from any thread.
//
//   signature = hex(HMAC-SHA256(secret, timestamp "\n" nonce "\n" body "\n"))
//
// `body` is the raw request body, byte for byte as sent (never re-serialised
// JSON: a provider's spacing or key order must not change the signature).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace orders::payment {

// Lengths of a valid nonce and of the hex signature.
inline constexpr size_t kNonceMin = 8;
inline constexpr size_t kNonceMax = 64;
inline constexpr size_t kSignatureHexLength = 64;  // SHA-256: 32 bytes
inline constexpr size_t kTimestampMaxDigits = 12;

// The lower-case hex HMAC-SHA256 of the message above (64 characters), or an
// empty string if OpenSSL fails (never a valid signature, so verify() fails).
std::string sign(std::string_view secret, std::string_view timestamp, std::string_view nonce,
                 std::string_view body);

// true when `signature_hex` is sign(...) exactly (lower-case hex). Compares
// in constant time with respect to the contents; any other length is false
// without comparing.
bool verify(std::string_view secret, std::string_view timestamp, std::string_view nonce,
            std::string_view body, std::string_view signature_hex);

// A nonce is 8 to 64 characters of [A-Za-z0-9_-].
bool valid_nonce(std::string_view nonce);

// Unix seconds as 1 to 12 decimal digits, no sign, no spaces; nullopt otherwise.
std::optional<int64_t> parse_timestamp(std::string_view text);

}  // namespace orders::payment
