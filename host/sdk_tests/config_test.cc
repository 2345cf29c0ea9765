// Typed settings (bazaar/sdk/config.hpp) over a map standing in for the
// host's `plugin.<name>.<key>` look-up.
#include <bazaar/sdk/config.hpp>

#include <gtest/gtest.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace bazaar::sdk {
namespace {

class ConfigReaderTest : public ::testing::Test {
 protected:
  ConfigReader reader(std::string_view plugin = "orders") {
    return ConfigReader(plugin, [this](const std::string& key) -> std::optional<std::string_view> {
      auto it = settings_.find(key);
      if (it == settings_.end()) return std::nullopt;
      return std::string_view(it->second);
    });
  }
  // The error message of a result expected to fail (its code checked too).
  template <class T>
  static std::string error_of(const Result<T>& r) {
    EXPECT_FALSE(r.ok());
    if (r.ok()) return "";
    EXPECT_EQ(r.error().status(), BZ_INVALID_ARGUMENT);
    EXPECT_EQ(r.error().code(), "BAD_CONFIG");
    return r.error().message();
  }

  std::map<std::string, std::string> settings_;
};

TEST_F(ConfigReaderTest, IntegerInRangeOrTheFallbackWhenAbsent) {
  settings_ = {{"payment_timeout_s", "900"}, {"padded", " 7 "}, {"negative", "-5"}};
  EXPECT_EQ(*reader().integer("payment_timeout_s", 60, 1, 604800), 900);
  EXPECT_EQ(*reader().integer("padded", 0, 0, 10), 7);
  EXPECT_EQ(*reader().integer("negative", 0, -10, 10), -5);
  EXPECT_EQ(*reader().integer("absent", 60, 1, 604800), 60);
  EXPECT_EQ(*reader().integer("absent", 0, 1, 10), 0);  // the fallback is not checked
}

TEST_F(ConfigReaderTest, IntegerErrorsNameTheKeyTheRangeAndTheValue) {
  settings_ = {{"payment_timeout_s", "abc"}, {"low", "0"},     {"high", "604801"},
               {"suffix", "12s"},            {"empty", ""},    {"huge", "99999999999999999999"},
               {"plus", "+5"},               {"float", "1.5"}};
  EXPECT_EQ(error_of(reader().integer("payment_timeout_s", 900, 1, 604800)),
            "plugin.orders.payment_timeout_s must be an integer from 1 to 604800, not \"abc\"");
  EXPECT_EQ(error_of(reader().integer("low", 900, 1, 604800)),
            "plugin.orders.low must be an integer from 1 to 604800, not \"0\"");
  EXPECT_EQ(error_of(reader().integer("high", 900, 1, 604800)),
            "plugin.orders.high must be an integer from 1 to 604800, not \"604801\"");
  EXPECT_EQ(error_of(reader().integer("suffix", 0, 0, 100)),
            "plugin.orders.suffix must be an integer from 0 to 100, not \"12s\"");
  EXPECT_EQ(error_of(reader().integer("empty", 0, 0, 100)),
            "plugin.orders.empty must be an integer from 0 to 100, not \"\"");
  EXPECT_NE(error_of(reader().integer("huge", 0, 0, 100)).find("not \"99999999999999999999\""),
            std::string::npos);
  error_of(reader().integer("plus", 0, 0, 100));
  error_of(reader().integer("float", 0, 0, 100));
}

TEST_F(ConfigReaderTest, BooleanWordsAsTheHostsOwnSettings) {
  settings_ = {{"a", "on"}, {"b", "true"}, {"c", "yes"}, {"d", "off"}, {"e", "false"}, {"f", "no"},
               {"bad", "maybe"}};
  for (const char* key : {"a", "b", "c"}) EXPECT_TRUE(*reader().boolean(key, false)) << key;
  for (const char* key : {"d", "e", "f"}) EXPECT_FALSE(*reader().boolean(key, true)) << key;
  EXPECT_TRUE(*reader().boolean("absent", true));
  EXPECT_EQ(error_of(reader().boolean("bad", false)),
            "plugin.orders.bad must be on or off (or true/false, yes/no), not \"maybe\"");
}

TEST_F(ConfigReaderTest, StringAnyTextOrOneOfTheAllowedWords) {
  settings_ = {{"greeting", "good day"}, {"mode", "strict"}, {"empty", ""}, {"quoted", "a\"b\\c"}};
  EXPECT_EQ(*reader().string("greeting", "hello"), "good day");
  EXPECT_EQ(*reader().string("absent", "hello"), "hello");
  EXPECT_EQ(*reader().string("empty", "hello"), "");  // present: an empty value, not the fallback
  EXPECT_EQ(*reader().string("mode", "lax", {"lax", "strict"}), "strict");
  EXPECT_EQ(error_of(reader().string("greeting", "lax", {"lax", "strict"})),
            "plugin.orders.greeting must be one of \"lax\", \"strict\", not \"good day\"");
  // Values are quoted as JSON strings, so quotes and backslashes stay readable.
  EXPECT_EQ(error_of(reader().string("quoted", "x", {"x"})),
            "plugin.orders.quoted must be one of \"x\", not \"a\\\"b\\\\c\"");
}

TEST_F(ConfigReaderTest, ListSplitsOnCommasAndBlanks) {
  using List = std::vector<std::string>;
  settings_ = {{"topics", "a, b c,,d\te"}, {"empty", " "}, {"roles", "user, ops"},
               {"bad_roles", "user, root"}};
  EXPECT_EQ(*reader().list("topics"), (List{"a", "b", "c", "d", "e"}));
  EXPECT_EQ(*reader().list("empty", {"x"}), List{});
  EXPECT_EQ(*reader().list("absent", {"x", "y"}), (List{"x", "y"}));
  EXPECT_EQ(*reader().list("roles", {}, {"user", "merchant", "ops"}), (List{"user", "ops"}));
  EXPECT_EQ(error_of(reader().list("bad_roles", {}, {"user", "ops"})),
            "plugin.orders.bad_roles must be a list (comma or space separated) of \"user\", \"ops\", "
            "not \"user, root\"");
}

TEST_F(ConfigReaderTest, WithoutAPluginNameTheKeyStillSaysWhere) {
  settings_ = {{"n", "x"}};
  EXPECT_EQ(reader("").full_key("n"), "plugin.<plugin>.n");
  EXPECT_EQ(error_of(reader("").integer("n", 0, 0, 1)),
            "plugin.<plugin>.n must be an integer from 0 to 1, not \"x\"");
}

TEST(OrThrowTest, TheValueOrTheErrorTextAsAnException) {
  EXPECT_EQ(or_throw(Result<int64_t>(int64_t{5})), 5);
  try {
    (void)or_throw(Result<int64_t>(invalid_argument("BAD_CONFIG", "plugin.x.y must be z")));
    FAIL() << "no exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(), "plugin.x.y must be z");
  }
}

}  // namespace
}  // namespace bazaar::sdk
