#include "tracker/edits.h"

#include <gtest/gtest.h>

#include "testing/seeded_random.h"
#include "testing/test_instance.h"
#include "testing/value_of.h"

namespace vigil::tracker {
namespace {

using testing::Engine;
using testing::TestInstance;
using testing::ValueOf;

class TrackerEditsTest : public ::testing::TestWithParam<Engine> {
 protected:
  TrackerEditsTest() : instance_(GetParam()), baseline_(ValueOf(LoadBuiltinTracker())) { Open(); }
  void Open() {
    edits_ = std::make_unique<TrackerEdits>(instance_.ledger(), instance_.db(), random_, baseline_);
  }
  vigil::testing::SeededRandom random_{8};
  TestInstance instance_;
  TrackerData baseline_;
  std::unique_ptr<TrackerEdits> edits_;
  translog::ActorId editor_{1, 2, 3};
};

TEST_P(TrackerEditsTest, EditsNeedASourceAndValidValues) {
  EXPECT_EQ(edits_->Commit({"GMB", "ratification_date", "2002-06-28", ""}, editor_).error().code,
            Errc::kInvalidArgument);
  auto bad_date = edits_->Commit({"GMB", "ratification_date", "2002-02-30", "UN"}, editor_);
  ASSERT_FALSE(bad_date.has_value());
  EXPECT_EQ(bad_date.error().detail,
            "GMB ratification_date: '2002-02-30' is not a date (YYYY-MM-DD)");
  EXPECT_FALSE(edits_->Commit({"XXK", "notes", "x", "UN"}, editor_));
  EXPECT_FALSE(edits_->Commit({"GMB", "name_en", "x", "UN"}, editor_));
  EXPECT_FALSE(edits_->Commit({"GMB", "statement", "JS-1999", "UN"}, editor_));
  EXPECT_EQ(ValueOf(edits_->History("", 0, 100)).size(), 0u);
}

TEST_P(TrackerEditsTest, EditsChangeTheCurrentDataAndShowInTheHistory) {
  auto first = ValueOf(edits_->Commit(
      {"GMB", "ratification_date", "2002-06-28", "UN Treaty Collection XVIII-10"}, editor_));
  ValueOf(edits_->Commit({"USA", "blocking_measures", "none known", "a source"}, editor_));
  ValueOf(edits_->Commit({"MEX", "statement", "JS-2024-06-14", "SRE press release"}, editor_));
  TrackerData now = ValueOf(edits_->Current());
  const StateRecord* gambia = now.Find("GMB");
  ASSERT_NE(gambia, nullptr);
  EXPECT_EQ(gambia->ratification.value, "2002-06-28");
  EXPECT_EQ(gambia->ratification.source, "UN Treaty Collection XVIII-10");
  EXPECT_FALSE(gambia->ratification.derived);
  ASSERT_NE(now.Find("USA"), nullptr);
  EXPECT_EQ(now.Find("USA")->status, "not_party");
  EXPECT_EQ(now.Find("USA")->blocking_measures.value, "none known");
  EXPECT_EQ(now.Counts().ratification_dates_known, baseline_.Counts().ratification_dates_known + 1);
  auto history = ValueOf(edits_->History("GMB", 0, 100));
  ASSERT_EQ(history.size(), 1u);
  EXPECT_EQ(history[0].log_index, first.log_index);
  EXPECT_EQ(history[0].edit.source, "UN Treaty Collection XVIII-10");
  EXPECT_EQ(ValueOf(edits_->History("", 0, 100)).size(), 3u);
  EXPECT_EQ(ValueOf(edits_->History("", first.log_index + 1, 100)).size(), 2u);

  // The log is the truth: a rebuilt database gives the same data.
  edits_.reset();
  instance_.ReplaceDatabase();
  Open();
  ValueOf(instance_.ledger().CatchUp(instance_.log_dir()));
  EXPECT_EQ(ValueOf(edits_->Current()).Find("GMB")->ratification.value, "2002-06-28");
  EXPECT_EQ(ValueOf(edits_->History("", 0, 100)).size(), 3u);
}

INSTANTIATE_TEST_SUITE_P(Engines, TrackerEditsTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& p) { return testing::EngineName(p.param); });

}  // namespace
}  // namespace vigil::tracker
