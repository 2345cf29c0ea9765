#include "auth/jwt.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace bazaar::host {
namespace {

constexpr char kSecret[] = "0123456789abcdef0123456789abcdef-test";
constexpr char kIssuer[] = "bazaar-test";
constexpr int64_t kNow = 1'800'000'000;  // seconds

// Builds a token from raw header and claims JSON, signed (HS256) with `secret`.
std::string sign(const std::string& header_json, const std::string& claims_json,
                 std::string_view secret = kSecret) {
  std::string input = base64url_encode(header_json) + "." + base64url_encode(claims_json);
  return input + "." + base64url_encode(hmac_sha256(secret, input));
}

nlohmann::json claims(std::string role = "user", std::string sub = "42") {
  return {{"iss", kIssuer}, {"sub", sub}, {"role", role}, {"iat", kNow - 10}, {"exp", kNow + 600}};
}

std::string sign_claims(const nlohmann::json& c) {
  return sign(R"({"alg":"HS256","typ":"JWT"})", c.dump());
}

class JwtTest : public ::testing::Test {
 protected:
  void expect_invalid(const std::string& token, const char* why) const {
    auto r = verifier_.verify(token, kNow);
    ASSERT_FALSE(r.ok()) << why;
    EXPECT_EQ(r.error().status(), BZ_UNAUTHENTICATED) << why;
    EXPECT_EQ(r.error().code(), "INVALID_TOKEN") << why << ": " << r.error().message();
  }

  JwtVerifier verifier_{kSecret, kIssuer};
};

TEST_F(JwtTest, ValidUserToken) {
  std::string token = mint_jwt(kSecret, kIssuer, "user", 42, kNow - 10, kNow + 600);
  auto id = verifier_.verify(token, kNow);
  ASSERT_TRUE(id.ok()) << id.error().message();
  EXPECT_EQ(id->role, BZ_ROLE_USER);
  EXPECT_EQ(id->subject_id, 42);
  EXPECT_EQ(id->expires_at_s, kNow + 600);
}

TEST_F(JwtTest, ValidMerchantToken) {
  std::string token = mint_jwt(kSecret, kIssuer, "merchant", 9001, kNow, kNow + 1);
  auto id = verifier_.verify(token, kNow);
  ASSERT_TRUE(id.ok()) << id.error().message();
  EXPECT_EQ(id->role, BZ_ROLE_MERCHANT);
  EXPECT_EQ(id->subject_id, 9001);
}

TEST_F(JwtTest, ValidOpsTokenHasNoSubjectId) {
  std::string token = mint_jwt(kSecret, kIssuer, "ops", 0, kNow, kNow + 60);
  auto id = verifier_.verify(token, kNow);
  ASSERT_TRUE(id.ok()) << id.error().message();
  EXPECT_EQ(id->role, BZ_ROLE_OPS);
  EXPECT_EQ(id->subject_id, 0);

  // An ops subject need not be numeric.
  auto named = verifier_.verify(sign_claims(claims("ops", "alice@ops")), kNow);
  ASSERT_TRUE(named.ok()) << named.error().message();
  EXPECT_EQ(named->subject_id, 0);
}

TEST_F(JwtTest, ExpiredAtOrAfterExp) {
  std::string token = mint_jwt(kSecret, kIssuer, "user", 42, kNow - 100, kNow);
  for (int64_t now : {kNow, kNow + 1, kNow + 86'400}) {
    auto r = verifier_.verify(token, now);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().status(), BZ_UNAUTHENTICATED);
    EXPECT_EQ(r.error().code(), "TOKEN_EXPIRED");
  }
  EXPECT_TRUE(verifier_.verify(token, kNow - 1).ok());
}

TEST_F(JwtTest, BadSignature) {
  std::string token = mint_jwt(kSecret, kIssuer, "user", 42, kNow, kNow + 600);
  size_t dot = token.rfind('.');
  std::string sig = token.substr(dot + 1);
  // Flip one signature character to another valid base64url character.
  sig[0] = sig[0] == 'A' ? 'B' : 'A';
  expect_invalid(token.substr(0, dot + 1) + sig, "flipped signature");
  // Truncated and empty signatures.
  expect_invalid(token.substr(0, token.size() - 4), "truncated signature");
  expect_invalid(token.substr(0, dot + 1), "empty signature");
}

// A verified token is remembered: the answers must stay those of a full check.
TEST_F(JwtTest, ARememberedTokenStillExpiresAndNoOtherTokenRidesOnIt) {
  std::string token = mint_jwt(kSecret, kIssuer, "user", 42, kNow - 10, kNow + 60);
  ASSERT_TRUE(verifier_.verify(token, kNow).ok());
  auto again = verifier_.verify(token, kNow + 59);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->subject_id, 42);
  EXPECT_EQ(again->role, static_cast<uint32_t>(BZ_ROLE_USER));
  auto late = verifier_.verify(token, kNow + 60);
  ASSERT_FALSE(late.ok());
  EXPECT_EQ(late.error().code(), "TOKEN_EXPIRED");
  // The same claims under a flipped signature byte are another token: refused.
  size_t dot = token.rfind('.');
  std::string sig = token.substr(dot + 1);
  sig[0] = sig[0] == 'A' ? 'B' : 'A';
  expect_invalid(token.substr(0, dot + 1) + sig, "flipped signature of a remembered token");
  // A token remembered while valid is refused again before its nbf (a clock moved back).
  nlohmann::json c = claims("user", "7");
  c["nbf"] = kNow;
  std::string later = sign_claims(c);
  ASSERT_TRUE(verifier_.verify(later, kNow).ok());
  EXPECT_FALSE(verifier_.verify(later, kNow - 1).ok());
}

TEST_F(JwtTest, TamperedPayload) {
  std::string token = mint_jwt(kSecret, kIssuer, "user", 42, kNow, kNow + 600);
  size_t dot1 = token.find('.');
  size_t dot2 = token.rfind('.');
  // Same signature, payload claiming another subject and role.
  nlohmann::json forged = claims("ops", "1");
  std::string tampered =
      token.substr(0, dot1 + 1) + base64url_encode(forged.dump()) + token.substr(dot2);
  expect_invalid(tampered, "tampered payload");
}

TEST_F(JwtTest, WrongSecret) {
  std::string token =
      mint_jwt("another-secret-of-32-bytes-or-more!!", kIssuer, "user", 42, kNow, kNow + 600);
  expect_invalid(token, "signed with another secret");
}

TEST_F(JwtTest, AlgNoneIsRefused) {
  std::string payload = base64url_encode(claims().dump());
  for (const char* header : {R"({"alg":"none"})", R"({"alg":"none","typ":"JWT"})",
                             R"({"alg":"None"})", R"({"alg":"NONE"})"}) {
    std::string token = base64url_encode(header) + "." + payload + ".";
    expect_invalid(token, header);
    auto r = verifier_.verify(token, kNow);
    ASSERT_FALSE(r.ok());
    EXPECT_NE(r.error().message().find("HS256"), std::string::npos) << r.error().message();
  }
}

TEST_F(JwtTest, OtherAlgorithmsAreRefusedEvenWhenSignedWithTheSecret) {
  for (const char* header :
       {R"({"alg":"HS512"})", R"({"alg":"RS256"})", R"({"alg":"hs256"})", R"({"alg":""})",
        R"({"typ":"JWT"})", R"({"alg":256})", R"({"alg":["HS256"]})"}) {
    expect_invalid(sign(header, claims().dump()), header);
  }
}

TEST_F(JwtTest, CriticalExtensionsAreRefused) {
  expect_invalid(sign(R"({"alg":"HS256","crit":["exp"]})", claims().dump()), "crit header");
}

TEST_F(JwtTest, MissingOrNonIntegerExp) {
  nlohmann::json c = claims();
  c.erase("exp");
  expect_invalid(sign_claims(c), "no exp");
  c["exp"] = "1900000000";
  expect_invalid(sign_claims(c), "string exp");
  c["exp"] = 1.9e9;
  expect_invalid(sign_claims(c), "floating exp");
}

TEST_F(JwtTest, NotBeforeInTheFuture) {
  nlohmann::json c = claims();
  c["nbf"] = kNow + 1;
  expect_invalid(sign_claims(c), "nbf in the future");
  c["nbf"] = kNow;
  EXPECT_TRUE(verifier_.verify(sign_claims(c), kNow).ok());
  c["nbf"] = "soon";
  expect_invalid(sign_claims(c), "non-numeric nbf");
}

TEST_F(JwtTest, TimesBeyondInt64AreRefusedNotWrapped) {
  auto c = claims();
  c["nbf"] = uint64_t{18'000'000'000'000'000'000u};  // would wrap negative as int64
  expect_invalid(sign_claims(c), "nbf beyond int64");
  c = claims();
  c["exp"] = uint64_t{18'000'000'000'000'000'000u};
  expect_invalid(sign_claims(c), "exp beyond int64");
}

TEST_F(JwtTest, WrongOrMissingIssuer) {
  nlohmann::json c = claims();
  c["iss"] = "someone-else";
  expect_invalid(sign_claims(c), "other issuer");
  c["iss"] = 7;
  expect_invalid(sign_claims(c), "numeric issuer");
  c.erase("iss");
  expect_invalid(sign_claims(c), "no issuer");
}

TEST_F(JwtTest, BadRole) {
  for (const char* role : {"admin", "", "User", "anonymous"}) {
    expect_invalid(sign_claims(claims(role)), role);
  }
  nlohmann::json c = claims();
  c["role"] = 1;
  expect_invalid(sign_claims(c), "numeric role");
  c.erase("role");
  expect_invalid(sign_claims(c), "no role");
}

TEST_F(JwtTest, UserAndMerchantSubjectsMustBePositiveIntegers) {
  for (const char* role : {"user", "merchant"}) {
    for (const char* sub : {"abc", "", "12x", "0", "-5", "+5", " 5", "99999999999999999999"}) {
      expect_invalid(sign_claims(claims(role, sub)), sub);
    }
    nlohmann::json c = claims(role);
    c["sub"] = 42;  // a number, not the string the spec requires
    expect_invalid(sign_claims(c), "numeric sub");
    c.erase("sub");
    expect_invalid(sign_claims(c), "no sub");
  }
}

TEST_F(JwtTest, WrongNumberOfParts) {
  std::string token = mint_jwt(kSecret, kIssuer, "user", 42, kNow, kNow + 600);
  size_t dot2 = token.rfind('.');
  expect_invalid(token.substr(0, dot2), "two parts");
  expect_invalid(token + ".extra", "four parts");
  expect_invalid(token + ".", "trailing dot");
  expect_invalid("abc", "one part");
  expect_invalid("", "empty");
  expect_invalid("..", "empty parts");
}

TEST_F(JwtTest, GarbageBase64) {
  std::string token = mint_jwt(kSecret, kIssuer, "user", 42, kNow, kNow + 600);
  size_t dot1 = token.find('.');
  size_t dot2 = token.rfind('.');
  std::string header = token.substr(0, dot1);
  std::string payload = token.substr(dot1 + 1, dot2 - dot1 - 1);
  std::string sig = token.substr(dot2 + 1);
  expect_invalid("!!!!." + payload + "." + sig, "header not base64url");
  expect_invalid(header + "." + payload + ".a+b/", "signature in standard base64");
  expect_invalid(header + "." + payload + "." + sig + "=", "padded signature");
  // Valid base64url that is not JSON.
  expect_invalid(base64url_encode("not json") + "." + payload + "." + sig, "header not JSON");
  expect_invalid(sign(R"({"alg":"HS256"})", "[1,2]"), "payload not an object");
  expect_invalid(sign(R"({"alg":"HS256"})", "{\"iss\":"), "payload truncated JSON");
}

TEST_F(JwtTest, OversizedTokenIsRefused) {
  nlohmann::json c = claims();
  c["pad"] = std::string(5000, 'x');
  std::string token = sign_claims(c);
  ASSERT_GT(token.size(), 4096u);
  expect_invalid(token, "oversized");

  c["pad"] = std::string(100, 'x');
  EXPECT_TRUE(verifier_.verify(sign_claims(c), kNow).ok());
}

TEST_F(JwtTest, RoleNames) {
  EXPECT_EQ(role_from_name("user"), BZ_ROLE_USER);
  EXPECT_EQ(role_from_name("merchant"), BZ_ROLE_MERCHANT);
  EXPECT_EQ(role_from_name("ops"), BZ_ROLE_OPS);
  EXPECT_EQ(role_from_name("root"), 0u);
  EXPECT_STREQ(role_name(BZ_ROLE_USER), "user");
  EXPECT_STREQ(role_name(BZ_ROLE_MERCHANT), "merchant");
  EXPECT_STREQ(role_name(BZ_ROLE_OPS), "ops");
  EXPECT_STREQ(role_name(0), "anonymous");
  EXPECT_STREQ(role_name(BZ_ROLE_ANY), "anonymous");
}

TEST(Base64UrlTest, KnownVectors) {
  // RFC 4648 test vectors, base64url without padding.
  EXPECT_EQ(base64url_encode(""), "");
  EXPECT_EQ(base64url_encode("f"), "Zg");
  EXPECT_EQ(base64url_encode("fo"), "Zm8");
  EXPECT_EQ(base64url_encode("foo"), "Zm9v");
  EXPECT_EQ(base64url_encode("foob"), "Zm9vYg");
  EXPECT_EQ(base64url_encode("fooba"), "Zm9vYmE");
  EXPECT_EQ(base64url_encode("foobar"), "Zm9vYmFy");
  // The URL-safe alphabet: 0xfb 0xff -> "-_8" rather than "+/8".
  EXPECT_EQ(base64url_encode("\xfb\xff"), "-_8");
}

TEST(Base64UrlTest, RoundTripsEveryLengthAndByte) {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (size_t len = 0; len <= all.size(); ++len) {
    std::string in = all.substr(all.size() - len);
    std::string out;
    ASSERT_TRUE(base64url_decode(base64url_encode(in), out)) << len;
    EXPECT_EQ(out, in) << len;
  }
}

TEST(Base64UrlTest, RejectsNonCanonicalTrailingBits) {
  std::string out;
  ASSERT_TRUE(base64url_decode("Zg", out));
  EXPECT_EQ(out, "f");
  // "Zh" carries the same byte with a non-zero leftover bit.
  EXPECT_FALSE(base64url_decode("Zh", out));
  EXPECT_FALSE(base64url_decode("Zm9", out));
  ASSERT_TRUE(base64url_decode("Zm8", out));
  EXPECT_EQ(out, "fo");
}

TEST(Base64UrlTest, RejectsBadCharactersAndLengths) {
  std::string out;
  EXPECT_FALSE(base64url_decode("Zm9v=", out));
  EXPECT_FALSE(base64url_decode("Zg==", out));
  EXPECT_FALSE(base64url_decode("+/8", out));
  EXPECT_FALSE(base64url_decode("Zm 9v", out));
  EXPECT_FALSE(base64url_decode("Z", out));  // a single leftover char carries < 8 bits
  EXPECT_FALSE(base64url_decode("Zm9vY", out));
  EXPECT_TRUE(base64url_decode("", out));
  EXPECT_TRUE(out.empty());
}

TEST(HmacTest, Rfc4231Case2) {
  std::string mac = hmac_sha256("Jefe", "what do ya want for nothing?");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (char c : mac) {
    auto b = static_cast<unsigned char>(c);
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 0xF]);
  }
  EXPECT_EQ(hex, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace bazaar::host
