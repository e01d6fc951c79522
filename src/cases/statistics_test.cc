#include "cases/statistics.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <fstream>
#include <random>
#include <sstream>

#include "cases/publications.h"
#include "testing/test_paths.h"

namespace vigil::cases {
namespace {

std::size_t HiddenCells(const PublishedTable& t) {
  std::size_t n = 0;
  for (const auto& row : t.cells)
    for (const auto& c : row) n += !c.value.has_value();
  return n;
}

TEST(Suppress, LeavesATableWithoutSmallFiguresAlone) {
  auto t = Suppress({{{5, 12}, {0, 9}}}, 5);
  ASSERT_TRUE(t.has_value());
  EXPECT_EQ(HiddenCells(*t), 0u);
  EXPECT_EQ(t->row_totals[0].value, 17);
  EXPECT_EQ(t->column_totals[0].value, 5);
  EXPECT_EQ(t->total.value, 26);
  EXPECT_TRUE(CheckPublishable(*t));
}

TEST(Suppress, HidesASmallCellAndEnoughOthersThatItCannotBeWorkedOut) {
  // Incident type by region: 3 is small. Hiding it alone would let anyone compute it from its
  // row total (20 - 17), so a second cell of its row and of its column must go too.
  auto t = Suppress({{{3, 17, 8}, {10, 6, 12}, {7, 9, 11}}}, 5);
  ASSERT_TRUE(t.has_value());
  EXPECT_FALSE(t->cells[0][0].value.has_value());
  EXPECT_TRUE(t->cells[0][0].primary);
  EXPECT_GE(HiddenCells(*t), 4u);  // a rectangle at least: two in the row, two in the column
  EXPECT_TRUE(CheckPublishable(*t)) << CheckPublishable(*t).error().detail;
  // The complements are the smallest cells that do the job, not primary.
  EXPECT_FALSE(t->cells[0][2].value.has_value());
  EXPECT_FALSE(t->cells[0][2].primary);
  EXPECT_FALSE(t->cells[2][0].value.has_value());  // 7, the smaller of its column's others
  EXPECT_EQ(t->cells[1][0].value, 10);
  EXPECT_EQ(t->row_totals[0].value, 28);  // margins stay when the cells protect each other
}

TEST(Suppress, ProtectsSmallMarginsAcrossTheTotals) {
  // Row 2 adds up to 4: its total is small, so its cells cannot all be shown either.
  auto t = Suppress({{{20, 30}, {0, 4}}}, 5);
  ASSERT_TRUE(t.has_value());
  EXPECT_FALSE(t->row_totals[1].value.has_value());
  EXPECT_FALSE(t->cells[1][1].value.has_value());
  EXPECT_TRUE(CheckPublishable(*t)) << CheckPublishable(*t).error().detail;
}

TEST(Suppress, RandomTablesAlwaysComeOutPublishableAndTrue) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    std::size_t rows = 1 + rng() % 5, columns = 1 + rng() % 6;
    CountTable counts;
    for (std::size_t r = 0; r < rows; ++r) {
      counts.cells.emplace_back();
      for (std::size_t c = 0; c < columns; ++c)
        counts.cells[r].push_back(rng() % 3 == 0 ? static_cast<std::int64_t>(rng() % 5)
                                                 : static_cast<std::int64_t>(rng() % 40));
    }
    std::int64_t k = 2 + static_cast<std::int64_t>(rng() % 6);
    auto t = Suppress(counts, k);
    ASSERT_TRUE(t.has_value());
    ASSERT_TRUE(CheckPublishable(*t)) << trial << ": " << CheckPublishable(*t).error().detail;
    for (std::size_t r = 0; r < rows; ++r)
      for (std::size_t c = 0; c < columns; ++c) {
        const auto& cell = t->cells[r][c];
        if (cell.value) {
          EXPECT_EQ(*cell.value, counts.cells[r][c]);
        }
        std::int64_t raw = counts.cells[r][c];
        EXPECT_EQ(cell.primary, raw > 0 && raw < k);
      }
  }
}

TEST(CheckPublishable, RefusesWhatWouldRevealAFewPeople) {
  PublishedTable t = *Suppress({{{10, 20}, {30, 40}}}, 5);
  ASSERT_TRUE(CheckPublishable(t));

  PublishedTable small = t;
  small.cells[0][0].value = 3;
  small.row_totals[0].value = 23;
  small.column_totals[0].value = 33;
  small.total.value = 93;
  EXPECT_NE(CheckPublishable(small).error().detail.find("between 1 and k-1"), std::string::npos);

  PublishedTable lone = t;
  lone.cells[0][0].value.reset();
  EXPECT_NE(CheckPublishable(lone).error().detail.find("can be worked out"), std::string::npos);

  PublishedTable wrong_sum = t;
  wrong_sum.row_totals[1].value = 71;
  EXPECT_NE(CheckPublishable(wrong_sum).error().detail.find("do not add up"), std::string::npos);

  PublishedTable ragged = t;
  ragged.cells[1].pop_back();
  EXPECT_FALSE(CheckPublishable(ragged));
}

TEST(Suppress, RefusesBadInput) {
  EXPECT_EQ(Suppress({{{1, 2}, {3}}}, 5).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(Suppress({{{-1}}}, 5).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(Suppress({{{1}}}, 1).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(Suppress({}, 5).error().code, Errc::kInvalidArgument);
}

// A figure of the shared vectors: a count or {"suppressed": "fewer_than_k" | "complementary"}.
void ExpectFigure(const PublishedCell& cell, const boost::json::value& figure, const std::string& where) {
  if (figure.is_int64()) {
    EXPECT_EQ(cell.value, figure.as_int64()) << where;
    return;
  }
  EXPECT_FALSE(cell.value.has_value()) << where;
  EXPECT_EQ(cell.primary, figure.at("suppressed") == "fewer_than_k") << where;
}

// testdata/statistics/vectors.json is what the browser's suppression (web/src/cases/statistics.ts)
// gives, checked by web/test/statistics-vectors.test.ts: both sides must hide the same figures,
// and the server must accept the document the browser builds.
TEST(Suppress, MatchesTheSharedVectorsOfTheBrowser) {
  std::ifstream in(testing::SourceDir() / "testdata" / "statistics" / "vectors.json");
  std::stringstream text;
  text << in.rdbuf();
  const auto vectors = boost::json::parse(text.str()).as_object().at("vectors").as_array();
  ASSERT_GE(vectors.size(), 10u);
  for (const auto& item : vectors) {
    const auto& v = item.as_object();
    const std::string name(v.at("name").as_string());
    CountTable counts;
    for (const auto& row : v.at("counts").as_array()) {
      counts.cells.emplace_back();
      for (const auto& n : row.as_array()) counts.cells.back().push_back(n.as_int64());
    }
    auto t = Suppress(counts, v.at("k").as_int64());
    ASSERT_TRUE(t.has_value()) << name;
    const auto& expected = v.at("expected").as_object();
    const auto& cells = expected.at("cells").as_array();
    ASSERT_EQ(cells.size(), t->cells.size()) << name;
    for (std::size_t r = 0; r < cells.size(); ++r)
      for (std::size_t c = 0; c < cells[r].as_array().size(); ++c)
        ExpectFigure(t->cells[r][c], cells[r].as_array()[c], name + " cell");
    for (std::size_t r = 0; r < t->row_totals.size(); ++r)
      ExpectFigure(t->row_totals[r], expected.at("row_totals").as_array()[r], name + " row total");
    for (std::size_t c = 0; c < t->column_totals.size(); ++c)
      ExpectFigure(t->column_totals[c], expected.at("column_totals").as_array()[c],
                   name + " column total");
    ExpectFigure(t->total, expected.at("total"), name + " total");

    std::string document = boost::json::serialize(v.at("document"));
    auto parsed = ParseStatistics(document);
    ASSERT_TRUE(parsed.has_value()) << name << ": " << parsed.error().detail;
    EXPECT_TRUE(CheckPublishable(parsed->table)) << name;
    EXPECT_EQ(FormatStatistics(*parsed), document) << name;
  }
}

}  // namespace
}  // namespace vigil::cases
