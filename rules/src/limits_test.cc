// Each limit refuses with its own message, at the place it was crossed.
#include "test_util.h"

namespace bazaar::rules {
namespace {

using testing::compile_errors;
using testing::deny_rule;
using testing::first_match_set;
using ::testing::ElementsAre;

std::string rules(int count, std::string_view condition = R"(<exists fact="user.id"/>)") {
  std::string out;
  for (int i = 0; i < count; ++i) out += deny_rule("r" + std::to_string(i), condition);
  return out;
}

TEST(Limits, FileSize) {
  std::string xml = first_match_set(rules(1));
  xml.insert(xml.size() - 11, std::string((1 << 20) - xml.size() + 1, ' '));
  ASSERT_EQ(xml.size(), (1u << 20) + 1);
  EXPECT_THAT(compile_errors(xml),
              ElementsAre("1:1: the file is 1048577 bytes; the limit is 1048576 bytes"));
  xml.erase(xml.size() - 12, 1);
  EXPECT_TRUE(compile(xml, testing::order_schema()).ok());
}

TEST(Limits, RulesPerSet) {
  EXPECT_TRUE(compile(first_match_set(rules(1000)), testing::order_schema()).ok());
  EXPECT_THAT(compile_errors(first_match_set(rules(1001))),
              ElementsAre("1002:1: too many rules: the limit is 1000 per set"));
}

TEST(Limits, ConditionNodes) {
  CompileLimits limits;
  limits.max_condition_nodes = 10;
  // Each rule costs two nodes: its <when> and one comparison.
  EXPECT_TRUE(compile(first_match_set(rules(5)), testing::order_schema(), limits).ok());
  EXPECT_THAT(compile_errors(first_match_set(rules(6)), testing::order_schema(), limits),
              ElementsAre("7:29: too many conditions: the limit is 10 condition elements per set"));
}

std::string nested(int depth) {
  std::string open, close;
  for (int i = 0; i < depth - 1; ++i) {
    open += "<not>";
    close += "</not>";
  }
  return open + R"(<exists fact="user.id"/>)" + close;
}

TEST(Limits, ConditionDepth) {
  EXPECT_TRUE(compile(first_match_set(deny_rule("a", nested(16))), testing::order_schema()).ok());
  const auto errors = compile_errors(first_match_set(deny_rule("a", nested(17))));
  ASSERT_FALSE(errors.empty());
  EXPECT_EQ(errors[0], "2:114: conditions are nested more than 16 deep");
}

TEST(Limits, ElementDepthIsCheckedBeforeParsing) {
  const auto errors = compile_errors(first_match_set(deny_rule("a", nested(40))));
  EXPECT_THAT(errors, ElementsAre("2:179: elements are nested more than 32 deep"));
}

TEST(Limits, ItemsPerListAndPerSet) {
  CompileLimits limits;
  limits.max_list_items = 3;
  limits.max_total_list_items = 5;
  const std::string items3 = R"(<in fact="user.id"><item value="a"/><item value="b"/><item value="c"/></in>)";
  const std::string items4 = R"(<in fact="user.id"><item value="a"/><item value="b"/><item value="c"/><item value="d"/></in>)";
  EXPECT_TRUE(compile(first_match_set(deny_rule("a", items3)), testing::order_schema(), limits).ok());
  EXPECT_THAT(compile_errors(first_match_set(deny_rule("a", items4)), testing::order_schema(), limits),
              ElementsAre("2:104: <in> holds more than 3 items; use a named list"));
  EXPECT_THAT(compile_errors(first_match_set(deny_rule("a", items3) + deny_rule("b", items3)),
                             testing::order_schema(), limits),
              ElementsAre("3:34: too many <item>s: the limit is 5 per set; use named lists"));
}

TEST(Limits, DistinctCounters) {
  CompileLimits limits;
  limits.max_counters = 2;
  auto counter = [](std::string_view window) {
    return R"(<gt counter="order.create" by="user.id" window=")" + std::string(window) + R"(" value="1"/>)";
  };
  // The same counter used twice counts once.
  EXPECT_TRUE(compile(first_match_set(deny_rule("a", counter("1h")) + deny_rule("b", counter("1h")) +
                                      deny_rule("c", counter("2h"))),
                      testing::order_schema(), limits)
                  .ok());
  EXPECT_THAT(compile_errors(first_match_set(deny_rule("a", counter("1h")) + deny_rule("b", counter("2h")) +
                                             deny_rule("c", counter("3h"))),
                             testing::order_schema(), limits),
              ElementsAre("4:47: too many distinct counters: the limit is 2 (event, by, window) "
                          "combinations per set"));
}

TEST(Limits, DistinctTags) {
  std::string many;
  for (int i = 0; i < 65; ++i) {
    many += "<rule id=\"r" + std::to_string(i) + "\" priority=\"1\"><when><exists fact=\"user.id\"/>"
            "</when><then><tag name=\"t" + std::to_string(i) + "\"/></then></rule>\n";
  }
  EXPECT_THAT(compile_errors(first_match_set(many)),
              ElementsAre("66:83: too many distinct tags: the limit is 64 per set"));
}

TEST(Limits, AttributeLength) {
  const std::string long_value(1025, 'x');
  EXPECT_THAT(compile_errors(first_match_set(deny_rule("a", R"(<eq fact="user.id" value=")" + long_value + R"("/>)"))),
              ElementsAre("2:60: attribute 'value' is 1025 bytes long; the limit is 1024"));
}

}  // namespace
}  // namespace bazaar::rules
