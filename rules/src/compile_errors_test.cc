// Every validation error, with its exact line and column.
#include "test_util.h"

namespace bazaar::rules {
namespace {

using testing::compile_errors;
using ::testing::ElementsAre;

// A set whose lines are numbered as below; each argument replaces one line.
//   1 <ruleset ...>
//   2 <rule id="a" priority="1">
//   3 <when>
//   4 CONDITION
//   5 </when>
//   6 <then>ACTIONS</then>
//   7 </rule>
//   8 </ruleset>
std::string doc(std::string_view condition,
                std::string_view actions = "<deny code=\"X\" message=\"m\"/>",
                std::string_view rule = "<rule id=\"a\" priority=\"1\">",
                std::string_view ruleset =
                    "<ruleset name=\"t\" version=\"1\" mode=\"first-match\" on-error=\"review\">") {
  return std::string(ruleset) + "\n" + std::string(rule) + "\n<when>\n" + std::string(condition) +
         "\n</when>\n<then>" + std::string(actions) + "</then>\n</rule>\n</ruleset>\n";
}

TEST(CompileErrors, ValidDocumentCompiles) {
  EXPECT_TRUE(compile(doc("<gt fact=\"order.amount\" value=\"10.00\"/>"), testing::order_schema()).ok());
}

TEST(CompileErrors, UnknownElementSuggestsTheClosestName) {
  EXPECT_THAT(compile_errors(doc("<gtt fact=\"order.amount\" value=\"10.00\"/>")),
              ElementsAre("4:1: unknown element <gtt> in <when>; did you mean <gt>?"));
  EXPECT_THAT(compile_errors(doc("<greater fact=\"order.amount\" value=\"10.00\"/>")),
              ElementsAre("4:1: unknown element <greater> in <when>; expected <all>, <any>, "
                          "<not>, <eq>, <ne>, <lt>, <le>, <gt>, <ge>, <between>, <in>, "
                          "<not-in>, <contains>, <starts-with>, <ends-with>, <exists>"));
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" value=\"1.00\"/>", "<dney code=\"X\" message=\"m\"/>")),
              ElementsAre("6:1: <then> needs an action: <allow>, <review>, <deny> or <tag>",
                          "6:7: unknown element <dney> in <then>; did you mean <deny>?"));
}

TEST(CompileErrors, UnknownAttributeIsNeverReadAsEmpty) {
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" valu=\"10.00\"/>")),
              ElementsAre("4:1: <gt> is missing the required attribute 'value'",
                          "4:25: unknown attribute 'valu' on <gt>; did you mean 'value'?"));
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" value=\"1.00\"/>",
                                 "<deny code=\"X\" message=\"m\"/>",
                                 "<rule id=\"a\" priorty=\"1\">")),
              ElementsAre("2:1: <rule> is missing the required attribute 'priority'",
                          "2:14: unknown attribute 'priorty' on <rule>; did you mean 'priority'?"));
  EXPECT_THAT(compile_errors(doc("<all x=\"1\"><gt fact=\"order.amount\" value=\"1.00\"/></all>")),
              ElementsAre("4:6: unknown attribute 'x' on <all>; it takes no attributes"));
}

TEST(CompileErrors, MissingRequiredAttributes) {
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" value=\"1.00\"/>", "<deny code=\"X\"/>")),
              ElementsAre("6:7: <deny> is missing the required attribute 'message'"));
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" value=\"1.00\"/>",
                                 "<deny code=\"X\" message=\"m\"/>", "<rule id=\"a\" priority=\"1\">",
                                 "<ruleset name=\"t\" version=\"1\">")),
              ElementsAre("1:1: <ruleset> is missing the required attribute 'mode'",
                          "1:1: <ruleset> is missing the required attribute 'on-error'"));
  EXPECT_THAT(compile_errors(doc("<between fact=\"order.amount\" min=\"1.00\"/>")),
              ElementsAre("4:1: <between> is missing the required attribute 'max'"));
  EXPECT_THAT(compile_errors(doc("<gt value=\"1\"/>")),
              ElementsAre("4:1: <gt> needs fact=\"NAME\" or counter=\"EVENT\""));
}

TEST(CompileErrors, DuplicateRuleIds) {
  const std::string xml =
      "<ruleset name=\"t\" version=\"1\" mode=\"first-match\" on-error=\"deny\">\n"
      "<rule id=\"same\" priority=\"1\"><when><exists fact=\"user.id\"/></when><then><allow/></then></rule>\n"
      "<rule id=\"same\" priority=\"2\"><when><exists fact=\"user.id\"/></when><then><allow/></then></rule>\n"
      "</ruleset>";
  EXPECT_THAT(compile_errors(xml), ElementsAre("3:11: duplicate rule id 'same' (first used at 2:11)"));
}

TEST(CompileErrors, DuplicateAttributes) {
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" fact=\"user.id\" value=\"1.00\"/>")),
              ElementsAre("4:25: duplicate attribute 'fact' on <gt>"));
}

TEST(CompileErrors, BadNumbers) {
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.item_count\" value=\"ten\"/>")),
              ElementsAre("4:36: 'value' must be an integer such as 42 ('order.item_count' is "
                          "integer), not 'ten'"));
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.item_count\" value=\"99999999999999999999\"/>")),
              ElementsAre("4:36: 'value' must be an integer such as 42 ('order.item_count' is "
                          "integer), not '99999999999999999999'"));
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" value=\"1.00\"/>",
                                 "<deny code=\"X\" message=\"m\"/>",
                                 "<rule id=\"a\" priority=\"high\">")),
              ElementsAre("2:24: 'priority' must be an integer, not 'high'"));
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" value=\"1.00\"/>",
                                 "<deny code=\"X\" message=\"m\"/>",
                                 "<rule id=\"a\" priority=\"-1\">")),
              ElementsAre("2:24: 'priority' must be between 0 and 1000000000"));
}

TEST(CompileErrors, BadMoney) {
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" value=\"10\"/>")),
              ElementsAre("4:32: 'value' must be money in major units with exactly two "
                          "decimals, such as 199.00 ('order.amount' is money), not '10'"));
  EXPECT_THAT(compile_errors(doc("<between fact=\"order.amount\" min=\"1.0\" max=\"2.00\"/>")),
              ElementsAre("4:35: 'min' must be money in major units with exactly two decimals, "
                          "such as 199.00, not '1.0'"));
}

TEST(CompileErrors, BadTimes) {
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" value=\"1.00\"/>",
                                 "<deny code=\"X\" message=\"m\"/>",
                                 "<rule id=\"a\" priority=\"1\" from=\"2026-11-31T00:00:00Z\">")),
              ElementsAre("2:33: 'from' must be an ISO-8601 UTC time such as "
                          "2026-11-21T10:00:00Z, not '2026-11-31T00:00:00Z'"));
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" value=\"1.00\"/>",
                                 "<deny code=\"X\" message=\"m\"/>",
                                 "<rule id=\"a\" priority=\"1\" from=\"2026-11-21T00:00:00Z\" "
                                 "to=\"2026-11-20T00:00:00Z\">")),
              ElementsAre("2:59: 'to' must be later than 'from'"));
  EXPECT_THAT(compile_errors(doc("<lt fact=\"user.registered_at\" value=\"2026-11-21\"/>")),
              ElementsAre("4:38: 'value' must be an ISO-8601 UTC time such as "
                          "2026-11-21T10:00:00Z ('user.registered_at' is timestamp), not "
                          "'2026-11-21'"));
}

TEST(CompileErrors, TypeMismatches) {
  EXPECT_THAT(compile_errors(doc("<gt fact=\"user.id\" value=\"5\"/>")),
              ElementsAre("4:11: <gt> needs an integer, money or timestamp (or a counter); fact "
                          "'user.id' is string"));
  EXPECT_THAT(compile_errors(doc("<starts-with fact=\"order.amount\" value=\"1\"/>")),
              ElementsAre("4:20: <starts-with> needs a string; fact 'order.amount' is money"));
  EXPECT_THAT(compile_errors(doc("<eq fact=\"user.tags\" value=\"vip\"/>")),
              ElementsAre("4:11: <eq> needs an integer, money, timestamp, string or boolean; "
                          "fact 'user.tags' is string-list"));
  EXPECT_THAT(compile_errors(doc("<eq fact=\"user.first_order\" value=\"yes\"/>")),
              ElementsAre("4:36: 'value' must be true or false ('user.first_order' is boolean), "
                          "not 'yes'"));
  EXPECT_THAT(compile_errors(doc("<in fact=\"order.item_count\" list=\"blacklist.users\"/>")),
              ElementsAre("4:35: named lists hold strings; fact 'order.item_count' is integer"));
  EXPECT_THAT(compile_errors(doc("<exists counter=\"order.create\"/>")),
              ElementsAre("4:1: <exists> is missing the required attribute 'fact'",
                          "4:9: unknown attribute 'counter' on <exists>; allowed: fact"));
}

TEST(CompileErrors, UnknownFactsListsAndCounters) {
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amout\" value=\"1.00\"/>")),
              ElementsAre("4:11: unknown fact 'order.amout' for order.create; did you mean "
                          "'order.amount'?"));
  EXPECT_THAT(compile_errors(doc("<gt fact=\"shoe.size\" value=\"1\"/>")),
              ElementsAre("4:11: unknown fact 'shoe.size' for order.create"));
  EXPECT_THAT(compile_errors(doc("<in fact=\"user.id\" list=\"blacklist.user\"/>")),
              ElementsAre("4:26: unknown list 'blacklist.user' for order.create; did you mean "
                          "'blacklist.users'?"));
  EXPECT_THAT(compile_errors(doc("<gt counter=\"order.created\" by=\"user.id\" window=\"1h\" value=\"5\"/>")),
              ElementsAre("4:14: unknown counter event 'order.created' for order.create; did "
                          "you mean 'order.create'?"));
}

TEST(CompileErrors, BadCounters) {
  EXPECT_THAT(compile_errors(doc("<gt counter=\"order.create\" by=\"user.id\" window=\"1 hour\" value=\"5\"/>")),
              ElementsAre("4:49: 'window' must be a duration such as 30s, 15m, 1h or 7d, not "
                          "'1 hour'"));
  EXPECT_THAT(compile_errors(doc("<gt counter=\"order.create\" by=\"user.id\" window=\"91d\" value=\"5\"/>")),
              ElementsAre("4:49: 'window' must be at most 90d"));
  EXPECT_THAT(compile_errors(doc("<gt counter=\"order.create\" by=\"user.tags\" window=\"1h\" value=\"5\"/>")),
              ElementsAre("4:32: a counter is kept per string or integer fact; 'user.tags' is "
                          "string-list"));
  EXPECT_THAT(compile_errors(doc("<gt counter=\"order.create\" window=\"1h\" value=\"5\"/>")),
              ElementsAre("4:1: a counter needs by=\"FACT\" (what it counts per)"));
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" window=\"1h\" value=\"5.00\"/>")),
              ElementsAre("4:1: by= and window= belong to counters, not to fact="));
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" counter=\"order.create\" value=\"5\"/>")),
              ElementsAre("4:1: <gt> takes fact= or counter=, not both"));
  EXPECT_THAT(compile_errors(doc("<contains counter=\"order.create\" by=\"user.id\" window=\"1h\" value=\"5\"/>")),
              ElementsAre("4:20: <contains> needs a string or a string-list; a counter is an integer"));
}

TEST(CompileErrors, ConditionShapes) {
  EXPECT_THAT(compile_errors(doc("<all></all>")),
              ElementsAre("4:1: <all> needs at least one condition"));
  EXPECT_THAT(compile_errors(doc("<not><exists fact=\"user.id\"/><exists fact=\"device.id\"/></not>")),
              ElementsAre("4:1: <not> takes exactly one condition, not 2"));
  EXPECT_THAT(compile_errors(doc("")), ElementsAre("3:1: <when> needs at least one condition"));
  EXPECT_THAT(compile_errors(doc("order.amount > 5")),
              ElementsAre("3:1: <when> needs at least one condition",
                          "3:7: unexpected text in <when>: rule files hold only elements and attributes"));
  EXPECT_THAT(compile_errors(doc("<gt fact=\"order.amount\" value=\"1.00\"><all/></gt>")),
              ElementsAre("4:38: <gt> takes no child elements"));
  EXPECT_THAT(compile_errors(doc("<between fact=\"order.amount\" min=\"2.00\" max=\"1.00\"/>")),
              ElementsAre("4:46: 'max' must not be below 'min'"));
  EXPECT_THAT(compile_errors(doc("<contains fact=\"request.ip\" value=\"\"/>")),
              ElementsAre("4:36: <contains> needs a non-empty value"));
}

TEST(CompileErrors, LiteralSets) {
  EXPECT_THAT(compile_errors(doc("<in fact=\"user.id\"/>")),
              ElementsAre("4:1: <in> needs list=\"NAME\" or at least one <item value=\"...\"/>"));
  EXPECT_THAT(compile_errors(doc("<in fact=\"user.id\" list=\"blacklist.users\"><item value=\"a\"/></in>")),
              ElementsAre("4:43: <in> takes list= or <item>s, not both"));
  EXPECT_THAT(compile_errors(doc("<in fact=\"order.item_count\"><item value=\"1\"/><item value=\"two\"/></in>")),
              ElementsAre("4:59: item must be an integer such as 42, not 'two'"));
  EXPECT_THAT(compile_errors(doc("<in fact=\"user.id\"><itme value=\"a\"/></in>")),
              ElementsAre("4:1: <in> needs list=\"NAME\" or at least one <item value=\"...\"/>",
                          "4:20: unknown element <itme> in <in>; did you mean <item>?"));
}

TEST(CompileErrors, RuleShapes) {
  EXPECT_THAT(compile_errors("<ruleset name=\"t\" version=\"1\" mode=\"first-match\" on-error=\"deny\">\n"
                             "<rule id=\"a\" priority=\"1\"><then><allow/></then></rule>\n</ruleset>"),
              ElementsAre("2:1: <rule> needs a <when> with its conditions"));
  EXPECT_THAT(compile_errors(doc("<exists fact=\"user.id\"/>", "")),
              ElementsAre("6:1: <then> needs an action: <allow>, <review>, <deny> or <tag>"));
  EXPECT_THAT(compile_errors(doc("<exists fact=\"user.id\"/>", "<allow/><deny code=\"X\" message=\"m\"/>")),
              ElementsAre("6:15: a rule has at most one of <allow>, <review> and <deny>"));
  EXPECT_THAT(compile_errors(doc("<exists fact=\"user.id\"/>", "<score points=\"5\"/>")),
              ElementsAre("6:7: <score> is only allowed in mode=\"score\" sets; first-match rules "
                          "<allow>, <review> or <deny>"));
  EXPECT_THAT(compile_errors(doc("<exists fact=\"user.id\"/>", "<tag name=\"Big Order\"/>")),
              ElementsAre("6:18: tag 'Big Order' must be 1 to 64 lower-case letters, digits, '_', "
                          "'.', '-' or ':'"));
  EXPECT_THAT(compile_errors(doc("<exists fact=\"user.id\"/>", "<deny code=\"no way\" message=\"m\"/>")),
              ElementsAre("6:19: code 'no way' must be 1 to 64 letters, digits, '_', '.' or '-'"));
  EXPECT_THAT(compile_errors(doc("<exists fact=\"user.id\"/>", "<allow/>", "<rule id=\"a b\" priority=\"1\">")),
              ElementsAre("2:11: rule id 'a b' must be 1 to 64 letters, digits, '_', '.' or '-'"));
  EXPECT_THAT(compile_errors(doc("<exists fact=\"user.id\"/>", "<allow/>",
                                 "<rule id=\"a\" priority=\"1\" enabled=\"no\">")),
              ElementsAre("2:36: 'enabled' must be true or false, not 'no'"));
}

TEST(CompileErrors, RuleSetShapes) {
  EXPECT_THAT(compile_errors(doc("<exists fact=\"user.id\"/>", "<allow/>", "<rule id=\"a\" priority=\"1\">",
                                 "<ruleset name=\"t\" version=\"0\" mode=\"first\" on-error=\"allow\">")),
              ElementsAre("1:28: 'version' must be between 1 and 2147483647",
                          "1:37: 'mode' must be first-match or score, not 'first'",
                          "1:54: 'on-error' must be deny or review (rule sets fail closed), not "
                          "'allow'"));
  EXPECT_THAT(compile_errors("<rules name=\"t\"/>"),
              ElementsAre("1:1: the top-level element must be <ruleset>, not <rules>"));
  EXPECT_THAT(compile_errors("<ruleset name=\"t\" version=\"1\" mode=\"first-match\" on-error=\"deny\"/>"),
              ElementsAre("1:1: <ruleset> needs at least one <rule>"));
  EXPECT_THAT(compile_errors(""), ElementsAre("1:1: the file has no <ruleset> element"));
}

TEST(CompileErrors, ScoreSetShapes) {
  const std::string score_set =
      "<ruleset name=\"t\" version=\"1\" mode=\"score\" on-error=\"review\">";
  EXPECT_THAT(compile_errors(doc("<exists fact=\"user.id\"/>", "<score points=\"5\"/>",
                                 "<rule id=\"a\" priority=\"1\">", score_set)),
              ElementsAre("1:1: a score set needs <thresholds review=\"...\" deny=\"...\">"));
  EXPECT_THAT(compile_errors(doc("<exists fact=\"user.id\"/>", "<deny code=\"X\" message=\"m\"/>",
                                 "<thresholds review=\"90\" deny=\"80\"/><rule id=\"a\" priority=\"1\">",
                                 score_set)),
              ElementsAre("2:21: the review threshold (90) is above the deny threshold (80)",
                          "6:7: <deny> is not allowed in a score set: its rules <score> and <tag>, "
                          "and <thresholds> decide"));
  EXPECT_THAT(compile_errors(doc("<exists fact=\"user.id\"/>", "<score points=\"5\"/><score points=\"1\"/>",
                                 "<thresholds review=\"1\" deny=\"2\"/><rule id=\"a\" priority=\"1\">",
                                 score_set)),
              ElementsAre("6:26: a rule has at most one <score>"));
  EXPECT_THAT(compile_errors(doc("<exists fact=\"user.id\"/>", "<allow/>",
                                 "<thresholds review=\"1\" deny=\"2\"/><rule id=\"a\" priority=\"1\">")),
              ElementsAre("2:1: <thresholds> applies only to mode=\"score\" sets"));
}

TEST(CompileErrors, XmlSyntaxErrorsHavePositions) {
  EXPECT_THAT(compile_errors("<ruleset name=\"t\">\n  <rule id=\"a\">\n  </rul>\n</ruleset>"),
              ElementsAre("3:5: XML syntax error: end tag does not match the open element"));
  EXPECT_THAT(compile_errors("<ruleset name=t/>"),
              ElementsAre("1:15: XML syntax error: malformed attribute (write name=\"value\")"));
  EXPECT_THAT(compile_errors("<ruleset name=\"t\">\n<rule>"),
              ElementsAre("2:6: XML syntax error: the file ends before every element is closed"));
  EXPECT_THAT(compile_errors("<ruleset name=\"t\">\n<rule id=\"a\"<when>"),
              ElementsAre("2:13: XML syntax error: malformed start tag"));
}

TEST(CompileErrors, ErrorsComeInDocumentOrderAndStopAtTheLimit) {
  std::string rules;
  for (int i = 0; i < 80; ++i) rules += testing::deny_rule("r" + std::to_string(i), "<gt fact=\"nope\" value=\"1\"/>");
  const auto errors = compile_errors(testing::first_match_set(rules));
  ASSERT_EQ(errors.size(), 51u);
  EXPECT_EQ(errors[0], "2:45: unknown fact 'nope' for order.create");
  EXPECT_EQ(errors[49], "51:46: unknown fact 'nope' for order.create");
  EXPECT_EQ(errors[50], "51:46: too many errors; stopped after 50");
}

}  // namespace
}  // namespace bazaar::rules
