#include <bazaar/rules/cli.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace bazaar::rules {
namespace {

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("bazaar-rules-cli-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string write(const std::string& name, const std::string& text) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }

  int run(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    return cli_main(args, out_, err_);
  }

  std::filesystem::path dir_;
  std::ostringstream out_, err_;
};

const std::string kSet =
    "<ruleset name=\"cli\" version=\"4\" mode=\"first-match\" on-error=\"review\">\n"
    "  <rule id=\"big\" priority=\"1\">\n"
    "    <when><gt fact=\"order.amount\" value=\"100.00\"/></when>\n"
    "    <then><deny code=\"BIG\" message=\"too big\"/><tag name=\"big\"/></then>\n"
    "  </rule>\n"
    "</ruleset>\n";

TEST_F(Cli, CheckAcceptsAGoodFile) {
  const auto file = write("ok.xml", kSet);
  EXPECT_EQ(run({"check", file}), 0);
  EXPECT_EQ(out_.str(), file + ": ok (cli version 4, 1 rules, first-match, on-error review)\n");
  EXPECT_EQ(run({"check", file, "--facts-schema", "coupon.claim"}), 0);
}

TEST_F(Cli, CheckPrintsFileLineColumnErrors) {
  std::string bad = kSet;
  bad.replace(bad.find("order.amount"), 12, "order.amout");
  const auto file = write("bad.xml", bad);
  EXPECT_EQ(run({"check", file}), 1);
  EXPECT_EQ(err_.str(), file + ":3:21: unknown fact 'order.amout' for order.create; did you mean "
                               "'order.amount'?\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(Cli, CheckUsesTheNamedSchema) {
  std::string other = kSet;
  other.replace(other.find("order.amount"), 12, "order.item_count");
  other.replace(other.find("100.00"), 6, "3");
  const auto file = write("items.xml", other);
  EXPECT_EQ(run({"check", file, "--facts-schema", "order.create"}), 0);
  EXPECT_EQ(run({"check", file, "--facts-schema", "coupon.claim"}), 1);
  EXPECT_EQ(err_.str(), file + ":3:21: unknown fact 'order.item_count' for coupon.claim\n");
}

TEST_F(Cli, EvalPrintsTheDecisionAndTrace) {
  const auto file = write("set.xml", kSet);
  const auto facts = write("facts.json", R"({"now": "2026-11-21T10:00:00Z", "order.amount": 20000})");
  EXPECT_EQ(run({"eval", file, "--facts", facts}), 0) << err_.str();
  EXPECT_EQ(out_.str(),
            "decision: deny\n"
            "code: BIG\n"
            "message: too big\n"
            "rule: big\n"
            "score: 0\n"
            "tags: big\n"
            "trace:\n"
            "  big (line 2): match, decided: order.amount gt 100.00 at 3:11\n");
}

TEST_F(Cli, EvalShowsFailClosed) {
  const auto file = write("set.xml", kSet);
  const auto facts = write("facts.json", R"({"now": "2026-11-21T10:00:00Z"})");
  EXPECT_EQ(run({"eval", file, "--facts", facts}), 0);
  EXPECT_EQ(out_.str(),
            "decision: review\n"
            "code: RULES_ERROR\n"
            "message: a rule could not be evaluated: a fact is missing\n"
            "rule: big\n"
            "score: 0\n"
            "tags:\n"
            "failed closed: missing fact 'order.amount' in rule big\n"
            "trace:\n"
            "  big (line 2): error, decided: missing fact 'order.amount' in order.amount gt "
            "100.00 at 3:11\n");
}

TEST_F(Cli, EvalRefusesBadFacts) {
  const auto file = write("set.xml", kSet);
  struct Case {
    std::string json, message;
  };
  for (const Case& c : std::vector<Case>{
           {R"({"order.amount": 12.5})",
            "fact 'order.amount' must be money in minor units (an integer, 1999 = 19.99)"},
           {R"({"order.amout": 1})", "unknown fact 'order.amout' for order.create"},
           {R"({"now": "yesterday"})",
            "\"now\" must be an ISO-8601 UTC time such as \"2026-11-21T10:00:00Z\""},
           {R"({"user.tags": ["a", 1]})", "fact 'user.tags' must be an array of strings"},
           {R"({"counters": [{"event": "order.create"}]})",
            "\"counters\" must be an array of {\"event\", \"by\", \"value\", \"window\", "
            "\"count\"} (event, by, value and window are strings)"},
           {R"([1])", "the facts file must hold one JSON object"},
           {"{\n  \"order.amount\": ,\n}", "2:19: JSON syntax error"},
       }) {
    const auto facts = write("facts.json", c.json);
    EXPECT_EQ(run({"eval", file, "--facts", facts}), 1) << c.json;
    EXPECT_EQ(err_.str(), facts + ":" + c.message + "\n") << c.json;
  }
}

TEST_F(Cli, UsageErrors) {
  EXPECT_EQ(run({}), 2);
  EXPECT_EQ(run({"frobnicate"}), 2);
  EXPECT_EQ(run({"check"}), 2);
  EXPECT_EQ(run({"check", "a.xml", "--bogus"}), 2);
  EXPECT_EQ(run({"check", "a.xml", "--facts-schema"}), 2);
  EXPECT_EQ(run({"check", "a.xml", "--facts-schema", "nope"}), 2);
  EXPECT_EQ(err_.str(), "unknown facts schema nope; known: order.create coupon.claim\n");
  EXPECT_EQ(run({"eval", "a.xml"}), 2);
  EXPECT_EQ(run({"check", (dir_ / "missing.xml").string()}), 1);
  EXPECT_EQ(err_.str(), (dir_ / "missing.xml").string() + ": cannot open the file\n");
}

TEST_F(Cli, SchemasListsTheBuiltins) {
  EXPECT_EQ(run({"schemas"}), 0);
  EXPECT_NE(out_.str().find("order.create\n  facts:\n    order.amount money\n"), std::string::npos);
  EXPECT_NE(out_.str().find("coupon.claim\n"), std::string::npos);
}

}  // namespace
}  // namespace bazaar::rules
