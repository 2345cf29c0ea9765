// Files written to hurt: entity tricks, bad encodings, deep or huge input.
// Each must be refused with a clear message, quickly, without crashing.
#include "test_util.h"

#include <chrono>

namespace bazaar::rules {
namespace {

using testing::compile_errors;
using ::testing::ElementsAre;

TEST(Hostile, BillionLaughsIsRefusedAtTheDoctype) {
  const std::string xml =
      "<?xml version=\"1.0\"?>\n"
      "<!DOCTYPE lolz [\n"
      " <!ENTITY lol \"lol\">\n"
      " <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
      " <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
      "]>\n"
      "<ruleset name=\"&lol3;\" version=\"1\" mode=\"first-match\" on-error=\"deny\"/>\n";
  EXPECT_THAT(compile_errors(xml),
              ElementsAre("2:1: DOCTYPE declarations are not allowed in rule files (no DTD, no "
                          "entities)"));
}

TEST(Hostile, ExternalEntitiesAreRefused) {
  EXPECT_THAT(compile_errors("<!DOCTYPE r SYSTEM \"file:///etc/passwd\"><ruleset/>"),
              ElementsAre("1:1: DOCTYPE declarations are not allowed in rule files (no DTD, no "
                          "entities)"));
  // Without a DOCTYPE an entity reference is still refused, never left as text.
  EXPECT_THAT(compile_errors("<ruleset name=\"&xxe;\"/>"),
              ElementsAre("1:16: unknown entity '&xxe;': only &lt; &gt; &amp; &quot; &apos; and "
                          "character references are allowed"));
}

TEST(Hostile, InvalidUtf8) {
  EXPECT_THAT(compile_errors("<ruleset name=\"\xC3\x28\"/>"),
              ElementsAre("1:16: invalid UTF-8 sequence (the file must be UTF-8)"));
  EXPECT_THAT(compile_errors("\xFF\xFE<\0r\0"),
              ElementsAre("1:1: invalid UTF-8 byte 0xFF (the file must be UTF-8)"));
  EXPECT_THAT(compile_errors(std::string("<ruleset name=\"a\0b\"/>", 21)),
              ElementsAre("1:17: control character 0x00 is not allowed in XML"));
}

TEST(Hostile, ForbiddenCharacterReferences) {
  EXPECT_THAT(compile_errors("<ruleset name=\"a&#0;b\"/>"),
              ElementsAre("1:17: character reference '&#0;' is not a character XML allows"));
}

TEST(Hostile, Utf8ByteOrderMarkIsFine) {
  const std::string xml = "\xEF\xBB\xBF" + testing::first_match_set(
                                               testing::deny_rule("a", R"(<exists fact="user.id"/>)"));
  EXPECT_TRUE(compile(xml, testing::order_schema()).ok());
}

TEST(Hostile, DuplicateAttributes) {
  EXPECT_THAT(compile_errors("<ruleset name=\"a\" name=\"b\" version=\"1\" mode=\"score\" "
                             "on-error=\"deny\"><thresholds review=\"1\" deny=\"2\"/>"
                             "<rule id=\"r\" priority=\"1\"><when><exists fact=\"user.id\"/></when>"
                             "<then><score points=\"1\"/></then></rule></ruleset>"),
              ElementsAre("1:19: duplicate attribute 'name' on <ruleset>"));
}

TEST(Hostile, VeryDeepNestingNeverReachesTheParser) {
  std::string xml = "<ruleset>";
  for (int i = 0; i < 150000; ++i) xml += "<any>";  // 750 KB, under the size limit
  const auto start = std::chrono::steady_clock::now();
  const auto errors = compile_errors(xml);
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_THAT(errors, ElementsAre("1:165: elements are nested more than 32 deep"));
  EXPECT_LT(elapsed, std::chrono::seconds(1));
}

TEST(Hostile, TextAndExtraRootsAreRefused) {
  EXPECT_THAT(compile_errors("hello <ruleset/>"),
              ElementsAre("1:1: unexpected text outside <ruleset>"));
  EXPECT_THAT(compile_errors("<ruleset/>\n&amp;"),
              ElementsAre("2:1: unexpected text outside <ruleset>"));
  EXPECT_THAT(compile_errors("<ruleset name=\"a\" version=\"1\" mode=\"first-match\" on-error=\"deny\">"
                             "<rule id=\"r\" priority=\"1\"><when><exists fact=\"user.id\"/></when>"
                             "<then><allow/></then></rule></ruleset>\n<ruleset/>"),
              ElementsAre("2:1: the file holds more than one top-level element"));
}

TEST(Hostile, NonUtf8EncodingDeclaration) {
  EXPECT_THAT(compile_errors("<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><ruleset/>"),
              ElementsAre("1:31: encoding 'ISO-8859-1' is not supported: rule files are UTF-8"));
}

TEST(Hostile, HugeFlatFileCompilesQuicklyOrIsRefused) {
  // Just under 1 MiB of items in one list: refused by the item limit, fast.
  std::string items;
  while (items.size() < 1000000) items += "<item value=\"x\"/>";
  const std::string xml = testing::first_match_set(
      testing::deny_rule("a", "<in fact=\"user.id\">" + items + "</in>"));
  const auto start = std::chrono::steady_clock::now();
  const auto errors = compile_errors(xml);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  ASSERT_FALSE(errors.empty());
  EXPECT_NE(errors[0].find("holds more than 1000 items; use a named list"), std::string::npos);
}

}  // namespace
}  // namespace bazaar::rules
