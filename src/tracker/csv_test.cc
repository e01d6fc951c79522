#include "tracker/csv.h"

#include <gtest/gtest.h>

namespace vigil::tracker {
namespace {

TEST(ParseCsv, ReadsQuotedFieldsAndBothLineEndings) {
  auto t = ParseCsv("a,b,c\r\n1,\"x, \"\"y\"\"\",\r\n2,\"two\nlines\",z\n");
  ASSERT_TRUE(t.has_value()) << t.error().ToString();
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][1], "x, \"y\"");
  EXPECT_EQ(t->rows[0][2], "");
  EXPECT_EQ(t->rows[1][1], "two\nlines");
  EXPECT_EQ(t->lines[1], 3u);
  EXPECT_EQ(t->Column("c"), 2u);
  EXPECT_EQ(t->Column("d"), 3u);
}

TEST(ParseCsv, RefusesMalformedInputNamingTheLine) {
  struct Case {
    const char* text;
    const char* detail;
  } cases[] = {
      {"a,b\n1,\"open\n", "line 2: unterminated"},
      {"a,b\n1,\"x\"y\n", "line 2: text after a closing quote"},
      {"a,b\n1,x\"y\n", "line 2: a quote inside"},
      {"a,b\n1,2,3\n", "line 2: 3 fields"},
      {"a,a\n", "line 1: empty or repeated"},
      {"a,\n", "line 1: empty or repeated"},
      {"", "no header"},
      {"a\n\xff\n", "not UTF-8"},
      {"a\n\xc0\xaf\n", "not UTF-8"},
      {"a\r1\n", "carriage return"},
  };
  for (const auto& c : cases) {
    auto t = ParseCsv(c.text);
    ASSERT_FALSE(t.has_value()) << c.text;
    EXPECT_NE(t.error().detail.find(c.detail), std::string::npos) << t.error().detail;
  }
}

TEST(FormatCsvRow, RoundTripsThroughTheParser) {
  std::vector<std::string> fields = {"plain", "with, comma", "with \"quote\"", "two\r\nlines", ""};
  auto t = ParseCsv("a,b,c,d,e\r\n" + FormatCsvRow(fields));
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(t->rows.at(0), fields);
}

}  // namespace
}  // namespace vigil::tracker
