#include "cases/cases.h"

#include <gtest/gtest.h>

#include "crypto/age/age.h"
#include "crypto/age/x25519_recipient.h"
#include "testing/seeded_random.h"
#include "testing/test_instance.h"
#include "testing/value_of.h"

namespace vigil::cases {
namespace {

using testing::Engine;
using testing::TestInstance;
using testing::ValueOf;

class CasesTest : public ::testing::TestWithParam<Engine> {
 protected:
  CasesTest() : instance_(GetParam()), organisation_(age::X25519Identity::Generate(random_)) {
    Open();
  }
  void Open() { cases_ = std::make_unique<Cases>(instance_.ledger(), instance_.db(), random_); }

  Bytes Encrypt(std::string_view text, std::size_t recipients = 1) {
    auto org = organisation_.ToRecipient();
    std::vector<const age::Recipient*> r(recipients, &org);
    return ValueOf(age::EncryptBytes(ToBytes(text), r, random_));
  }
  // The age file of a revision, read back from the blob store as the API serves it.
  std::string Stored(const CaseEvent& e) {
    Bytes file = ValueOf(reports::ReadCiphertext(instance_.blobs(), e.where));
    const age::Identity* ids[] = {&organisation_};
    Bytes plain = ValueOf(age::DecryptBytes(file, ids));
    return std::string(plain.begin(), plain.end());
  }

  vigil::testing::SeededRandom random_{7};
  TestInstance instance_;
  age::X25519Identity organisation_;
  std::unique_ptr<Cases> cases_;
  translog::ActorId alice_{1}, bob_{2};
};

TEST_P(CasesTest, RevisionsChainWithoutGapsAndAStaleBaseIsRefused) {
  CaseAck created = ValueOf(cases_->Create(Encrypt("revision one"), alice_));
  EXPECT_EQ(created.revision, 1);
  CaseAck second = ValueOf(cases_->Revise(created.case_id, 1, Encrypt("revision two"), bob_));
  EXPECT_EQ(second.revision, 2);
  EXPECT_GT(second.log_index, created.log_index);
  // Alice still has revision 1 open: her change would overwrite Bob's.
  auto stale = cases_->Revise(created.case_id, 1, Encrypt("alice's edit"), alice_);
  ASSERT_FALSE(stale.has_value());
  EXPECT_EQ(stale.error().code, Errc::kFailedPrecondition);
  EXPECT_EQ(cases_->Revise(created.case_id, 3, Encrypt("ahead"), alice_).error().code,
            Errc::kFailedPrecondition);

  // The browser may choose the id it writes into the document; a taken one is refused.
  std::string chosen = "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(ValueOf(cases_->Create(Encrypt("chosen"), alice_, chosen)).case_id, chosen);
  EXPECT_EQ(cases_->Create(Encrypt("again"), alice_, chosen).error().code, Errc::kAlreadyExists);
  EXPECT_EQ(cases_->Create(Encrypt("bad"), alice_, "XYZ").error().code, Errc::kInvalidArgument);

  CaseSummary summary = ValueOf(cases_->Get(created.case_id));
  EXPECT_EQ(summary.revisions, 2);
  EXPECT_EQ(summary.log_index, created.log_index);
  EXPECT_EQ(Stored(ValueOf(cases_->Revision(created.case_id, 0))), "revision two");
  EXPECT_EQ(Stored(ValueOf(cases_->Revision(created.case_id, 1))), "revision one");
  EXPECT_EQ(cases_->Revision(created.case_id, 3).error().code, Errc::kNotFound);
}

TEST_P(CasesTest, RefusesWhatIsNotAgeToTheOrganisationAlone) {
  EXPECT_EQ(cases_->Create(ToBytes("a plaintext case note"), alice_).error().code,
            Errc::kMalformed);
  EXPECT_EQ(cases_->Create(Encrypt("two recipients", 2), alice_).error().code,
            Errc::kInvalidArgument);
  CaseAck c = ValueOf(cases_->Create(Encrypt("ok"), alice_));
  EXPECT_EQ(cases_->Revise(c.case_id, 1, ToBytes("plain"), alice_).error().code, Errc::kMalformed);
  EXPECT_EQ(cases_->Revise("not-an-id", 1, Encrypt("x"), alice_).error().code,
            Errc::kInvalidArgument);
  EXPECT_EQ(
      cases_->Revise("00000000000000000000000000000000", 1, Encrypt("x"), alice_).error().code,
      Errc::kNotFound);
  // Nothing refused was stored.
  EXPECT_EQ(ValueOf(cases_->Get(c.case_id)).revisions, 1);
  EXPECT_EQ(ValueOf(cases_->List("", 10)).size(), 1u);
}

TEST_P(CasesTest, TheCustodyLogNamesEveryRevisionAndExportAndSurvivesARebuild) {
  CaseAck c = ValueOf(cases_->Create(Encrypt("one"), alice_));
  ValueOf(cases_->Revise(c.case_id, 1, Encrypt("two"), bob_));
  std::string manifest(64, 'a');
  CaseAck exported = ValueOf(cases_->RecordExport(c.case_id, 2, manifest, bob_));
  EXPECT_EQ(cases_->RecordExport(c.case_id, 3, manifest, bob_).error().code,
            Errc::kInvalidArgument);
  EXPECT_EQ(cases_->RecordExport(c.case_id, 2, "abc", bob_).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(cases_->RecordExport(c.case_id, 2, std::string(64, 'A'), bob_).error().code,
            Errc::kInvalidArgument);

  auto check = [&] {
    auto events = ValueOf(cases_->Events(c.case_id));
    ASSERT_EQ(events.size(), 3u);
    EXPECT_EQ(events[0].kind, "revision");
    EXPECT_EQ(events[0].author, "01000000000000000000000000000000");
    EXPECT_EQ(events[1].revision, 2);
    EXPECT_EQ(events[2].kind, "export");
    EXPECT_EQ(events[2].revision, 2);
    EXPECT_EQ(events[2].detail, manifest);
    EXPECT_EQ(events[2].log_index, exported.log_index);
  };
  check();
  cases_.reset();
  instance_.ReplaceDatabase();
  Open();
  ValueOf(instance_.ledger().CatchUp(instance_.log_dir()));
  check();
  EXPECT_EQ(Stored(ValueOf(cases_->Revision(c.case_id, 0))), "two");
}

TEST_P(CasesTest, ListsMostRecentlyUpdatedFirstInPages) {
  std::vector<std::string> ids;
  for (int i = 0; i < 5; ++i) ids.push_back(ValueOf(cases_->Create(Encrypt("c"), alice_)).case_id);
  std::vector<std::string> seen;
  std::string cursor;
  for (int page = 0; page < 5; ++page) {
    auto list = ValueOf(cases_->List(cursor, 2));
    for (const auto& s : list) seen.push_back(s.id);
    if (list.size() < 2) break;
    cursor = std::to_string(list.back().updated_hour) + "." + list.back().id;
  }
  std::sort(seen.begin(), seen.end());
  std::sort(ids.begin(), ids.end());
  EXPECT_EQ(seen, ids);
  EXPECT_EQ(cases_->List("nonsense", 2).error().code, Errc::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(Engines, CasesTest, ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& p) { return testing::EngineName(p.param); });

}  // namespace
}  // namespace vigil::cases
