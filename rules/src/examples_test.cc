// The shipped examples compile and decide what their facts files say.
#include <bazaar/rules/cli.h>

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace bazaar::rules {
namespace {

std::string example(const std::string& name) {
  return std::string(BAZAAR_RULES_SOURCE_DIR) + "/examples/" + name;
}

struct CliRun {
  int code;
  std::string out;
  std::string err;
};

CliRun cli(std::vector<std::string> args) {
  std::ostringstream out, err;
  const int code = cli_main(args, out, err);
  return CliRun{code, out.str(), err.str()};
}

std::string first_lines(const std::string& text, int count) {
  std::istringstream in(text);
  std::string line, result;
  for (int i = 0; i < count && std::getline(in, line); ++i) result += line + "\n";
  return result;
}

TEST(Examples, AllCheck) {
  EXPECT_EQ(cli({"check", example("risk.xml")}).code, 0);
  EXPECT_EQ(cli({"check", example("score.xml")}).code, 0);
  EXPECT_EQ(cli({"check", example("coupon.xml"), "--facts-schema", "coupon.claim"}).code, 0);
}

TEST(Examples, RiskDecisions) {
  struct Case {
    std::string facts, head;
  };
  for (const Case& c : std::vector<Case>{
           {"risk-facts-clean.json", "decision: allow\n"},
           {"risk-facts-velocity.json", "decision: deny\ncode: RISK_VELOCITY\n"},
           {"risk-facts-blacklist.json", "decision: deny\ncode: RISK_BLACKLIST\n"},
           {"risk-facts-big-first-order.json", "decision: review\ncode: RISK_BIG_FIRST_ORDER\n"},
           {"risk-facts-missing.json", "decision: review\ncode: RULES_ERROR\n"},
       }) {
    const CliRun run = cli({"eval", example("risk.xml"), "--facts", example(c.facts)});
    ASSERT_EQ(run.code, 0) << c.facts << run.err;
    EXPECT_EQ(run.out.substr(0, c.head.size()), c.head) << c.facts << "\n" << run.out;
  }
}

TEST(Examples, CouponDecisions) {
  struct Case {
    std::string facts, head;
  };
  for (const Case& c : std::vector<Case>{
           {"coupon-facts-eligible.json", "decision: allow\n"},
           {"coupon-facts-old-user.json", "decision: deny\ncode: COUPON_NEW_USERS_ONLY\n"},
           {"coupon-facts-small-cart.json", "decision: deny\ncode: COUPON_MIN_SPEND\n"},
       }) {
    const CliRun run = cli({"eval", example("coupon.xml"), "--facts-schema", "coupon.claim", "--facts",
                         example(c.facts)});
    ASSERT_EQ(run.code, 0) << c.facts << run.err;
    EXPECT_EQ(run.out.substr(0, c.head.size()), c.head) << c.facts << "\n" << run.out;
  }
}

TEST(Examples, ScoreDecision) {
  const CliRun run = cli({"eval", example("score.xml"), "--facts", example("risk-facts-big-first-order.json")});
  ASSERT_EQ(run.code, 0) << run.err;
  EXPECT_EQ(first_lines(run.out, 5),
            "decision: review\ncode: RISK_SCORE_REVIEW\n"
            "message: the risk score reached the review threshold\nrule: (none: thresholds)\n"
            "score: 70\n");
}

TEST(Examples, SchemaFileShipsWithTheEngine) {
  std::ifstream xsd(std::string(BAZAAR_RULES_SOURCE_DIR) + "/schema/ruleset.xsd");
  ASSERT_TRUE(xsd.good());
  std::stringstream text;
  text << xsd.rdbuf();
  EXPECT_NE(text.str().find("<xs:element name=\"ruleset\""), std::string::npos);
}

}  // namespace
}  // namespace bazaar::rules
