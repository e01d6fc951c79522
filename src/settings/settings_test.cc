#include "settings/settings.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "base/hex.h"
#include "records/record.h"
#include "testing/seeded_random.h"
#include "testing/test_instance.h"
#include "testing/value_of.h"

namespace vigil::settings {
namespace {

using testing::Engine;
using testing::TestInstance;
using testing::ValueOf;
using Changes = std::vector<std::pair<std::string, SettingValue>>;

TEST(SettingChecks, IntegersKeepTheirBounds) {
  EXPECT_FALSE(CheckSetting("session_idle_minutes", SettingValue(std::int64_t{1})));
  EXPECT_FALSE(CheckSetting("session_idle_minutes", SettingValue(std::int64_t{1440})));
  auto low = CheckSetting("session_idle_minutes", SettingValue(std::int64_t{0}));
  ASSERT_TRUE(low);
  EXPECT_EQ(low->code, "invalid_setting");
  EXPECT_EQ(low->bound, "1..1440");
  EXPECT_TRUE(CheckSetting("statistics_min_cell", SettingValue(std::int64_t{1})));
  EXPECT_FALSE(CheckSetting("statistics_min_cell", SettingValue(std::int64_t{2})));
  EXPECT_TRUE(CheckSetting("max_upload_bytes", SettingValue((std::int64_t{1} << 40) + 1)));
  // A value of another kind is invalid too.
  EXPECT_TRUE(CheckSetting("max_failed_logins", SettingValue(std::string("5"))));
  EXPECT_TRUE(CheckSetting("log_entries_public", SettingValue(std::int64_t{1})));
  EXPECT_FALSE(CheckSetting("log_entries_public", SettingValue(true)));
}

TEST(SettingChecks, UnknownKeysAreNamed) {
  auto problem = CheckSetting("listen", SettingValue(std::string("0.0.0.0:80")));
  ASSERT_TRUE(problem);
  EXPECT_EQ(problem->code, "unknown_setting");
  EXPECT_EQ(problem->key, "listen");
}

TEST(SettingChecks, TextIsUtf8WithoutControlsOrBidiOverrides) {
  EXPECT_FALSE(CheckSetting("organisation_name", SettingValue(std::string("منظمة الحماية"))));
  EXPECT_FALSE(CheckSetting("organisation_name", SettingValue(std::string(""))));
  EXPECT_FALSE(CheckSetting("organisation_name", SettingValue(std::string(120, 'x'))));
  EXPECT_EQ(CheckSetting("organisation_name", SettingValue(std::string(121, 'x')))->bound,
            "at most 120 characters, one line");
  // 120 two-byte characters are 120 characters.
  std::string accents;
  for (int i = 0; i < 120; ++i) accents += "é";
  EXPECT_FALSE(CheckSetting("organisation_name", SettingValue(accents)));
  EXPECT_TRUE(CheckSetting("organisation_name", SettingValue(std::string("a\nb"))));
  EXPECT_FALSE(CheckSetting("reporter_contact", SettingValue(std::string("Signal: +1 555\nmail"))));
  EXPECT_TRUE(
      CheckSetting("reporter_contact", SettingValue(std::string("1\n2\n3\n4\n5\n6\n7\n8\n9"))));
  EXPECT_TRUE(CheckSetting("organisation_name", SettingValue(std::string("a\tb"))));
  EXPECT_TRUE(CheckSetting("organisation_name", SettingValue(std::string("\xc3\x28"))));
  EXPECT_TRUE(CheckSetting("organisation_name", SettingValue(std::string("\xc0\xaf"))));
  EXPECT_TRUE(CheckSetting("organisation_name", SettingValue(std::string("abc\xe2\x80"))));
  EXPECT_TRUE(CheckSetting("organisation_name", SettingValue(std::string("evil\u202egnp.exe"))));
  EXPECT_TRUE(CheckSetting("organisation_name", SettingValue(std::string("x\u2067y"))));
}

TEST(SettingChecks, ValuesRoundTripThroughJson) {
  for (const SettingSpec& spec : Specs()) {
    InstanceSettings defaults;
    SettingValue v = spec.get(defaults);
    auto back = ParseValueJson(spec, ValueJson(v));
    ASSERT_TRUE(back) << spec.key;
    EXPECT_EQ(*back, v) << spec.key;
    EXPECT_FALSE(CheckSetting(spec.key, v)) << spec.key << " default out of its bounds";
  }
  EXPECT_FALSE(ParseValueJson(*FindSpec("max_failed_logins"), "\"5\""));
  EXPECT_EQ(ValueJson(SettingValue(std::string("a\"b"))), "\"a\\\"b\"");
}

class SettingsTest : public ::testing::TestWithParam<Engine> {
 protected:
  SettingsTest() : instance_(GetParam()) {
    file_.session_idle_minutes = 45;
    file_.organisation_name = "From the file";
    Open();
  }
  void Open() {
    settings_ = std::make_unique<Settings>(instance_.ledger(), instance_.db(), random_, file_);
  }
  std::vector<std::string> Restart() {
    settings_.reset();
    instance_.Reopen();
    Open();
    ValueOf(instance_.ledger().CatchUp(instance_.log_dir()));
    return ValueOf(settings_->Load());
  }
  vigil::testing::SeededRandom random_{14};
  TestInstance instance_;
  InstanceSettings file_;
  std::unique_ptr<Settings> settings_;
  translog::ActorId admin_{7, 7, 7};
};

TEST_P(SettingsTest, StartsFromTheFileWithNoStoredValue) {
  EXPECT_TRUE(ValueOf(settings_->Load()).empty());
  EXPECT_EQ(*settings_->Current(), file_);
  SettingsView view = ValueOf(settings_->Describe());
  EXPECT_EQ(view.version, 0u);
  ASSERT_EQ(view.settings.size(), Specs().size());
  for (const auto& s : view.settings) EXPECT_FALSE(s.from_log) << s.spec->key;
}

TEST_P(SettingsTest, AChangeTakesEffectAtOnceAndIsLogged) {
  ValueOf(settings_->Load());
  std::shared_ptr<const InstanceSettings> before = settings_->Current();
  ChangeResult changed = ValueOf(
      settings_->Change({{"session_idle_minutes", std::int64_t{10}},
                         {"organisation_name", std::string("Réseau de protection")},
                         {"max_failed_logins", std::int64_t{5}}},  // unchanged: not recorded
                        0, admin_));
  EXPECT_EQ(changed.changed,
            (std::vector<std::string>{"organisation_name", "session_idle_minutes"}));
  EXPECT_GT(changed.version, 0u);
  EXPECT_EQ(settings_->Current()->session_idle_minutes, 10);
  EXPECT_EQ(settings_->Current()->organisation_name, "Réseau de protection");
  // A reader's earlier snapshot does not change under it.
  EXPECT_EQ(before->session_idle_minutes, 45);

  SettingsView view = ValueOf(settings_->Describe());
  EXPECT_EQ(view.version, changed.version);
  for (const auto& s : view.settings) {
    bool expected = s.spec->key == "session_idle_minutes" || s.spec->key == "organisation_name";
    EXPECT_EQ(s.from_log, expected) << s.spec->key;
    if (expected) {
      EXPECT_EQ(s.log_index + 1, changed.version);
    }
    if (s.spec->key == "session_idle_minutes") {
      EXPECT_EQ(s.file_value, SettingValue(std::int64_t{45}));
    }
  }

  // The record names the keys, and its payload the old and new values; the entry the actor.
  Bytes blob;
  std::string actor;
  ASSERT_TRUE(instance_.db().Read([&](store::Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT sha256, actor, type FROM log_entries "
                                              "WHERE idx = ?",
                                              {static_cast<std::int64_t>(changed.version - 1)}));
    EXPECT_EQ(rows.size(), 1u);
    EXPECT_EQ(std::get<std::int64_t>(rows.at(0)[2]), 14);
    store::Digest digest{};
    Bytes sha = std::get<Bytes>(rows.at(0)[0]);
    std::copy(sha.begin(), sha.end(), digest.begin());
    actor = std::get<std::string>(rows.at(0)[1]);
    std::ifstream in(instance_.blobs().PathOf(digest), std::ios::binary);
    blob.assign(std::istreambuf_iterator<char>(in), {});
    return OkStatus();
  }));
  EXPECT_EQ(actor, HexEncode(admin_));
  records::Record record = ValueOf(records::ParseRecord(blob));
  EXPECT_EQ(record.type(), "settings");
  EXPECT_EQ(record.All("key").size(), 2u);
  EXPECT_EQ(ValueOf(record.One("previous")), "0");
  std::string payload(record.payload.begin(), record.payload.end());
  EXPECT_NE(payload.find("{\"key\":\"session_idle_minutes\",\"old\":45,\"new\":10}"),
            std::string::npos)
      << payload;
}

TEST_P(SettingsTest, AllOrNothing) {
  ValueOf(settings_->Load());
  auto bad = settings_->Change(
      {{"session_idle_minutes", std::int64_t{10}}, {"session_hours", std::int64_t{0}}}, 0, admin_);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::kInvalidArgument);
  auto unknown = settings_->Change(
      {{"session_idle_minutes", std::int64_t{10}}, {"data_dir", std::string("/tmp")}}, 0, admin_);
  ASSERT_FALSE(unknown);
  auto repeated = settings_->Change(
      {{"session_hours", std::int64_t{2}}, {"session_hours", std::int64_t{3}}}, 0, admin_);
  ASSERT_FALSE(repeated);
  EXPECT_EQ(settings_->Current()->session_idle_minutes, 45);
  EXPECT_EQ(ValueOf(settings_->Describe()).version, 0u);
  EXPECT_EQ(instance_.log().size(), 0u);
}

TEST_P(SettingsTest, AStaleVersionIsAConflict) {
  ValueOf(settings_->Load());
  auto first = ValueOf(settings_->Change({{"max_failed_logins", std::int64_t{3}}}, 0, admin_));
  auto stale = settings_->Change({{"max_failed_logins", std::int64_t{8}}}, 0, admin_);
  ASSERT_FALSE(stale);
  EXPECT_EQ(stale.error().code, Errc::kFailedPrecondition);
  EXPECT_EQ(settings_->Current()->max_failed_logins, 3);
  auto second =
      ValueOf(settings_->Change({{"max_failed_logins", std::int64_t{8}}}, first.version, admin_));
  EXPECT_GT(second.version, first.version);
  EXPECT_EQ(settings_->Current()->max_failed_logins, 8);
}

TEST_P(SettingsTest, StoredValuesWinAfterARestartAndARebuild) {
  ValueOf(settings_->Load());
  auto first = ValueOf(settings_->Change(
      {{"session_idle_minutes", std::int64_t{10}}, {"log_entries_public", true}}, 0, admin_));
  ValueOf(settings_->Change(
      {{"session_idle_minutes", std::int64_t{20}}, {"statistics_min_cell", std::int64_t{10}}},
      first.version, admin_));
  std::vector<std::string> lines = Restart();
  EXPECT_EQ(lines.size(), 3u);
  bool named = false;
  for (const auto& line : lines)
    if (line.rfind("session_idle_minutes = 20 (log entry", 0) == 0 &&
        line.find("overrides vigil.conf's 45") != std::string::npos)
      named = true;
  EXPECT_TRUE(named) << ::testing::PrintToString(lines);
  InstanceSettings expected = file_;
  expected.session_idle_minutes = 20;
  expected.log_entries_public = true;
  expected.statistics_min_cell = 10;
  EXPECT_EQ(*settings_->Current(), expected);

  // The log is the truth: a rebuilt database gives the same values and version.
  std::uint64_t version = ValueOf(settings_->Describe()).version;
  settings_.reset();
  instance_.ReplaceDatabase();
  Open();
  ValueOf(instance_.ledger().CatchUp(instance_.log_dir()));
  ValueOf(settings_->Load());
  EXPECT_EQ(*settings_->Current(), expected);
  EXPECT_EQ(ValueOf(settings_->Describe()).version, version);
}

TEST_P(SettingsTest, AChangedFileValueCountsOnlyWhereNothingWasStored) {
  ValueOf(settings_->Load());
  ValueOf(settings_->Change({{"session_hours", std::int64_t{4}}}, 0, admin_));
  file_.session_hours = 8;
  file_.login_lockout_minutes = 60;
  Restart();
  EXPECT_EQ(settings_->Current()->session_hours, 4);
  EXPECT_EQ(settings_->Current()->login_lockout_minutes, 60);
}

INSTANTIATE_TEST_SUITE_P(Engines, SettingsTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& p) { return testing::EngineName(p.param); });

}  // namespace
}  // namespace vigil::settings
