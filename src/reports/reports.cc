// Records: docs/formats/records.md
#include "reports/reports.h"

#include <algorithm>
#include <set>

#include "base/hex.h"
#include "base/io.h"
#include "base/wait.h"
#include "crypto/age/x25519_recipient.h"
#include "crypto/sha256.h"
#include "reports/ciphertext.h"
#include "store/values.h"

namespace vigil::reports {
namespace {

using records::Applied;
using records::IdText;
using records::RecordBuilder;
using store::Row;
using store::Transaction;
using translog::EntryType;

using records::Corrupt;
using records::ParseDecimal;
using store::Blob;
using store::I64;
using store::Str;
using store::U32;
using store::U64;

std::string AttachmentLine(const AttachmentBlob& a) {
  return IdText(a.id) + " " + HexEncode(a.sha256) + " " + std::to_string(a.size);
}

// Format: docs/formats/records.md, "attachment <id> <sha256> <size>".
Status LinkAttachments(Transaction& t, const Applied& a, const std::string& message_id) {
  for (std::string_view line : a.record->All("attachment")) {
    std::size_t s1 = line.find(' ');
    std::size_t s2 = line.find(' ', s1 == std::string_view::npos ? s1 : s1 + 1);
    if (s1 == std::string_view::npos || s2 == std::string_view::npos)
      return Corrupt(a, "bad attachment line");
    auto sha = store::ParseDigest(line.substr(s1 + 1, s2 - s1 - 1));
    auto size = ParseDecimal(line.substr(s2 + 1));
    if (!sha || !size) return Corrupt(a, "bad attachment line");
    // The first message to name an attachment owns it; the hash and size must agree with the
    // attachment's own entry.
    VIGIL_RETURN_IF_ERROR(t.Execute(
        "UPDATE attachments SET message_id = ? WHERE id = ? AND message_id IS NULL AND sha256 = ? "
        "AND size = ?",
        {message_id, std::string(line.substr(0, s1)), Blob(*sha), *size}));
  }
  return OkStatus();
}

// `report_index`: the log index of the message's report, by which a report's messages are
// found (null for a message whose report the index does not have).
Status InsertMessage(Transaction& t, const Applied& a, const std::string& id,
                     const std::string& report_id, std::string_view kind, const std::string& author,
                     store::Value report_index) {
  return t.Execute(
      "INSERT INTO messages (id, report_id, kind, author, record_sha256, record_size, "
      "payload_offset, log_index, created_hour, report_index) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
      "?) ON CONFLICT DO NOTHING",
      {id, report_id, std::string(kind), author, Blob(a.entry.blob_sha256), I64(a.entry.blob_size),
       I64(a.payload_offset), I64(a.index), static_cast<std::int64_t>(a.entry.hour),
       std::move(report_index)});
}

Status ApplyAttachment(Transaction& t, const Applied& a) {
  return t.Execute(
      "INSERT INTO attachments (id, message_id, sha256, size, log_index) VALUES (?, NULL, ?, ?, "
      "?) ON CONFLICT DO NOTHING",
      {IdText(a.entry.object_id), Blob(a.entry.blob_sha256), I64(a.entry.blob_size), I64(a.index)});
}

Status ApplyReport(Transaction& t, const Applied& a) {
  const std::string id = IdText(a.entry.object_id);
  auto lookup_hex = a.record->One("lookup-hash");
  auto recipient = a.record->One("reporter-recipient");
  if (!lookup_hex || !recipient) return Corrupt(a, "report record lacks a field");
  auto lookup = store::ParseDigest(*lookup_hex);
  if (!lookup) return Corrupt(a, "bad lookup hash");
  // The first report with a lookup hash keeps it; a later one (the same passphrase twice,
  // submitted at once) stays visible to coordinators under a hash nobody can reach.
  VIGIL_ASSIGN_OR_RETURN(auto taken,
                         t.Query("SELECT 1 FROM reports WHERE lookup_hash = ?", {Blob(*lookup)}));
  store::Digest kept = *lookup;
  if (!taken.empty()) kept = crypto::Sha256(ToBytes("vigil unreachable lookup v1\n" + id));
  VIGIL_RETURN_IF_ERROR(t.Execute(
      "INSERT INTO reports (id, lookup_hash, reporter_recipient, created_hour, updated_hour, "
      "log_index) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      {id, Blob(kept), std::string(*recipient), static_cast<std::int64_t>(a.entry.hour),
       static_cast<std::int64_t>(a.entry.hour), I64(a.index)}));
  VIGIL_RETURN_IF_ERROR(InsertMessage(t, a, id, id, "report", "reporter", I64(a.index)));
  return LinkAttachments(t, a, id);
}

Status ApplyMessage(Transaction& t, const Applied& a, std::string_view kind) {
  const std::string id = IdText(a.entry.object_id);
  auto report = a.record->One("report");
  if (!report) return Corrupt(a, "message record names no report");
  std::string author = kind == "reply" ? HexEncode(a.entry.actor) : std::string("reporter");
  VIGIL_ASSIGN_OR_RETURN(
      auto found, t.Query("SELECT log_index FROM reports WHERE id = ?", {std::string(*report)}));
  store::Value report_index = nullptr;
  if (!found.empty()) report_index = found[0][0];
  VIGIL_RETURN_IF_ERROR(
      InsertMessage(t, a, id, std::string(*report), kind, author, std::move(report_index)));
  VIGIL_RETURN_IF_ERROR(
      t.Execute("UPDATE reports SET updated_hour = ? WHERE id = ? AND updated_hour < ?",
                {static_cast<std::int64_t>(a.entry.hour), std::string(*report),
                 static_cast<std::int64_t>(a.entry.hour)}));
  return LinkAttachments(t, a, id);
}

// Format: docs/formats/records.md, "deletion". Kinds other than report belong to later
// modules; an unknown kind changes nothing here.
Status ApplyDeletion(Transaction& t, const Applied& a) {
  auto kind = a.record->One("kind");
  auto object = a.record->One("object");
  if (!kind || !object) return Corrupt(a, "bad deletion record");
  if (*kind != "report") return OkStatus();
  return t.Execute("UPDATE reports SET deleted = 1 WHERE id = ?", {std::string(*object)});
}

ReportSummary SummaryOf(const Row& r) {
  return ReportSummary{Str(r[0]), U32(r[1]), U32(r[2]), U64(r[3]), std::get<std::int64_t>(r[4])};
}

constexpr char kSummaryColumns[] =
    "SELECT r.id, r.created_hour, r.updated_hour, r.log_index, "
    "(SELECT COUNT(*) FROM messages m WHERE m.report_index = r.log_index) FROM reports r ";

}  // namespace

Result<Bytes> ReadCiphertext(const store::BlobStore& blobs, const Location& where,
                             std::uint64_t max_size) {
  if (where.size > max_size) return MakeError(Errc::kResourceExhausted, "ciphertext too large");
  VIGIL_ASSIGN_OR_RETURN(auto source, blobs.Open(where.sha256));
  Bytes out(static_cast<std::size_t>(std::min<std::uint64_t>(where.offset, 1 << 16)));
  for (std::uint64_t left = where.offset; left > 0;) {
    MutableByteSpan span(out.data(), std::min<std::uint64_t>(out.size(), left));
    VIGIL_ASSIGN_OR_RETURN(std::size_t n, ReadFull(*source, span));
    if (n != span.size()) return MakeError(Errc::kCorrupt, "short blob");
    left -= n;
  }
  out.resize(static_cast<std::size_t>(where.size));
  VIGIL_ASSIGN_OR_RETURN(std::size_t n, ReadFull(*source, out));
  if (n != out.size()) return MakeError(Errc::kCorrupt, "short blob");
  return out;
}

store::Digest HashLookupId(ByteSpan lookup_id) {
  Bytes input = ToBytes("vigil lookup v1\n");
  input.insert(input.end(), lookup_id.begin(), lookup_id.end());
  return crypto::Sha256(input);
}

Reports::Reports(records::Ledger& ledger, store::Database& db, Random& random,
                 ReportsOptions options)
    : ledger_(ledger), db_(db), random_(random), options_(options) {
  ledger_.Register(EntryType::kAttachment, ApplyAttachment, /*has_record=*/false);
  ledger_.Register(EntryType::kReport, ApplyReport, /*has_record=*/true);
  ledger_.Register(EntryType::kDeletion, ApplyDeletion, /*has_record=*/true);
  ledger_.Register(
      EntryType::kFollowUp,
      [](Transaction& t, const Applied& a) { return ApplyMessage(t, a, "follow_up"); }, true);
  ledger_.Register(
      EntryType::kReply,
      [](Transaction& t, const Applied& a) { return ApplyMessage(t, a, "reply"); }, true);
}

translog::ObjectId Reports::NewId() {
  translog::ObjectId id{};
  random_.Fill(id);
  return id;
}

Status Reports::CheckMessage(ByteSpan ciphertext,
                             const std::vector<AttachmentBlob>& attachments) const {
  VIGIL_RETURN_IF_ERROR(CheckAgeFile(ciphertext, options_.message_recipients));
  if (attachments.size() > options_.max_attachments)
    return MakeError(Errc::kInvalidArgument, "too many attachments");
  std::set<translog::ObjectId> ids;
  for (const auto& a : attachments)
    if (!ids.insert(a.id).second) return MakeError(Errc::kInvalidArgument, "attachment repeated");
  return OkStatus();
}

void Reports::CommitMessage(EntryType type, Bytes record, const translog::ObjectId& id,
                            const translog::ActorId& actor,
                            const std::vector<AttachmentBlob>& attachments, std::string report_id,
                            AckDone done) {
  std::vector<records::Change> changes;
  for (const auto& a : attachments) {
    records::Change c;
    c.type = EntryType::kAttachment;
    c.id = a.id;
    c.stored = std::make_pair(a.sha256, a.size);
    changes.push_back(std::move(c));
  }
  records::Change message;
  message.type = type;
  message.id = id;
  message.actor = actor;
  message.blob = std::move(record);
  changes.push_back(std::move(message));
  Acknowledgement ack;
  ack.report_id = std::move(report_id);
  ack.message_id = IdText(id);
  for (const auto& a : attachments) ack.attachments.emplace_back(IdText(a.id), 0);
  ledger_.CommitThen(std::move(changes), [ack = std::move(ack), done = std::move(done)](
                                             Result<records::CommitResult> committed) mutable {
    if (!committed) return done(committed.error());
    // The attachments' entries come first, then the message's.
    for (std::size_t i = 0; i < ack.attachments.size(); ++i)
      ack.attachments[i].second = committed->first_index + i;
    ack.log_index = committed->first_index + ack.attachments.size();
    done(std::move(ack));
  });
}

Status Reports::CheckReport(const NewReport& report) const {
  if (report.lookup_id.size() != kLookupIdSize)
    return MakeError(Errc::kInvalidArgument, "a lookup id is 32 bytes");
  if (!age::X25519Recipient::Parse(report.reporter_recipient))
    return MakeError(Errc::kInvalidArgument, "the reporter recipient is not an age recipient");
  VIGIL_RETURN_IF_ERROR(CheckMessage(report.ciphertext, report.attachments));
  if (ReportIdOf(report.lookup_id))
    return MakeError(Errc::kAlreadyExists, "the lookup id already has a report");
  return OkStatus();
}

Status Reports::CheckFollowUp(ByteSpan lookup_id, const NewMessage& message) const {
  VIGIL_RETURN_IF_ERROR(ReportIdOf(lookup_id));
  return CheckMessage(message.ciphertext, message.attachments);
}

Status Reports::CheckReply(std::string_view report_id, const NewMessage& message) const {
  VIGIL_RETURN_IF_ERROR(records::ParseId(report_id));
  VIGIL_RETURN_IF_ERROR(Get(report_id));
  return CheckMessage(message.ciphertext, message.attachments);
}

Result<Acknowledgement> Reports::Submit(const NewReport& report) {
  return WaitFor<Acknowledgement>([&](AckDone done) { SubmitThen(report, std::move(done)); });
}

Result<Acknowledgement> Reports::AddFollowUp(ByteSpan lookup_id, const NewMessage& message) {
  return WaitFor<Acknowledgement>(
      [&](AckDone done) { AddFollowUpThen(lookup_id, message, std::move(done)); });
}

Result<Acknowledgement> Reports::AddReply(std::string_view report_id,
                                          const translog::ActorId& staff,
                                          const NewMessage& message) {
  return WaitFor<Acknowledgement>(
      [&](AckDone done) { AddReplyThen(report_id, staff, message, std::move(done)); });
}

void Reports::SubmitThen(const NewReport& report, AckDone done) {
  if (auto ok = CheckReport(report); !ok) return done(ok.error());
  translog::ObjectId id = NewId();
  RecordBuilder builder("report");
  builder.Add("id", IdText(id))
      .Add("lookup-hash", HexEncode(HashLookupId(report.lookup_id)))
      .Add("reporter-recipient", report.reporter_recipient);
  for (const auto& a : report.attachments) builder.Add("attachment", AttachmentLine(a));
  CommitMessage(EntryType::kReport, builder.Finish(report.ciphertext), id, translog::ActorId{},
                report.attachments, IdText(id), std::move(done));
}

void Reports::AddFollowUpThen(ByteSpan lookup_id, const NewMessage& message, AckDone done) {
  // CheckFollowUp's checks, in its order, with the report id read once.
  auto report_id = ReportIdOf(lookup_id);
  if (!report_id) return done(report_id.error());
  if (auto ok = CheckMessage(message.ciphertext, message.attachments); !ok) return done(ok.error());
  translog::ObjectId id = NewId();
  RecordBuilder builder("follow-up");
  builder.Add("id", IdText(id)).Add("report", *report_id);
  for (const auto& a : message.attachments) builder.Add("attachment", AttachmentLine(a));
  CommitMessage(EntryType::kFollowUp, builder.Finish(message.ciphertext), id, translog::ActorId{},
                message.attachments, *report_id, std::move(done));
}

void Reports::AddReplyThen(std::string_view report_id, const translog::ActorId& staff,
                           const NewMessage& message, AckDone done) {
  if (auto ok = CheckReply(report_id, message); !ok) return done(ok.error());
  translog::ObjectId id = NewId();
  RecordBuilder builder("reply");
  builder.Add("id", IdText(id)).Add("report", std::string(report_id));
  for (const auto& a : message.attachments) builder.Add("attachment", AttachmentLine(a));
  CommitMessage(EntryType::kReply, builder.Finish(message.ciphertext), id, staff,
                message.attachments, std::string(report_id), std::move(done));
}

Result<std::string> Reports::ReportIdOf(ByteSpan lookup_id) const {
  if (lookup_id.size() != kLookupIdSize)
    return MakeError(Errc::kInvalidArgument, "a lookup id is 32 bytes");
  std::string id;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows,
                           t.Query("SELECT id FROM reports WHERE lookup_hash = ? AND deleted = 0",
                                   {Blob(HashLookupId(lookup_id))}));
    if (rows.empty()) return MakeError(Errc::kNotFound, "no report has this lookup id");
    id = Str(rows[0][0]);
    return OkStatus();
  }));
  return id;
}

Result<std::uint64_t> Reports::Delete(std::string_view report_id, const translog::ActorId& by) {
  VIGIL_RETURN_IF_ERROR(Get(report_id));  // exists and is not deleted (ids checked there)
  translog::ObjectId id = NewId();
  RecordBuilder record("deletion");
  record.Add("id", IdText(id)).Add("kind", "report").Add("object", std::string(report_id));
  VIGIL_ASSIGN_OR_RETURN(
      auto committed,
      ledger_.Commit({{EntryType::kDeletion, id, by, record.Finish(), std::nullopt}}));
  return committed.first_index;
}

Result<ReportView> Reports::FindByLookup(ByteSpan lookup_id) const {
  VIGIL_ASSIGN_OR_RETURN(std::string id, ReportIdOf(lookup_id));
  return Get(id);
}

Result<ReportView> Reports::Get(std::string_view report_id) const {
  VIGIL_RETURN_IF_ERROR(records::ParseId(report_id));
  ReportView view;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    const std::string id(report_id);
    VIGIL_ASSIGN_OR_RETURN(
        auto rows,
        t.Query(std::string(kSummaryColumns) + "WHERE r.id = ? AND r.deleted = 0", {id}));
    if (rows.empty()) return MakeError(Errc::kNotFound, "no such report");
    view.summary = SummaryOf(rows[0]);
    VIGIL_ASSIGN_OR_RETURN(auto recipient,
                           t.Query("SELECT reporter_recipient FROM reports WHERE id = ?", {id}));
    view.reporter_recipient = Str(recipient.at(0).at(0));
    VIGIL_ASSIGN_OR_RETURN(
        auto messages,
        t.Query("SELECT id, kind, author, record_size - payload_offset, log_index, created_hour "
                "FROM messages WHERE report_index = ? ORDER BY log_index",
                {I64(view.summary.log_index)}));
    for (const auto& m : messages)
      view.messages.push_back(
          MessageInfo{Str(m[0]), Str(m[1]), Str(m[2]), U64(m[3]), U64(m[4]), U32(m[5]), {}});
    VIGIL_ASSIGN_OR_RETURN(
        auto attachments,
        t.Query("SELECT a.message_id, a.id, a.size, a.log_index FROM attachments a JOIN messages "
                "m ON a.message_id = m.id WHERE m.report_index = ? ORDER BY a.log_index",
                {I64(view.summary.log_index)}));
    for (const auto& a : attachments)
      for (auto& m : view.messages)
        if (m.id == Str(a[0])) m.attachments.push_back({Str(a[1]), U64(a[2]), U64(a[3])});
    return OkStatus();
  }));
  return view;
}

std::string ListCursor(const ReportSummary& last) {
  return std::to_string(last.updated_hour) + "." + std::to_string(last.log_index);
}

Result<std::vector<ReportSummary>> Reports::List(std::string_view after, std::size_t limit) const {
  std::vector<ReportSummary> out;
  std::string sql = std::string(kSummaryColumns) + "WHERE r.deleted = 0 ";
  store::Params params;
  if (!after.empty()) {
    // The cursor is "<updated hour>.<log index>" of the last report of the previous page.
    std::size_t dot = after.find('.');
    if (dot == std::string_view::npos) return MakeError(Errc::kInvalidArgument, "bad cursor");
    auto hour = records::ParseDecimal(after.substr(0, dot));
    auto index = records::ParseDecimal(after.substr(dot + 1));
    if (!hour || !index) return MakeError(Errc::kInvalidArgument, "bad cursor");
    sql += "AND (r.updated_hour < ? OR (r.updated_hour = ? AND r.log_index < ?)) ";
    params = {I64(*hour), I64(*hour), I64(*index)};
  }
  sql += "ORDER BY r.updated_hour DESC, r.log_index DESC LIMIT " + std::to_string(limit);
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query(sql, params));
    for (const auto& r : rows) out.push_back(SummaryOf(r));
    return OkStatus();
  }));
  return out;
}

Result<Location> Reports::LocateMessage(std::string_view report_id,
                                        std::string_view message_id) const {
  VIGIL_RETURN_IF_ERROR(records::ParseId(report_id));
  VIGIL_RETURN_IF_ERROR(records::ParseId(message_id));
  Location where;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(
        auto rows, t.Query("SELECT m.record_sha256, m.payload_offset, m.record_size FROM messages "
                           "m JOIN reports r ON r.id = m.report_id WHERE m.id = ? AND "
                           "m.report_id = ? AND r.deleted = 0",
                           {std::string(message_id), std::string(report_id)}));
    if (rows.empty()) return MakeError(Errc::kNotFound, "no such message");
    const Bytes& sha = std::get<Bytes>(rows[0][0]);
    std::copy(sha.begin(), sha.end(), where.sha256.begin());
    where.offset = U64(rows[0][1]);
    where.size = U64(rows[0][2]) - where.offset;
    return OkStatus();
  }));
  return where;
}

Result<Location> Reports::LocateAttachment(std::string_view report_id,
                                           std::string_view attachment_id) const {
  VIGIL_RETURN_IF_ERROR(records::ParseId(report_id));
  VIGIL_RETURN_IF_ERROR(records::ParseId(attachment_id));
  Location where;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(
        auto rows, t.Query("SELECT a.sha256, a.size FROM attachments a JOIN messages m ON "
                           "a.message_id = m.id JOIN reports r ON r.id = m.report_id WHERE a.id = "
                           "? AND m.report_id = ? AND r.deleted = 0",
                           {std::string(attachment_id), std::string(report_id)}));
    if (rows.empty()) return MakeError(Errc::kNotFound, "no such attachment");
    const Bytes& sha = std::get<Bytes>(rows[0][0]);
    std::copy(sha.begin(), sha.end(), where.sha256.begin());
    where.size = U64(rows[0][1]);
    return OkStatus();
  }));
  return where;
}

}  // namespace vigil::reports
