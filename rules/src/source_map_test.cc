#include "source_map.h"

#include <gtest/gtest.h>

namespace bazaar::rules {
namespace {

TEST(SourceMap, LinesAndColumnsAreOneBased) {
  const SourceMap map("ab\ncd\r\nef\rgh");
  EXPECT_EQ(map.at(0).line, 1u);
  EXPECT_EQ(map.at(0).column, 1u);
  EXPECT_EQ(map.at(1).column, 2u);
  EXPECT_EQ(map.at(3).line, 2u);
  EXPECT_EQ(map.at(4).column, 2u);
  EXPECT_EQ(map.at(7).line, 3u);   // after \r\n
  EXPECT_EQ(map.at(10).line, 4u);  // after a lone \r
  EXPECT_EQ(map.at(11).column, 2u);
  EXPECT_EQ(map.at(1000).line, 4u);  // clamps to the end
}

TEST(SourceMap, ColumnsCountCodePointsNotBytes) {
  const std::string text = "<a n=\"\xE4\xB8\xAD\xE6\x96\x87\" x";  // <a n="中文" x
  const SourceMap map(text);
  EXPECT_EQ(map.at(text.find(" x") + 1).column, 11u);
}

TEST(Encoding, AcceptsUtf8AndXmlWhitespace) {
  EXPECT_FALSE(find_encoding_error("plain\t\r\n \xE4\xB8\xAD \xF0\x9F\x98\x80").has_value());
}

TEST(Encoding, RefusesMalformedUtf8) {
  struct Case {
    std::string bytes;
    std::size_t offset;
  };
  for (const Case& c : std::vector<Case>{{"ab\xFF", 2},
                                         {"\xC0\xAF", 0},            // overlong '/'
                                         {"x\xE0\x80\xAF", 1},       // overlong
                                         {"\xED\xA0\x80", 0},        // surrogate
                                         {"\xF4\x90\x80\x80", 0},    // > U+10FFFF
                                         {"ab\xE4\xB8", 2},          // truncated
                                         {"\xE4\x41\x41", 0},        // bad continuation
                                         {"\x80", 0},                // lone continuation
                                         {"\xEF\xBF\xBE", 0}}) {     // U+FFFE
    auto error = find_encoding_error(c.bytes);
    ASSERT_TRUE(error.has_value());
    EXPECT_EQ(error->offset, c.offset);
  }
}

TEST(Encoding, RefusesControlCharacters) {
  auto error = find_encoding_error(std::string("ab\0cd", 5));
  ASSERT_TRUE(error.has_value());
  EXPECT_EQ(error->offset, 2u);
  EXPECT_EQ(error->message, "control character 0x00 is not allowed in XML");
  EXPECT_TRUE(find_encoding_error("a\x1b").has_value());
}

}  // namespace
}  // namespace bazaar::rules
