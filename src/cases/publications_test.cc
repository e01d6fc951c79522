#include "cases/publications.h"

#include <gtest/gtest.h>

#include "testing/seeded_random.h"
#include "testing/test_instance.h"
#include "testing/value_of.h"

namespace vigil::cases {
namespace {

using testing::Engine;
using testing::TestInstance;
using testing::ValueOf;

StatisticsDocument Document(const CountTable& counts) {
  return StatisticsDocument{"Incidents by type and quarter",
                            {"threats", "surveillance", "sanctions"},
                            {"Q1", "Q2", "Q3"},
                            ValueOf(Suppress(counts, 5))};
}

TEST(StatisticsDocument, RoundTripsAndRefusesMalformedDocuments) {
  StatisticsDocument d = Document({{{3, 17, 8}, {10, 6, 12}, {7, 9, 11}}});
  std::string text = FormatStatistics(d);
  EXPECT_NE(text.find(R"({"suppressed":"fewer_than_k"})"), std::string::npos);
  StatisticsDocument back = ValueOf(ParseStatistics(text));
  EXPECT_EQ(FormatStatistics(back), text);
  for (const char* bad : {"", "[]", R"({"format":"x"})",
                          R"({"format":"vigil-statistics/v1","title":"t","k":1})",
                          R"({"format":"vigil-statistics/v1","title":"t","k":5,"rows":["a"],"columns":["b"],"cells":[[{"suppressed":"maybe"}]],"row_totals":[1],"column_totals":[1],"total":1})",
                          R"({"format":"vigil-statistics/v1","extra":1})"})
    EXPECT_EQ(ParseStatistics(bad).error().code, Errc::kInvalidArgument) << bad;
}

class PublicationsTest : public ::testing::TestWithParam<Engine> {
 protected:
  PublicationsTest() : instance_(GetParam()) { Open(); }
  void Open() {
    publications_ = std::make_unique<Publications>(instance_.ledger(), instance_.db(), random_);
  }
  vigil::testing::SeededRandom random_{4};
  TestInstance instance_;
  std::unique_ptr<Publications> publications_;
};

TEST_P(PublicationsTest, PublishesOnlySafeTablesAndKeepsThemInTheLog) {
  StatisticsDocument safe = Document({{{3, 17, 8}, {10, 6, 12}, {7, 9, 11}}});
  Publication p = ValueOf(publications_->Publish(safe, translog::ActorId{9}));
  StatisticsDocument unsafe = safe;
  unsafe.table.cells[0][0] = {3, false};  // a small count shown
  EXPECT_EQ(publications_->Publish(unsafe, {}).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(ValueOf(publications_->List()).size(), 1u);
  EXPECT_EQ(ValueOf(publications_->Get(p.id)).document, FormatStatistics(safe));
  EXPECT_EQ(publications_->Get("00000000000000000000000000000000").error().code, Errc::kNotFound);

  publications_.reset();
  instance_.ReplaceDatabase();
  Open();
  ValueOf(instance_.ledger().CatchUp(instance_.log_dir()));
  EXPECT_EQ(ValueOf(publications_->Get(p.id)).log_index, p.log_index);
}

TEST_P(PublicationsTest, KBelowTheInstanceThresholdIsRefused) {
  auto threshold = std::make_shared<std::int64_t>(5);
  publications_ = std::make_unique<Publications>(instance_.ledger(), instance_.db(), random_,
                                                 [threshold] { return *threshold; });
  StatisticsDocument table = Document({{{3, 17, 8}, {10, 6, 12}, {7, 9, 11}}});
  ValueOf(publications_->Publish(table, {}));
  *threshold = 10;  // an administrator raised statistics_min_cell
  EXPECT_EQ(publications_->Publish(table, {}).error().code, Errc::kInvalidArgument);
  StatisticsDocument stricter = Document({{{3, 17, 8}, {10, 6, 12}, {7, 9, 11}}});
  stricter.table = ValueOf(Suppress({{{3, 17, 8}, {10, 6, 12}, {7, 9, 11}}}, 10));
  ValueOf(publications_->Publish(stricter, {}));
  EXPECT_EQ(ValueOf(publications_->List()).size(), 2u);
}

INSTANTIATE_TEST_SUITE_P(Engines, PublicationsTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& p) { return testing::EngineName(p.param); });

}  // namespace
}  // namespace vigil::cases
