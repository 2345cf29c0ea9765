// Money (bazaar/sdk/money.hpp): arithmetic in fen, ordering, JSON and printing.
#include <gtest/gtest.h>

#include <bazaar/sdk/money.hpp>
#include <sstream>

namespace bazaar::sdk {
namespace {

TEST(MoneyTest, AddsSubtractsAndMultipliesInFen) {
  Money price = Money::fen(1999);
  EXPECT_EQ(price.times(3).in_fen(), 5997);
  EXPECT_EQ((price + Money::fen(1)).in_fen(), 2000);
  EXPECT_EQ((price - Money::fen(2000)).in_fen(), -1);
  Money total = kZero;
  total += price;
  total -= Money::fen(999);
  EXPECT_EQ(total, Money::fen(1000));
  EXPECT_LT(Money::fen(1), Money::fen(2));
}

TEST(MoneyTest, JsonIsAnIntegerAndPrintingNamesTheUnit) {
  nlohmann::json doc = {{"amount", Money::fen(149)}};
  EXPECT_EQ(doc.dump(), R"({"amount":149})");
  std::ostringstream out;
  out << Money::fen(149);
  EXPECT_EQ(out.str(), "149 fen");
}

}  // namespace
}  // namespace bazaar::sdk
