#include "tracker/tracker.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "testing/test_paths.h"
#include "tracker/csv.h"

namespace vigil::tracker {
namespace {

std::string ReadData(const std::string& name) {
  std::ifstream in(testing::SourceDir() / "data" / "tracker" / name, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Files {
  std::string states_parties = ReadData("states_parties.csv");
  std::string apic = ReadData("apic.csv");
  std::string joint = ReadData("joint_statements.csv");
  std::string statements = ReadData("statements.csv");
  Result<TrackerData> Load() const {
    return LoadTracker({states_parties, apic, joint, statements}, "test");
  }
};

// Replaces the first occurrence of `from` in `text`.
std::string Replace(std::string text, const std::string& from, const std::string& to) {
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return text.replace(at, from.size(), to);
}

TEST(Tracker, TheBuiltInDataLoadsAndMatchesTheFiles) {
  auto data = LoadBuiltinTracker();
  ASSERT_TRUE(data.has_value()) << data.error().ToString();
  Headline h = data->Counts();
  // The figures of data/tracker/SOURCES.md: 124 States Parties now (125 in 2025, Hungary's
  // withdrawal effective 2026-06-02), 70 APIC parties listed of about 79, 51 of them with a
  // ratification date of which 18 are derived.
  EXPECT_EQ(h.states_parties, 124u);
  EXPECT_EQ(h.apic_listed, 70u);
  EXPECT_EQ(h.apic_dates_read + h.apic_dates_derived, 51u);
  EXPECT_EQ(h.apic_dates_derived, 18u);
  EXPECT_EQ(h.apic_reported_total, "79");
  ASSERT_EQ(data->statements.size(), 2u);
  for (const auto& s : data->statements) {
    if (s.id == "JS-2025-02-07") {
      EXPECT_EQ(s.listed_signatories, 79u);
    }
    if (s.id == "JS-2024-06-14") {
      EXPECT_EQ(s.listed_signatories, 64u);
      EXPECT_EQ(s.reported_signatories, 93u);
    }
  }
  // The built-in copy is the repository's files.
  auto files = Files().Load();
  ASSERT_TRUE(files.has_value());
  EXPECT_EQ(files->states.size(), data->states.size());
}

TEST(Tracker, AGapStaysUnknownAndADerivedDateIsMarked) {
  auto data = *LoadBuiltinTracker();
  const StateRecord* gambia = data.Find("GMB");  // ratification date not found by the compiler
  ASSERT_NE(gambia, nullptr);
  EXPECT_FALSE(gambia->ratification.known());
  EXPECT_EQ(gambia->status, "party");
  const StateRecord* iceland = data.Find("ISL");  // APIC party, date unknown
  ASSERT_NE(iceland, nullptr);
  EXPECT_TRUE(iceland->apic_listed);
  EXPECT_FALSE(iceland->apic_ratification.known());
  const StateRecord* finland = data.Find("FIN");  // APIC date derived from entry into force
  ASSERT_NE(finland, nullptr);
  EXPECT_TRUE(finland->apic_ratification.known());
  EXPECT_TRUE(finland->apic_ratification.derived);
  EXPECT_TRUE(finland->entry_into_force.derived);
  const StateRecord* hungary = data.Find("HUN");
  ASSERT_NE(hungary, nullptr);
  EXPECT_EQ(hungary->status, "withdrawn");
  EXPECT_EQ(hungary->withdrawal_effective.value, "2026-06-02");
  EXPECT_EQ(data.Find("XXX"), nullptr);
}

TEST(Tracker, RefusesBadCodesDatesAndMissingSourcesNamingTheRow) {
  Files bad_code;
  bad_code.apic = Replace(bad_code.apic, "\nAND,", "\nAXD,");
  auto r = bad_code.Load();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().detail, "apic.csv line 3 (AXD): 'AXD' is not an ISO 3166-1 alpha-3 code");

  Files bad_date;
  bad_date.apic = Replace(bad_date.apic, "2005-02-11", "2005-02-30");
  r = bad_date.Load();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().detail,
            "apic.csv line 3 (AND): ratification_date '2005-02-30' is not a date (YYYY-MM-DD)");

  // The first statement's url (its last field, its source) emptied.
  Files no_source;
  std::size_t end = no_source.statements.find("\r\nJS-2025");
  std::size_t start = no_source.statements.rfind(",https://", end);
  ASSERT_NE(start, std::string::npos);
  no_source.statements.erase(start + 1, end - start - 1);
  r = no_source.Load();
  ASSERT_FALSE(r.has_value());
  EXPECT_EQ(r.error().detail, "statements.csv line 2: no source: every fact needs one");

  Files unknown_statement;
  unknown_statement.joint = Replace(unknown_statement.joint, "JS-2024-06-14", "JS-1999-01-01");
  r = unknown_statement.Load();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().detail.find("is not in statements.csv"), std::string::npos);

  Files bad_status;
  bad_status.states_parties = Replace(bad_status.states_parties, ",party,", ",member,");
  r = bad_status.Load();
  ASSERT_FALSE(r.has_value());
  EXPECT_NE(r.error().detail.find("states_parties.csv line 2 (AFG): status 'member'"),
            std::string::npos);
}

TEST(ExportImport, RoundTripsAndTurnsChangedCellsIntoSourcedEdits) {
  auto data = *LoadBuiltinTracker();
  std::string csv = ExportCsv(data);
  auto none = ImportCsv(data, csv);
  ASSERT_TRUE(none.has_value()) << none.error().ToString();
  EXPECT_TRUE(none->empty());

  // Gambia's ratification date, with a source: one edit.
  auto table = *ParseCsv(csv);
  std::size_t row = 0;
  while (table.rows[row][0] != "GMB") ++row;
  table.rows[row][table.Column("ratification_date")] = "2002-06-28";
  table.rows[row][table.Column("ratification_date_source")] = "UN Treaty Collection XVIII-10";
  std::string changed = FormatCsvRow(table.header);
  for (const auto& r : table.rows) changed += FormatCsvRow(r);
  auto edits = ImportCsv(data, changed);
  ASSERT_TRUE(edits.has_value()) << edits.error().ToString();
  ASSERT_EQ(edits->size(), 1u);
  EXPECT_EQ((*edits)[0].iso3, "GMB");
  EXPECT_EQ((*edits)[0].field, "ratification_date");
  EXPECT_EQ((*edits)[0].source, "UN Treaty Collection XVIII-10");
  ASSERT_TRUE(ApplyEdit(data, (*edits)[0]));
  EXPECT_TRUE(ImportCsv(data, changed)->empty());  // applied: nothing left to change

  // A change without its source is refused, naming the row.
  table.rows[row][table.Column("ratification_date")] = "2002-06-29";
  table.rows[row][table.Column("ratification_date_source")] = "";
  std::string unsourced = FormatCsvRow(table.header);
  for (const auto& r : table.rows) unsourced += FormatCsvRow(r);
  auto refused = ImportCsv(data, unsourced);
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().detail.find("(GMB): ratification_date changed without a new source"),
            std::string::npos)
      << refused.error().detail;
}

TEST(IsIsoDate, KnowsTheCalendar) {
  EXPECT_TRUE(IsIsoDate("2024-02-29"));
  EXPECT_FALSE(IsIsoDate("2023-02-29"));
  EXPECT_FALSE(IsIsoDate("1900-02-29"));
  EXPECT_TRUE(IsIsoDate("2000-02-29"));
  EXPECT_FALSE(IsIsoDate("2024-1-01"));
  EXPECT_FALSE(IsIsoDate("2024-00-10"));
  EXPECT_FALSE(IsIsoDate("2024-12-32"));
  EXPECT_FALSE(IsIsoDate("2024/12/01"));
}

TEST(IsIso3166Alpha3, UsesTheStandardList) {
  EXPECT_TRUE(IsIso3166Alpha3("FRA"));
  EXPECT_TRUE(IsIso3166Alpha3("PSE"));
  EXPECT_FALSE(IsIso3166Alpha3("XXK"));
  EXPECT_FALSE(IsIso3166Alpha3("fra"));
  EXPECT_FALSE(IsIso3166Alpha3("FR"));
}

}  // namespace
}  // namespace vigil::tracker
