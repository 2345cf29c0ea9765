#include "common/json_text.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

namespace bazaar::host {
namespace {

std::string encode(std::string_view s) {
  std::string out;
  append_json_string(out, s);
  return out;
}

// Parses the output as a JSON string; fails the test when it is not valid JSON.
std::string parsed(std::string_view s) {
  std::string text = encode(s);
  auto doc = nlohmann::json::parse(text, nullptr, false);
  EXPECT_FALSE(doc.is_discarded()) << "not valid JSON: " << text;
  if (doc.is_discarded() || !doc.is_string()) return "<invalid>";
  return doc.get<std::string>();
}

TEST(JsonTextTest, PlainTextIsQuoted) {
  EXPECT_EQ(encode(""), "\"\"");
  EXPECT_EQ(encode("hello world"), "\"hello world\"");
}

TEST(JsonTextTest, AppendsToExistingText) {
  std::string out = "{\"k\":";
  append_json_string(out, "v");
  EXPECT_EQ(out, "{\"k\":\"v\"");
}

TEST(JsonTextTest, QuotesAndBackslashesAreEscaped) {
  EXPECT_EQ(encode("say \"hi\""), R"("say \"hi\"")");
  EXPECT_EQ(encode(R"(C:\dir\)"), R"("C:\\dir\\")");
  EXPECT_EQ(parsed("a\"b\\c"), "a\"b\\c");
}

TEST(JsonTextTest, ControlCharactersAreEscaped) {
  EXPECT_EQ(encode("a\nb"), R"("a\u000ab")");
  EXPECT_EQ(encode("\r\t"), R"("\u000d\u0009")");
  EXPECT_EQ(encode(std::string_view("\0", 1)), R"("\u0000")");
  EXPECT_EQ(encode("\x1f"), R"("\u001f")");
  std::string all_controls;
  for (int c = 0; c < 0x20; ++c) all_controls.push_back(static_cast<char>(c));
  EXPECT_EQ(parsed(all_controls), all_controls);
  // DEL and '/' need no escaping.
  EXPECT_EQ(encode("\x7f/"), "\"\x7f/\"");
}

TEST(JsonTextTest, ValidMultiByteUtf8IsKept) {
  const std::string text =
      "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x9b\x92 \xed\x9f\xbf \xf4\x8f\xbf\xbf";
  EXPECT_EQ(encode(text), "\"" + text + "\"");
  EXPECT_EQ(parsed(text), text);
}

TEST(JsonTextTest, InvalidUtf8BytesAreReplaced) {
  struct Case {
    std::string in;
    std::string expected;  // as decoded by a JSON parser
  };
  const std::string r = "\xef\xbf\xbd";  // U+FFFD in UTF-8
  for (const Case& c : {
           Case{"a\xff"
                "b",
                "a" + r + "b"},                              // never valid
           Case{"\x80", r},                                  // lone continuation
           Case{"\xc3", r},                                  // truncated at end
           Case{"\xc3(", r + "("},                           // bad continuation
           Case{"\xc0\xaf", r + r},                          // overlong '/'
           Case{"\xe0\x80\xaf", r + r + r},                  // overlong 3-byte
           Case{"\xed\xa0\x80", r + r + r},                  // UTF-16 surrogate
           Case{"\xf4\x90\x80\x80", r + r + r + r},          // above U+10FFFF
           Case{"\xf0\x80\x80\xaf", r + r + r + r},          // overlong 4-byte
           Case{"\xf8\x88\x80\x80\x80", r + r + r + r + r},  // 5-byte form
           Case{"\xe2\x82", r + r},                          // truncated 3-byte
       }) {
    std::string text = encode(c.in);
    EXPECT_NE(text.find("\\ufffd"), std::string::npos) << text;
    EXPECT_EQ(parsed(c.in), c.expected) << text;
  }
}

TEST(JsonTextTest, Iso8601Milliseconds) {
  EXPECT_EQ(iso8601_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(iso8601_ms(1), "1970-01-01T00:00:00.001Z");
  EXPECT_EQ(iso8601_ms(1'234), "1970-01-01T00:00:01.234Z");
  // 2026-11-21T10:00:00.123Z
  EXPECT_EQ(iso8601_ms(1'795'255'200'123), "2026-11-21T10:00:00.123Z");
  // Leap day.
  EXPECT_EQ(iso8601_ms(951'782'400'050), "2000-02-29T00:00:00.050Z");
}

TEST(JsonTextTest, Iso8601NegativeMilliseconds) {
  EXPECT_EQ(iso8601_ms(-1), "1969-12-31T23:59:59.999Z");
  EXPECT_EQ(iso8601_ms(-1'000), "1969-12-31T23:59:59.000Z");
  EXPECT_EQ(iso8601_ms(-1'001), "1969-12-31T23:59:58.999Z");
  EXPECT_EQ(iso8601_ms(-86'400'000), "1969-12-31T00:00:00.000Z");
}

TEST(JsonTextTest, ErrorEnvelopeParsesAndCarriesFields) {
  std::string body = error_envelope("COUPON_EXPIRED", "coupon \"X\" expired\n", "req-1");
  auto doc = nlohmann::json::parse(body, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << body;
  ASSERT_TRUE(doc.is_object());
  ASSERT_EQ(doc.size(), 1u);
  const auto& e = doc.at("error");
  EXPECT_EQ(e.at("code"), "COUPON_EXPIRED");
  EXPECT_EQ(e.at("message"), "coupon \"X\" expired\n");
  EXPECT_EQ(e.at("request_id"), "req-1");
  EXPECT_EQ(e.size(), 3u);
}

TEST(JsonTextTest, ErrorEnvelopeStaysValidWithHostileText) {
  std::string body = error_envelope("C", "bad \xff bytes \x01", "");
  auto doc = nlohmann::json::parse(body, nullptr, false);
  ASSERT_FALSE(doc.is_discarded()) << body;
  EXPECT_EQ(doc["error"]["message"], "bad \xef\xbf\xbd bytes \x01");
  EXPECT_EQ(doc["error"]["request_id"], "");
}

}  // namespace
}  // namespace bazaar::host
