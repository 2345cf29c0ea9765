#include "prescan.h"

#include <gtest/gtest.h>

namespace bazaar::rules {
namespace {

std::string error_at(std::string_view xml, std::size_t depth = 32) {
  auto error = prescan(xml, depth);
  if (!error) return "ok";
  return std::to_string(error->offset) + ": " + error->message;
}

TEST(Prescan, AcceptsOrdinaryDocuments) {
  EXPECT_EQ(error_at("<?xml version=\"1.0\" encoding=\"utf-8\"?><a x='1 &lt; 2 &#x4E2D;'>"
                     "<!-- <b><b><b> --><![CDATA[<c><c>]]><d/><e q=\"a>b\"></e></a>",
                     2),
            "ok");
}

TEST(Prescan, RefusesDoctypeInAnyCase) {
  EXPECT_EQ(error_at("<!DOCTYPE r [<!ENTITY a \"b\">]><r/>"),
            "0: DOCTYPE declarations are not allowed in rule files (no DTD, no entities)");
  EXPECT_EQ(error_at("<r/>\n<!doctype r>").substr(0, 13), "5: DOCTYPE de");
}

TEST(Prescan, RefusesDoubleHyphensInComments) {
  EXPECT_EQ(error_at("<r><!-- use --facts --></r>"), "12: '--' is not allowed inside a comment");
  EXPECT_EQ(error_at("<r><!-- a - b --></r>"), "ok");
}

TEST(Prescan, RefusesOtherDeclarations) {
  EXPECT_EQ(error_at("<r><!ENTITY x \"y\"></r>"),
            "3: markup declarations ('<!') are not allowed in rule files");
}

TEST(Prescan, RefusesUnknownEntitiesAndBareAmpersands) {
  EXPECT_EQ(error_at("<r a=\"&xxe;\"/>"),
            "6: unknown entity '&xxe;': only &lt; &gt; &amp; &quot; &apos; and character "
            "references are allowed");
  EXPECT_EQ(error_at("<r>Tom & Jerry</r>"),
            "7: '&' must be written as &amp; (or start a reference such as &lt;)");
  EXPECT_EQ(error_at("<r a=\"&#0;\"/>"), "6: character reference '&#0;' is not a character XML allows");
  EXPECT_EQ(error_at("<r a=\"&#xD800;\"/>"),
            "6: character reference '&#xD800;' is not a character XML allows");
  EXPECT_EQ(error_at("<r a=\"&#x1G;\"/>"), "6: malformed character reference '&#x1G;'");
}

TEST(Prescan, RefusesNonUtf8EncodingDeclarations) {
  EXPECT_EQ(error_at("<?xml version=\"1.0\" encoding=\"GB2312\"?><r/>"),
            "30: encoding 'GB2312' is not supported: rule files are UTF-8");
}

TEST(Prescan, CountsNestingDepth) {
  EXPECT_EQ(error_at("<a><b/></a>", 2), "ok");
  EXPECT_EQ(error_at("<a><b><c></c></b></a>", 2), "6: elements are nested more than 2 deep");
  EXPECT_EQ(error_at("<a><b><c/></b></a>", 2), "6: elements are nested more than 2 deep");
  // Closing tags bring the depth down again.
  EXPECT_EQ(error_at("<a><b></b><b></b><b/></a>", 2), "ok");
}

TEST(Prescan, DeepDocumentsAreRefusedEarly) {
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "<a>";
  EXPECT_EQ(error_at(deep), "96: elements are nested more than 32 deep");
}

TEST(Prescan, MarkupInsideCommentsAndQuotesDoesNotCount) {
  EXPECT_EQ(error_at("<a x=\"<b><b><b>\"><!--<b><b>--></a>", 1), "ok");
}

}  // namespace
}  // namespace bazaar::rules
