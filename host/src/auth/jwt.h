// HS256 JSON Web Tokens: the identity of shoppers, merchants and ops.
//
// Accepted tokens: header {"alg":"HS256"} (any other alg, including "none", is
// refused before the signature is looked at), a valid HMAC-SHA256 signature
// (compared in constant time), claims `iss` equal to the configured issuer,
// `exp` in the future, `nbf` (if present) in the past, `role` one of
// user|merchant|ops and `sub` the numeric user or merchant id.
#pragma once

#include <bazaar/plugin.h>
#include <bazaar/result.hpp>

#include <cstdint>
#include <string>
#include <string_view>

#include "auth/identity.h"
#include "auth/verified_tokens.h"

namespace bazaar::host {

// Returns the BZ_ROLE_* bit for "user", "merchant", "ops"; 0 for anything else.
uint32_t role_from_name(std::string_view name);
const char* role_name(uint32_t role);

class JwtVerifier {
 public:
  JwtVerifier(std::string secret, std::string issuer);

  // Errors are BZ_UNAUTHENTICATED with code INVALID_TOKEN or TOKEN_EXPIRED.
  // A token verified before is answered from VerifiedTokens (its times
  // checked again); any other is verified in full.
  Result<Identity> verify(std::string_view token, int64_t now_s) const;

 private:
  Result<Identity> verify_in_full(std::string_view token, int64_t now_s) const;

  std::string secret_;
  std::string issuer_;
  mutable VerifiedTokens verified_{16384};
};

// Mints a token (development tooling and tests; production tokens come from
// the identity service). `subject` is the user or merchant id.
std::string mint_jwt(std::string_view secret, std::string_view issuer, std::string_view role,
                     int64_t subject, int64_t issued_at_s, int64_t expires_at_s);

// Exposed for tests and the token tool.
std::string base64url_encode(std::string_view bytes);
bool base64url_decode(std::string_view text, std::string& out);
std::string hmac_sha256(std::string_view key, std::string_view data);

}  // namespace bazaar::host
