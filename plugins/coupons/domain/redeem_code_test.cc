#include "domain/redeem_code.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>
#include <set>

namespace coupons {
namespace {

constexpr std::string_view kAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

std::string code_from(std::mt19937_64& rng) {
  std::array<uint8_t, kRedeemDataSymbols> entropy{};
  for (uint8_t& b : entropy) b = static_cast<uint8_t>(rng());
  return format_redeem_code(entropy);
}

bool refused(std::string_view typed) {
  auto parsed = parse_redeem_code(typed);
  if (parsed.ok()) return false;
  EXPECT_EQ(parsed.error().code(), "INVALID_CODE");
  EXPECT_EQ(parsed.error().status(), BZ_INVALID_ARGUMENT);
  return true;
}

// The positions of the 16 symbols in "XXXX-XXXX-XXXX-XXXX".
std::vector<size_t> symbol_positions() {
  std::vector<size_t> at;
  for (size_t i = 0; i < 19; ++i) {
    if (i % 5 != 4) at.push_back(i);
  }
  return at;
}

TEST(RedeemCodeTest, CodesAreFourGroupsOfFourReadableSymbols) {
  auto code = random_redeem_code();
  ASSERT_TRUE(code.ok());
  ASSERT_EQ(code->size(), 19u);
  for (size_t i = 0; i < code->size(); ++i) {
    if (i % 5 == 4) {
      EXPECT_EQ((*code)[i], '-') << *code;
    } else {
      EXPECT_NE(kAlphabet.find((*code)[i]), std::string_view::npos) << *code;
    }
  }
}

TEST(RedeemCodeTest, TheDocumentedExampleIsAValidCode) {
  // docs/API.md and redeem_code.h show this code; its last symbol is its check.
  EXPECT_EQ(*parse_redeem_code("7KQ4-M2XD-9RTB-C5HR"), "7KQ4-M2XD-9RTB-C5HR");
  EXPECT_TRUE(refused("7KQ4-M2XD-9RTB-C5HW"));
}

TEST(RedeemCodeTest, RandomCodesAreDistinctAndReadBackToThemselves) {
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    auto code = random_redeem_code();
    ASSERT_TRUE(code.ok());
    auto back = parse_redeem_code(*code);
    ASSERT_TRUE(back.ok()) << *code;
    EXPECT_EQ(*back, *code);
    EXPECT_TRUE(seen.insert(*code).second) << "repeated " << *code;
  }
}

TEST(RedeemCodeTest, TypingIsForgivingWhereItCannotBeWrong) {
  const std::array<uint8_t, kRedeemDataSymbols> entropy = {0, 1, 2,  3,  4,  5,  6, 7,
                                                           8, 9, 10, 11, 12, 13, 14};
  const std::string code = format_redeem_code(entropy);
  ASSERT_EQ(code.substr(0, 4), "0123");
  std::string typed = code;
  std::transform(typed.begin(), typed.end(), typed.begin(),
                 [](char c) { return static_cast<char>(std::tolower(c)); });
  typed.erase(std::remove(typed.begin(), typed.end(), '-'), typed.end());
  typed.insert(8, "  ");
  typed[0] = 'o';  // O for 0
  typed[1] = 'L';  // L for 1
  EXPECT_EQ(*parse_redeem_code(typed), code) << typed;
  typed[1] = 'i';  // I for 1
  EXPECT_EQ(*parse_redeem_code(typed), code) << typed;
}

TEST(RedeemCodeTest, WrongShapesAreRefused) {
  std::mt19937_64 rng(1);
  const std::string code = code_from(rng);
  EXPECT_TRUE(refused(""));
  EXPECT_TRUE(refused(code.substr(0, 18)));                    // a symbol short
  EXPECT_TRUE(refused(code + "0"));                            // a symbol too many
  EXPECT_TRUE(refused(std::string(code).replace(0, 1, "U")));  // U is not in the alphabet
  EXPECT_TRUE(refused(std::string(code).replace(0, 1, "*")));
  EXPECT_TRUE(refused(code + std::string(60, ' ')));  // longer than 64 bytes, unread
}

// Every single wrong symbol, at every position, of 200 codes is caught.
TEST(RedeemCodeTest, EverySingleSubstitutionIsCaught) {
  const uint64_t seed = 37;
  std::mt19937_64 rng(seed);
  for (int n = 0; n < 200; ++n) {
    const std::string code = code_from(rng);
    for (size_t at : symbol_positions()) {
      for (char other : kAlphabet) {
        if (other == code[at]) continue;
        std::string typo = code;
        typo[at] = other;
        EXPECT_TRUE(refused(typo)) << "seed " << seed << ": " << code << " -> " << typo;
      }
    }
  }
}

// Every swap of two different neighbouring symbols (across a dash too) is caught.
TEST(RedeemCodeTest, EveryAdjacentSwapIsCaught) {
  const uint64_t seed = 38;
  std::mt19937_64 rng(seed);
  const std::vector<size_t> at = symbol_positions();
  int swaps = 0;
  for (int n = 0; n < 500; ++n) {
    const std::string code = code_from(rng);
    for (size_t i = 1; i < at.size(); ++i) {
      if (code[at[i - 1]] == code[at[i]]) continue;
      std::string swapped = code;
      std::swap(swapped[at[i - 1]], swapped[at[i]]);
      EXPECT_TRUE(refused(swapped)) << "seed " << seed << ": " << code << " -> " << swapped;
      ++swaps;
    }
  }
  EXPECT_GT(swaps, 7000);
}

// 10,000 random strings: none is an issued code. Those that happen to be 16
// symbols of the alphabet pass the check about once in 32 (the check symbol
// is one of 32), and even those are distinct from every issued code.
TEST(RedeemCodeTest, RandomStringsAreRefusedOrAreNotIssuedCodes) {
  const uint64_t seed = 10000;
  std::mt19937_64 rng(seed);
  std::set<std::string> issued;
  for (int i = 0; i < 1000; ++i) issued.insert(code_from(rng));
  const std::string junk = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcxyz-_ *#";
  int shaped = 0;
  int accepted_shaped = 0;
  for (int i = 0; i < 10000; ++i) {
    std::string s;
    const bool code_shaped = i % 2 == 0;  // half of them 16 symbols of the alphabet, half junk
    const size_t length = code_shaped ? kRedeemSymbols : rng() % 25;
    for (size_t k = 0; k < length; ++k) {
      s.push_back(code_shaped ? kAlphabet[rng() % 32] : junk[rng() % junk.size()]);
    }
    auto parsed = parse_redeem_code(s);
    if (code_shaped) ++shaped;
    if (!parsed.ok()) continue;
    if (code_shaped) ++accepted_shaped;
    EXPECT_EQ(issued.count(*parsed), 0u) << "seed " << seed << ": " << s;
  }
  EXPECT_EQ(shaped, 5000);
  // 1/32 of 5000 is 156; a wider check (or none) would be far outside.
  EXPECT_GT(accepted_shaped, 100) << "seed " << seed;
  EXPECT_LT(accepted_shaped, 220) << "seed " << seed;
}

}  // namespace
}  // namespace coupons
