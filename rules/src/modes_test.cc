// Evaluation modes, priorities and ties, effective windows, on-error policy, traces.
#include "test_util.h"

#include "literals.h"

namespace bazaar::rules {
namespace {

using testing::compile_ok;
using testing::OrderFacts;
using testing::run;

std::string rule(std::string_view id, std::string_view priority, std::string_view condition,
                 std::string_view actions, std::string_view extra = "") {
  return "<rule id=\"" + std::string(id) + "\" priority=\"" + std::string(priority) + "\"" +
         (extra.empty() ? "" : " ") + std::string(extra) + "><when>" + std::string(condition) +
         "</when><then>" + std::string(actions) + "</then></rule>\n";
}

constexpr const char* kAlways = R"(<exists fact="user.id"/>)";
constexpr const char* kNever = R"(<eq fact="user.id" value="nobody"/>)";
constexpr const char* kBroken = R"(<gt fact="order.amount" value="1.00"/>)";  // amount never set

OrderFacts user() {
  OrderFacts f;
  f.string("user.id", "u-1");
  return f;
}

TEST(FirstMatch, LowerPriorityNumberRunsFirst) {
  const RuleSet set = compile_ok(testing::first_match_set(
      rule("late", "20", kAlways, R"(<deny code="LATE" message="m"/>)") +
      rule("early", "5", kAlways, R"(<review code="EARLY" message="m"/>)")));
  const Decision d = run(set, user());
  EXPECT_EQ(d.outcome, Outcome::kReview);
  EXPECT_EQ(d.code, "EARLY");
  EXPECT_EQ(d.rule_id, "early");
  EXPECT_EQ(d.rule, 1);  // document index
}

TEST(FirstMatch, TiesGoInDocumentOrder) {
  const RuleSet set = compile_ok(testing::first_match_set(
      rule("first", "7", kAlways, R"(<allow code="FIRST"/>)") +
      rule("second", "7", kAlways, R"(<deny code="SECOND" message="m"/>)")));
  const Decision d = run(set, user());
  EXPECT_EQ(d.outcome, Outcome::kAllow);
  EXPECT_EQ(d.code, "FIRST");
}

TEST(FirstMatch, TagOnlyRulesAccumulateAndDoNotDecide) {
  const RuleSet set = compile_ok(testing::first_match_set(
      rule("tag-a", "1", kAlways, R"(<tag name="a"/>)") +
      rule("tag-never", "2", kNever, R"(<tag name="never"/>)") +
      rule("decide", "3", kAlways, R"(<deny code="D" message="m"/><tag name="b"/>)") +
      rule("after", "4", kAlways, R"(<tag name="c"/>)")));
  const Decision d = run(set, user());
  EXPECT_EQ(d.outcome, Outcome::kDeny);
  EXPECT_EQ(set.tag_names(d.tags), (std::vector<std::string_view>{"a", "b"}));
  EXPECT_TRUE(d.has_tag(*set.find_tag("a")));
  EXPECT_FALSE(d.has_tag(*set.find_tag("c")));
}

TEST(FirstMatch, NothingMatchedUsesTheDefault) {
  const std::string rules = rule("never", "1", kNever, R"(<deny code="D" message="m"/>)");
  EXPECT_EQ(run(compile_ok(testing::first_match_set(rules)), user()).outcome, Outcome::kAllow);
  const Decision d = run(compile_ok(testing::first_match_set(rules, "default=\"review\"")), user());
  EXPECT_EQ(d.outcome, Outcome::kReview);
  EXPECT_EQ(d.rule, -1);
  EXPECT_TRUE(d.rule_id.empty());
}

TEST(FirstMatch, DisabledRulesAreSkipped) {
  const RuleSet set = compile_ok(testing::first_match_set(
      rule("off", "1", kAlways, R"(<deny code="OFF" message="m"/>)", "enabled=\"false\"") +
      rule("on", "2", kAlways, R"(<review code="ON" message="m"/>)", "enabled=\"true\"")));
  EXPECT_EQ(run(set, user()).code, "ON");
}

TEST(FirstMatch, EffectiveWindowsFollowTheCallersClock) {
  const RuleSet set = compile_ok(testing::first_match_set(rule(
      "double-eleven", "1", kAlways, R"(<review code="PEAK" message="m"/>)",
      R"(from="2026-11-11T00:00:00Z" to="2026-11-12T00:00:00Z")")));
  const auto from = *literals::parse_timestamp("2026-11-11T00:00:00Z");
  const auto to = *literals::parse_timestamp("2026-11-12T00:00:00Z");
  EXPECT_EQ(run(set, user(), from - 1).outcome, Outcome::kAllow);
  EXPECT_EQ(run(set, user(), from).outcome, Outcome::kReview);  // from is inclusive
  EXPECT_EQ(run(set, user(), to - 1).outcome, Outcome::kReview);
  EXPECT_EQ(run(set, user(), to).outcome, Outcome::kAllow);  // to is exclusive
}

TEST(FirstMatch, OpenEndedWindows) {
  const RuleSet set = compile_ok(testing::first_match_set(
      rule("from-only", "1", kAlways, R"(<review code="F" message="m"/>)", R"(from="2026-01-01T00:00:00Z")")));
  EXPECT_EQ(run(set, user(), *literals::parse_timestamp("2025-12-31T23:59:59Z")).outcome, Outcome::kAllow);
  EXPECT_EQ(run(set, user(), *literals::parse_timestamp("2099-01-01T00:00:00Z")).outcome, Outcome::kReview);
}

TEST(OnError, AnErrorBeforeTheDecisionFailsClosed) {
  const RuleSet set = compile_ok(testing::first_match_set(
      rule("broken", "1", kBroken, R"(<deny code="BIG" message="m"/>)") +
      rule("allow-all", "2", kAlways, R"(<allow code="OK"/>)")));
  const Decision d = run(set, user());
  EXPECT_EQ(d.outcome, Outcome::kReview);  // on-error="review" beats the later allow
  EXPECT_TRUE(d.failed_closed);
  EXPECT_EQ(d.code, "RULES_ERROR");
  EXPECT_EQ(d.rule_id, "broken");
  EXPECT_EQ(d.error, EvalError::kMissingFact);
  EXPECT_EQ(d.error_subject, "order.amount");
}

TEST(OnError, AStricterDecisionStillWins) {
  const RuleSet set = compile_ok(testing::first_match_set(
      rule("broken", "1", kBroken, R"(<allow/>)") +
      rule("deny-all", "2", kAlways, R"(<deny code="NO" message="m"/>)")));
  const Decision d = run(set, user());
  EXPECT_EQ(d.outcome, Outcome::kDeny);
  EXPECT_EQ(d.code, "NO");
  EXPECT_FALSE(d.failed_closed);
  EXPECT_EQ(d.error_rule_id, "broken");  // still reported
}

TEST(OnError, DenyPolicy) {
  const RuleSet set = compile_ok(
      "<ruleset name=\"t\" version=\"1\" mode=\"first-match\" on-error=\"deny\">" +
      rule("broken", "1", kBroken, R"(<review/>)") + "</ruleset>");
  const Decision d = run(set, user());
  EXPECT_EQ(d.outcome, Outcome::kDeny);
  EXPECT_TRUE(d.failed_closed);
}

TEST(OnError, ErrorsAfterTheDecisionAreNotReached) {
  const RuleSet set = compile_ok(testing::first_match_set(
      rule("allow-all", "1", kAlways, R"(<allow/>)") +
      rule("broken", "2", kBroken, R"(<deny code="X" message="m"/>)")));
  const Decision d = run(set, user());
  EXPECT_EQ(d.outcome, Outcome::kAllow);
  EXPECT_EQ(d.error, EvalError::kNone);
}

std::string score_set(std::string_view rules) {
  return "<ruleset name=\"s\" version=\"2\" mode=\"score\" on-error=\"review\">"
         "<thresholds review=\"50\" deny=\"80\"/>" + std::string(rules) + "</ruleset>";
}

TEST(ScoreMode, MatchingRulesAddUpToThresholds) {
  const RuleSet set = compile_ok(score_set(
      rule("a", "1", R"(<gt fact="order.item_count" value="1"/>)", R"(<score points="30"/>)") +
      rule("b", "1", R"(<gt fact="order.item_count" value="2"/>)", R"(<score points="25"/><tag name="b"/>)") +
      rule("c", "1", R"(<gt fact="order.item_count" value="3"/>)", R"(<score points="40"/>)") +
      rule("trusted", "9", R"(<contains fact="user.tags" value="vip"/>)", R"(<score points="-100"/>)")));
  auto decide = [&set](std::int64_t items, std::vector<std::string> tags) {
    OrderFacts f;
    f.integer("order.item_count", items).list("user.tags", std::move(tags));
    return run(set, f);
  };
  EXPECT_EQ(decide(1, {}).outcome, Outcome::kAllow);
  EXPECT_EQ(decide(2, {}).score, 30);
  EXPECT_EQ(decide(2, {}).outcome, Outcome::kAllow);
  const Decision review = decide(3, {});
  EXPECT_EQ(review.score, 55);
  EXPECT_EQ(review.outcome, Outcome::kReview);
  EXPECT_EQ(review.code, "SCORE_REVIEW");
  EXPECT_EQ(set.tag_names(review.tags), std::vector<std::string_view>{"b"});
  const Decision deny = decide(4, {});
  EXPECT_EQ(deny.score, 95);
  EXPECT_EQ(deny.outcome, Outcome::kDeny);
  EXPECT_EQ(deny.code, "SCORE_DENY");
  EXPECT_EQ(deny.rule, -1);
  EXPECT_EQ(decide(4, {"vip"}).outcome, Outcome::kAllow);
  EXPECT_EQ(decide(4, {"vip"}).score, -5);
}

TEST(ScoreMode, ThresholdsAreInclusive) {
  const RuleSet set = compile_ok(score_set(rule("a", "1", kAlways, R"(<score points="50"/>)") +
                                           rule("b", "1", kNever, R"(<score points="30"/>)")));
  EXPECT_EQ(run(set, user()).outcome, Outcome::kReview);
}

TEST(ScoreMode, ErrorsFailClosed) {
  const RuleSet set = compile_ok(score_set(rule("broken", "1", kBroken, R"(<score points="-10"/>)")));
  const Decision d = run(set, user());
  EXPECT_EQ(d.outcome, Outcome::kReview);
  EXPECT_TRUE(d.failed_closed);
  EXPECT_EQ(d.score, 0);
}

TEST(Trace, SaysWhatHappenedToEveryRule) {
  const std::string xml = testing::first_match_set(
      rule("off", "1", kAlways, R"(<deny code="X" message="m"/>)", "enabled=\"false\"") +
      rule("later", "1", kAlways, R"(<deny code="X" message="m"/>)", R"(from="2030-01-01T00:00:00Z")") +
      rule("broken", "2", kBroken, R"(<deny code="X" message="m"/>)") +
      rule("no", "3", kNever, R"(<deny code="X" message="m"/>)") +
      rule("yes", "4", "<any>" + std::string(kNever) + R"(<eq fact="user.id" value="u-1"/></any>)",
           R"(<deny code="YES" message="m"/>)") +
      rule("unreached", "5", kAlways, R"(<deny code="X" message="m"/>)"));
  const RuleSet set = compile_ok(xml);
  Trace trace;
  const Decision d = run(set, user(), 0, nullptr, nullptr, &trace);
  EXPECT_EQ(d.outcome, Outcome::kDeny);
  EXPECT_EQ(d.code, "YES");
  ASSERT_EQ(trace.rules.size(), 6u);
  EXPECT_EQ(trace.rules[0].result, RuleResult::kDisabled);
  EXPECT_EQ(trace.rules[1].result, RuleResult::kInactive);
  EXPECT_EQ(trace.rules[2].result, RuleResult::kError);
  EXPECT_EQ(trace.rules[2].error, EvalError::kMissingFact);
  EXPECT_EQ(trace.rules[2].error_subject, "order.amount");
  EXPECT_EQ(trace.rules[2].condition, "order.amount gt 1.00");
  EXPECT_EQ(trace.rules[3].result, RuleResult::kNoMatch);
  EXPECT_EQ(trace.rules[4].result, RuleResult::kMatch);
  EXPECT_TRUE(trace.rules[4].decided);
  EXPECT_EQ(trace.rules[4].condition, "user.id eq u-1");  // the alternative of <any> that matched
  EXPECT_EQ(trace.rules[4].condition_line, 6u);
  EXPECT_EQ(trace.rules[5].result, RuleResult::kNotReached);
  EXPECT_EQ(format_trace(trace),
            "  off (line 2): disabled\n"
            "  later (line 3): inactive\n"
            "  broken (line 4): error: missing fact 'order.amount' in order.amount gt 1.00 at 4:38\n"
            "  no (line 5): no match\n"
            "  yes (line 6): match, decided: user.id eq u-1 at 6:75\n"
            "  unreached (line 7): not reached\n");
}

TEST(Trace, FailClosedMarksTheErrorRuleAsDeciding) {
  const RuleSet set = compile_ok(testing::first_match_set(
      rule("broken", "1", kBroken, R"(<deny code="X" message="m"/>)") +
      rule("allow", "2", kAlways, R"(<allow/>)")));
  Trace trace;
  run(set, user(), 0, nullptr, nullptr, &trace);
  ASSERT_EQ(trace.rules.size(), 2u);
  EXPECT_TRUE(trace.rules[0].decided);
  EXPECT_FALSE(trace.rules[1].decided);
  EXPECT_EQ(trace.rules[1].result, RuleResult::kMatch);
}

TEST(RuleSetInfo, ExposesNameVersionModeAndIds) {
  const RuleSet set = compile_ok(score_set(rule("a", "9", kAlways, R"(<score points="1"/>)") +
                                           rule("b", "1", kAlways, R"(<score points="1"/>)")));
  EXPECT_EQ(set.name(), "s");
  EXPECT_EQ(set.version(), 2);
  EXPECT_EQ(set.mode(), Mode::kScore);
  EXPECT_EQ(set.on_error(), Outcome::kReview);
  EXPECT_EQ(set.rule_count(), 2u);
  EXPECT_EQ(set.rule_id(0), "a");
  EXPECT_EQ(set.rule_id(1), "b");
  EXPECT_EQ(set.rule_id(2), "");
}

}  // namespace
}  // namespace bazaar::rules
