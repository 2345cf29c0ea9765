#include "text_ops.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace bazaar::rules::detail {
namespace {

TEST(TextOps, EqualityAtEveryLength) {
  for (std::size_t n = 0; n <= 40; ++n) {
    const std::string a(n, 'x');
    EXPECT_TRUE(text_equal(a, std::string(n, 'x'))) << n;
    for (std::size_t i = 0; i < n; ++i) {
      std::string b = a;
      b[i] = 'y';
      EXPECT_FALSE(text_equal(a, b)) << n << " " << i;
    }
    EXPECT_FALSE(text_equal(a, a + "x")) << n;
  }
}

TEST(TextOps, PrefixAndSuffix) {
  EXPECT_TRUE(text_starts_with("10.1.2.3", "10."));
  EXPECT_TRUE(text_starts_with("abc", ""));
  EXPECT_FALSE(text_starts_with("ab", "abc"));
  EXPECT_FALSE(text_starts_with("192.168.0.1", "192.168.1"));
  EXPECT_TRUE(text_ends_with("device-emulator-0001", "-0001"));
  EXPECT_FALSE(text_ends_with("device-emulator-0001", "-0002"));
  EXPECT_FALSE(text_ends_with("01", "0001"));
}

TEST(TextOps, HashIsDeterministicAndSpreadsShortStrings) {
  std::set<std::uint64_t> hashes;
  std::size_t count = 0;
  for (std::size_t n = 0; n <= 24; ++n) {
    for (char c = 'a'; c <= 'z'; ++c) {
      std::string s(n, 'q');
      if (n > 0) s[n / 3] = c;
      EXPECT_EQ(text_hash(s), text_hash(std::string(s)));
      hashes.insert(text_hash(s));
      ++count;
    }
  }
  // Distinct strings (n = 0 repeats 26 times) get distinct hashes.
  EXPECT_EQ(hashes.size(), count - 25);
}

}  // namespace
}  // namespace bazaar::rules::detail
