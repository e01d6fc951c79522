#include "reports/reports.h"

#include <gtest/gtest.h>

#include "base/io.h"
#include "crypto/age/age.h"
#include "crypto/age/x25519_recipient.h"
#include "testing/seeded_random.h"
#include "testing/test_instance.h"
#include "testing/value_of.h"

namespace vigil::reports {
namespace {

using testing::Engine;
using testing::TestInstance;
using testing::ValueOf;

class ReportsTest : public ::testing::TestWithParam<Engine> {
 protected:
  ReportsTest()
      : instance_(GetParam()),
        organisation_(age::X25519Identity::Generate(random_)),
        reporter_(age::X25519Identity::Generate(random_)) {
    Open();
  }
  void Open() { reports_ = std::make_unique<Reports>(instance_.ledger(), instance_.db(), random_); }

  Bytes Encrypt(std::string_view text) {
    auto org = organisation_.ToRecipient();
    auto me = reporter_.ToRecipient();
    const age::Recipient* r[] = {&org, &me};
    return ValueOf(age::EncryptBytes(ToBytes(text), r, random_));
  }
  Bytes Lookup(std::uint8_t n) { return Bytes(32, n); }
  NewReport Report(std::uint8_t lookup, std::string_view text) {
    return NewReport{Lookup(lookup), reporter_.ToRecipient().ToString(), Encrypt(text), {}};
  }
  AttachmentBlob StoreAttachment(std::string_view text) {
    auto put = ValueOf(instance_.blobs().Put(Encrypt(text)));
    AttachmentBlob a;
    random_.Fill(a.id);
    a.sha256 = put.first;
    a.size = put.second;
    return a;
  }
  // Reads the bytes at a location and decrypts them with the organisation key.
  std::string Open(const Location& where) {
    auto source = ValueOf(instance_.blobs().Open(where.sha256));
    Bytes all(where.offset + where.size);
    EXPECT_EQ(ValueOf(ReadFull(*source, all)), all.size());
    Bytes file(all.begin() + static_cast<std::ptrdiff_t>(where.offset), all.end());
    const age::Identity* ids[] = {&organisation_};
    Bytes plain = ValueOf(age::DecryptBytes(file, ids));
    return std::string(plain.begin(), plain.end());
  }

  vigil::testing::SeededRandom random_{21};
  TestInstance instance_;
  age::X25519Identity organisation_;
  age::X25519Identity reporter_;
  std::unique_ptr<Reports> reports_;
};

TEST_P(ReportsTest, SubmittedReportIsFoundByItsLookupIdAndDecrypts) {
  auto ack = reports_->Submit(Report(1, "they followed me home"));
  ASSERT_TRUE(ack) << ack.error().ToString();
  EXPECT_EQ(ack->report_id, ack->message_id);
  EXPECT_EQ(ack->log_index, 0u);

  ReportView view = ValueOf(reports_->FindByLookup(Lookup(1)));
  EXPECT_EQ(view.summary.id, ack->report_id);
  EXPECT_EQ(view.reporter_recipient, reporter_.ToRecipient().ToString());
  ASSERT_EQ(view.messages.size(), 1u);
  EXPECT_EQ(view.messages[0].kind, "report");
  EXPECT_EQ(view.messages[0].author, "reporter");
  EXPECT_EQ(Open(ValueOf(reports_->LocateMessage(ack->report_id, ack->message_id))),
            "they followed me home");
  EXPECT_EQ(reports_->FindByLookup(Lookup(2)).error().code, Errc::kNotFound);
}

TEST_P(ReportsTest, RefusesBadInputAndStoresNothing) {
  NewReport not_age = Report(1, "x");
  not_age.ciphertext = ToBytes("plain words that must never be stored");
  EXPECT_EQ(reports_->Submit(not_age).error().code, Errc::kMalformed);
  NewReport short_lookup = Report(1, "x");
  short_lookup.lookup_id.pop_back();
  EXPECT_EQ(reports_->Submit(short_lookup).error().code, Errc::kInvalidArgument);
  NewReport bad_recipient = Report(1, "x");
  bad_recipient.reporter_recipient = "age1notarecipient";
  EXPECT_EQ(reports_->Submit(bad_recipient).error().code, Errc::kInvalidArgument);
  EXPECT_EQ(instance_.log().size(), 0u);

  ASSERT_TRUE(reports_->Submit(Report(1, "first")));
  EXPECT_EQ(reports_->Submit(Report(1, "second")).error().code, Errc::kAlreadyExists);
  EXPECT_EQ(instance_.log().size(), 1u);
}

TEST_P(ReportsTest, ThreadHoldsFollowUpsRepliesAndAttachmentsInOrder) {
  NewReport report = Report(7, "report");
  AttachmentBlob photo = StoreAttachment("photo bytes");
  report.attachments = {photo};
  auto ack = ValueOf(reports_->Submit(report));
  EXPECT_EQ(ack.log_index, 1u);  // the attachment's entry comes first
  ASSERT_EQ(ack.attachments.size(), 1u);
  EXPECT_EQ(ack.attachments[0].second, 0u);

  translog::ActorId staff{};
  staff[0] = 0xab;
  instance_.clock().Advance(std::chrono::hours(2));
  auto reply = ValueOf(reports_->AddReply(ack.report_id, staff, NewMessage{Encrypt("reply"), {}}));
  auto follow = ValueOf(
      reports_->AddFollowUp(Lookup(7), NewMessage{Encrypt("more"), {StoreAttachment("b")}}));

  ReportView view = ValueOf(reports_->Get(ack.report_id));
  ASSERT_EQ(view.messages.size(), 3u);
  EXPECT_EQ(view.messages[1].id, reply.message_id);
  EXPECT_EQ(view.messages[1].kind, "reply");
  EXPECT_EQ(view.messages[1].author.substr(0, 4), "ab00");
  EXPECT_EQ(view.messages[2].kind, "follow_up");
  ASSERT_EQ(view.messages[0].attachments.size(), 1u);
  ASSERT_EQ(view.messages[2].attachments.size(), 1u);
  EXPECT_EQ(view.summary.updated_hour, view.summary.created_hour + 2);
  EXPECT_EQ(
      Open(ValueOf(reports_->LocateAttachment(ack.report_id, view.messages[0].attachments[0].id))),
      "photo bytes");
  EXPECT_EQ(Open(ValueOf(reports_->LocateMessage(ack.report_id, follow.message_id))), "more");
  // A message or an attachment is reached only through its own report.
  auto other = ValueOf(reports_->Submit(Report(8, "other")));
  EXPECT_EQ(reports_->LocateMessage(other.report_id, reply.message_id).error().code,
            Errc::kNotFound);
  EXPECT_EQ(
      reports_->LocateAttachment(other.report_id, view.messages[0].attachments[0].id).error().code,
      Errc::kNotFound);
  EXPECT_EQ(reports_->LocateMessage(other.report_id, "../../etc/passwd").error().code,
            Errc::kInvalidArgument);
}

TEST_P(ReportsTest, ListPagesByMostRecentUpdate) {
  std::vector<std::string> ids;
  for (std::uint8_t i = 0; i < 5; ++i) {
    ids.push_back(ValueOf(reports_->Submit(Report(i, "r"))).report_id);
    instance_.clock().Advance(std::chrono::hours(1));
  }
  auto page1 = ValueOf(reports_->List("", 3));
  ASSERT_EQ(page1.size(), 3u);
  EXPECT_EQ(page1[0].id, ids[4]);
  auto page2 = ValueOf(reports_->List(ListCursor(page1[2]), 3));
  ASSERT_EQ(page2.size(), 2u);
  EXPECT_EQ(page2[1].id, ids[0]);
  for (std::string bad : {"x.y", "1.", ".1", "1", "1.2.3", "-1.2", "1.1234567890123456789"})
    EXPECT_EQ(reports_->List(bad, 3).error().code, Errc::kInvalidArgument) << bad;
}

TEST_P(ReportsTest, ListPagesThroughReportsOfOneHourLatestFirst) {
  // Seven reports in one hour, then a follow-up to the first moves it to the top an hour later.
  std::vector<std::string> ids;
  for (std::uint8_t i = 0; i < 7; ++i)
    ids.push_back(ValueOf(reports_->Submit(Report(i, "r"))).report_id);
  instance_.clock().Advance(std::chrono::hours(1));
  ASSERT_TRUE(reports_->AddFollowUp(Lookup(0), NewMessage{Encrypt("f"), {}}));
  std::vector<std::string> seen;
  std::string after;
  for (int page = 0; page < 10; ++page) {
    auto list = ValueOf(reports_->List(after, 2));
    for (const auto& r : list) seen.push_back(r.id);
    if (list.size() < 2) break;
    after = ListCursor(list.back());
  }
  EXPECT_EQ(seen,
            (std::vector<std::string>{ids[0], ids[6], ids[5], ids[4], ids[3], ids[2], ids[1]}));
  EXPECT_EQ(ValueOf(reports_->List("", 1))[0].messages, 2);
}

TEST_P(ReportsTest, MigrationNineFindsTheMessagesOfReportsIndexedBeforeIt) {
  // A report with a follow-up and a reply, indexed as schema 8 left them (no report_index),
  // then migration 9 runs again: the thread reads as before.
  auto ack = ValueOf(reports_->Submit(Report(1, "report")));
  ASSERT_TRUE(reports_->AddFollowUp(Lookup(1), NewMessage{Encrypt("follow-up"), {}}));
  translog::ActorId staff{};
  staff[0] = 7;
  ASSERT_TRUE(reports_->AddReply(ack.report_id, staff, NewMessage{Encrypt("reply"), {}}));
  instance_.Reopen([&] {
    auto db = ValueOf(testing::OpenTestDatabase(GetParam(), instance_.dir(), "_0"));
    ASSERT_TRUE(db->Write([](store::Transaction& t) -> Status {
      for (const char* sql :
           {"DROP INDEX messages_by_report_index", "DROP INDEX reports_by_recency",
            "ALTER TABLE messages DROP COLUMN report_index",
            "CREATE INDEX messages_by_report ON messages (report_id, log_index)",
            "CREATE INDEX reports_by_update ON reports (updated_hour, id)",
            "DELETE FROM schema_migrations WHERE version = 9"})
        VIGIL_RETURN_IF_ERROR(t.Execute(sql));
      return OkStatus();
    }));
  });
  Open();
  EXPECT_EQ(instance_.db().schema_version(), 9);
  auto view = ValueOf(reports_->Get(ack.report_id));
  ASSERT_EQ(view.messages.size(), 3u);
  EXPECT_EQ(view.messages[0].kind, "report");
  EXPECT_EQ(view.messages[1].kind, "follow_up");
  EXPECT_EQ(view.messages[2].kind, "reply");
  EXPECT_EQ(view.summary.messages, 3);
  EXPECT_EQ(ValueOf(reports_->FindByLookup(Lookup(1))).messages.size(), 3u);
}

TEST_P(ReportsTest, RebuildFindsEveryReportMessageAndAttachment) {
  NewReport report = Report(3, "report");
  report.attachments = {StoreAttachment("evidence")};
  auto ack = ValueOf(reports_->Submit(report));
  translog::ActorId staff{};
  ASSERT_TRUE(reports_->AddReply(ack.report_id, staff, NewMessage{Encrypt("reply"), {}}));
  ASSERT_TRUE(reports_->Submit(Report(4, "another")));
  ReportView before = ValueOf(reports_->Get(ack.report_id));

  instance_.ReplaceDatabase();
  Open();
  EXPECT_EQ(reports_->Get(ack.report_id).error().code, Errc::kNotFound);
  EXPECT_EQ(ValueOf(instance_.ledger().CatchUp(instance_.log_dir())), 4u);
  ReportView after = ValueOf(reports_->FindByLookup(Lookup(3)));
  EXPECT_EQ(after.summary.id, before.summary.id);
  EXPECT_EQ(after.summary.log_index, before.summary.log_index);
  EXPECT_EQ(after.reporter_recipient, before.reporter_recipient);
  ASSERT_EQ(after.messages.size(), before.messages.size());
  for (std::size_t i = 0; i < after.messages.size(); ++i) {
    EXPECT_EQ(after.messages[i].id, before.messages[i].id);
    EXPECT_EQ(after.messages[i].size, before.messages[i].size);
    EXPECT_EQ(after.messages[i].attachments.size(), before.messages[i].attachments.size());
  }
  EXPECT_EQ(Open(ValueOf(reports_->LocateMessage(ack.report_id, ack.message_id))), "report");
  EXPECT_EQ(ValueOf(reports_->List("", 10)).size(), 2u);
}

TEST_P(ReportsTest, DeletionHidesTheReportAndIsLogged) {
  Acknowledgement ack = ValueOf(reports_->Submit(Report(1, "filed in error")));
  std::uint64_t index = ValueOf(reports_->Delete(ack.report_id, translog::ActorId{7}));
  EXPECT_GT(index, ack.log_index);
  EXPECT_EQ(reports_->Get(ack.report_id).error().code, Errc::kNotFound);
  EXPECT_EQ(reports_->FindByLookup(Lookup(1)).error().code, Errc::kNotFound);
  EXPECT_TRUE(ValueOf(reports_->List("", 10)).empty());
  EXPECT_EQ(reports_->Delete(ack.report_id, {}).error().code, Errc::kNotFound);
  // The log keeps it: a rebuilt index deletes it again.
  reports_.reset();
  instance_.ReplaceDatabase();
  Open();
  ValueOf(instance_.ledger().CatchUp(instance_.log_dir()));
  EXPECT_EQ(reports_->Get(ack.report_id).error().code, Errc::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Engines, ReportsTest,
                         ::testing::Values(Engine::kSqlite, Engine::kPostgres),
                         [](const auto& p) { return testing::EngineName(p.param); });

}  // namespace
}  // namespace vigil::reports
