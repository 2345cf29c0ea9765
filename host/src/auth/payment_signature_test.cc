#include <bazaar/payment_signature.h>

#include <gtest/gtest.h>

#include <cctype>
#include <string>

namespace orders::payment {
namespace {

constexpr std::string_view kSecret = "test-secret-0123456789abcdef0123456789";
constexpr std::string_view kTimestamp = "1763800000";
constexpr std::string_view kNonce = "nonce-abc_123";
constexpr std::string_view kBody =
    R"({"order_id":"42","transaction_id":"t-1","amount":3998,"status":"SUCCESS"})";
// printf '%s\n%s\n%s\n' 1763800000 nonce-abc_123 '<kBody>' |
//   openssl dgst -sha256 -hmac test-secret-0123456789abcdef0123456789
constexpr std::string_view kExpected =
    "03d003555604068f1645dcdb1bb856f660bcdbd7c4bf8591265370aecb24d32f";

TEST(PaymentSignature, MatchesOpensslReference) {
  EXPECT_EQ(sign(kSecret, kTimestamp, kNonce, kBody), kExpected);
  // printf '%s\n%s\n%s\n' 0 abcdefgh '' | openssl dgst -sha256 -hmac k
  EXPECT_EQ(sign("k", "0", "abcdefgh", ""),
            "58891094876a919957bb3bfb2925e3192ea29781f5a33aa562678f27126e65cc");
}

TEST(PaymentSignature, VerifiesItsOwnSignature) {
  EXPECT_TRUE(verify(kSecret, kTimestamp, kNonce, kBody, kExpected));
  const std::string big(1 << 20, 'x');  // the largest body the host lets through
  EXPECT_TRUE(verify(kSecret, kTimestamp, kNonce, big, sign(kSecret, kTimestamp, kNonce, big)));
}

TEST(PaymentSignature, AnyTamperedPartFails) {
  std::string body(kBody);
  body[body.find("3998")] = '4';
  EXPECT_FALSE(verify(kSecret, kTimestamp, kNonce, body, kExpected));
  EXPECT_FALSE(verify(kSecret, kTimestamp, kNonce, std::string(kBody) + " ", kExpected));
  EXPECT_FALSE(verify(kSecret, "1763800001", kNonce, kBody, kExpected));
  EXPECT_FALSE(verify(kSecret, kTimestamp, "nonce-abc_124", kBody, kExpected));
  EXPECT_FALSE(verify("test-secret-0123456789abcdef012345678X", kTimestamp, kNonce, kBody, kExpected));
  // The separators are part of the message: moving bytes between parts fails.
  EXPECT_FALSE(verify(kSecret, "176380000", "0nonce-abc_123", kBody, kExpected));

  std::string signature(kExpected);
  signature.back() = signature.back() == '0' ? '1' : '0';
  EXPECT_FALSE(verify(kSecret, kTimestamp, kNonce, kBody, signature));
}

TEST(PaymentSignature, OnlyTheExactLowerCaseHexPasses) {
  std::string upper(kExpected);
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_FALSE(verify(kSecret, kTimestamp, kNonce, kBody, upper));
  EXPECT_FALSE(verify(kSecret, kTimestamp, kNonce, kBody, ""));
  EXPECT_FALSE(verify(kSecret, kTimestamp, kNonce, kBody, kExpected.substr(0, 63)));
  EXPECT_FALSE(verify(kSecret, kTimestamp, kNonce, kBody, std::string(kExpected) + "0"));
  EXPECT_FALSE(verify(kSecret, kTimestamp, kNonce, kBody, kExpected.substr(0, 32)));
}

TEST(PaymentSignature, NonceSyntax) {
  EXPECT_TRUE(valid_nonce("abcdefgh"));
  EXPECT_TRUE(valid_nonce("A-Z_a-z_0-9"));
  EXPECT_TRUE(valid_nonce(std::string(64, 'n')));
  EXPECT_FALSE(valid_nonce(""));
  EXPECT_FALSE(valid_nonce("abcdefg"));  // 7
  EXPECT_FALSE(valid_nonce(std::string(65, 'n')));
  EXPECT_FALSE(valid_nonce("abcd efgh"));
  EXPECT_FALSE(valid_nonce("abcd.efgh"));
  EXPECT_FALSE(valid_nonce("abcd\nefgh"));
  EXPECT_FALSE(valid_nonce("abcdéfgh"));
  EXPECT_FALSE(valid_nonce(std::string_view("abcd\0efgh", 9)));
}

TEST(PaymentSignature, TimestampSyntax) {
  EXPECT_EQ(parse_timestamp("0"), 0);
  EXPECT_EQ(parse_timestamp("1763800000"), 1763800000);
  EXPECT_EQ(parse_timestamp("999999999999"), 999999999999);
  EXPECT_EQ(parse_timestamp("0001763800000").has_value(), false);  // 13 digits
  EXPECT_FALSE(parse_timestamp(""));
  EXPECT_FALSE(parse_timestamp("+1763800000"));
  EXPECT_FALSE(parse_timestamp("-1"));
  EXPECT_FALSE(parse_timestamp(" 1763800000"));
  EXPECT_FALSE(parse_timestamp("1763800000 "));
  EXPECT_FALSE(parse_timestamp("1763800000.5"));
  EXPECT_FALSE(parse_timestamp("0x10"));
}

}  // namespace
}  // namespace orders::payment
