// Records: docs/formats/records.md, "case-revision" and "case-custody".
#include "cases/cases.h"

#include "base/hex.h"
#include "cases/export.h"
#include "reports/ciphertext.h"
#include "store/values.h"

namespace vigil::cases {
namespace {

using records::Applied;
using records::Corrupt;
using records::IdText;
using records::ParseDecimal;
using store::Blob;
using store::I64;
using store::Str;
using store::Transaction;
using store::U32;
using store::U64;
using translog::EntryType;

constexpr std::int64_t kMaxRevisions = 1'000'000;

Status InsertEvent(Transaction& t, const Applied& a, std::string_view case_id,
                   std::string_view kind, std::int64_t revision, std::string_view detail) {
  return t.Execute(
      "INSERT INTO case_events (log_index, case_id, kind, revision, record_sha256, record_size, "
      "payload_offset, detail, hour, author) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT DO NOTHING",
      {I64(a.index), std::string(case_id), std::string(kind), revision, Blob(a.entry.blob_sha256),
       I64(a.entry.blob_size), I64(a.payload_offset), std::string(detail),
       static_cast<std::int64_t>(a.entry.hour), HexEncode(a.entry.actor)});
}

// How many revisions a case has in the index: nothing when it has none.
Result<std::optional<std::int64_t>> RevisionsOf(Transaction& t, std::string_view case_id) {
  VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT revisions FROM cases WHERE id = ? AND "
                                            "deleted = 0",
                                            {std::string(case_id)}));
  if (rows.empty()) return std::optional<std::int64_t>();
  return std::optional<std::int64_t>(std::get<std::int64_t>(rows[0][0]));
}

// Total: a revision that does not follow the case's latest (only a log written by something
// other than Cases could hold one) is kept in the log and ignored here; the first wins.
Status ApplyRevision(Transaction& t, const Applied& a) {
  auto case_id = a.record->One("case");
  auto number = a.record->One("revision");
  if (!case_id || !number) return Corrupt(a, "case revision lacks a field");
  auto n = ParseDecimal(*number);
  if (!n || *n < 1 || !records::ParseId(*case_id)) return Corrupt(a, "bad case revision");
  VIGIL_ASSIGN_OR_RETURN(auto have, RevisionsOf(t, *case_id));
  auto hour = static_cast<std::int64_t>(a.entry.hour);
  if (*n == 1 && !have) {
    VIGIL_RETURN_IF_ERROR(
        t.Execute("INSERT INTO cases (id, revisions, created_hour, updated_hour, log_index) "
                  "VALUES (?, 1, ?, ?, ?) ON CONFLICT DO NOTHING",
                  {std::string(*case_id), hour, hour, I64(a.index)}));
    return InsertEvent(t, a, *case_id, "revision", 1, "");
  }
  if (!have || *have != *n - 1) return OkStatus();
  VIGIL_RETURN_IF_ERROR(InsertEvent(t, a, *case_id, "revision", *n, ""));
  return t.Execute("UPDATE cases SET revisions = ?, updated_hour = ? WHERE id = ?",
                   {*n, hour, std::string(*case_id)});
}

Status ApplyCustody(Transaction& t, const Applied& a) {
  auto case_id = a.record->One("case");
  auto event = a.record->One("event");
  auto number = a.record->One("revision");
  auto manifest = a.record->One("manifest-sha256");
  if (!case_id || !event || !number || !manifest || *event != "export")
    return Corrupt(a, "bad case custody record");
  auto n = ParseDecimal(*number);
  if (!n) return Corrupt(a, "bad case custody revision");
  VIGIL_ASSIGN_OR_RETURN(auto have, RevisionsOf(t, *case_id));
  if (!have) return OkStatus();
  return InsertEvent(t, a, *case_id, "export", *n, *manifest);
}

// A case with its latest revision.
constexpr char kSummaryColumns[] =
    "SELECT c.id, c.revisions, c.created_hour, c.updated_hour, c.log_index, e.log_index, "
    "e.record_sha256, e.record_size, e.payload_offset FROM cases c JOIN case_events e ON "
    "e.case_id = c.id AND e.kind = 'revision' AND e.revision = c.revisions ";

Result<reports::Location> LocationOf(const store::Value& sha, const store::Value& size,
                                     const store::Value& offset) {
  reports::Location where;
  const Bytes& digest = std::get<Bytes>(sha);
  if (digest.size() != where.sha256.size())
    return MakeError(Errc::kCorrupt, "bad digest in case_events");
  std::copy(digest.begin(), digest.end(), where.sha256.begin());
  where.offset = U64(offset);
  where.size = U64(size) - where.offset;
  return where;
}

Result<CaseSummary> SummaryOf(const store::Row& r) {
  VIGIL_ASSIGN_OR_RETURN(reports::Location latest, LocationOf(r[6], r[7], r[8]));
  return CaseSummary{
      Str(r[0]), std::get<std::int64_t>(r[1]), U32(r[2]), U32(r[3]), U64(r[4]), U64(r[5]), latest};
}

}  // namespace

Cases::Cases(records::Ledger& ledger, store::Database& db, Random& random, CasesOptions options)
    : ledger_(ledger), db_(db), random_(random), options_(options) {
  ledger_.Register(
      EntryType::kCaseRevision,
      [](Transaction& t, const Applied& a) -> Status {
        if (a.record->type() == "case-custody") return ApplyCustody(t, a);
        if (a.record->type() == "case-revision") return ApplyRevision(t, a);
        return Corrupt(a, "unknown case record type");
      },
      /*has_record=*/true);
}

Result<CaseAck> Cases::Commit(const translog::ObjectId& case_id, std::int64_t revision,
                              ByteSpan ciphertext, const translog::ActorId& by) {
  translog::ObjectId id{};
  random_.Fill(id);
  records::RecordBuilder record("case-revision");
  record.Add("id", IdText(id));
  record.Add("case", IdText(case_id));
  record.Add("revision", std::to_string(revision));
  records::Change change;
  change.type = EntryType::kCaseRevision;
  change.id = id;
  change.actor = by;
  change.blob = record.Finish(ciphertext);
  VIGIL_ASSIGN_OR_RETURN(auto committed, ledger_.Commit({std::move(change)}));
  return CaseAck{IdText(case_id), revision, committed.first_index};
}

Result<CaseAck> Cases::Create(ByteSpan ciphertext, const translog::ActorId& by,
                              std::string_view case_id) {
  VIGIL_RETURN_IF_ERROR(reports::CheckAgeFile(ciphertext, options_.revision_recipients));
  translog::ObjectId id{};
  if (case_id.empty()) {
    random_.Fill(id);
    return Commit(id, 1, ciphertext, by);
  }
  VIGIL_ASSIGN_OR_RETURN(id, records::ParseId(case_id));
  std::lock_guard lock(revise_mutex_);
  if (Get(case_id)) return MakeError(Errc::kAlreadyExists, "a case has this id");
  return Commit(id, 1, ciphertext, by);
}

Result<CaseAck> Cases::Revise(std::string_view case_id, std::int64_t base, ByteSpan ciphertext,
                              const translog::ActorId& by) {
  VIGIL_ASSIGN_OR_RETURN(translog::ObjectId id, records::ParseId(case_id));
  if (base < 1 || base >= kMaxRevisions)
    return MakeError(Errc::kInvalidArgument, "base revision out of range");
  VIGIL_RETURN_IF_ERROR(reports::CheckAgeFile(ciphertext, options_.revision_recipients));
  std::lock_guard lock(revise_mutex_);
  VIGIL_ASSIGN_OR_RETURN(CaseSummary current, Get(case_id));
  if (current.revisions != base)
    return MakeError(Errc::kFailedPrecondition, "base revision " + std::to_string(base) +
                                                    " is not the latest (" +
                                                    std::to_string(current.revisions) + ")");
  return Commit(id, base + 1, ciphertext, by);
}

Result<CaseAck> Cases::RecordExport(std::string_view case_id, std::int64_t revision,
                                    std::string_view manifest_sha256, const translog::ActorId& by) {
  VIGIL_RETURN_IF_ERROR(records::ParseId(case_id));
  if (!store::ParseDigest(manifest_sha256) || manifest_sha256.size() != 64)
    return MakeError(Errc::kInvalidArgument, "the manifest digest is not 64 hex digits");
  for (char c : manifest_sha256)
    if (c >= 'A' && c <= 'F') return MakeError(Errc::kInvalidArgument, "upper-case digest");
  VIGIL_ASSIGN_OR_RETURN(CaseSummary current, Get(case_id));
  if (revision < 1 || revision > current.revisions)
    return MakeError(Errc::kInvalidArgument, "no such revision to export");
  translog::ObjectId id{};
  random_.Fill(id);
  records::Change change;
  change.type = EntryType::kCaseRevision;
  change.id = id;
  change.actor = by;
  change.blob = ExportCustodyRecord(IdText(id), case_id, revision, manifest_sha256);
  VIGIL_ASSIGN_OR_RETURN(auto committed, ledger_.Commit({std::move(change)}));
  return CaseAck{std::string(case_id), revision, committed.first_index};
}

Result<std::vector<CaseSummary>> Cases::List(std::string_view after, std::size_t limit) const {
  std::string sql = std::string(kSummaryColumns) + "WHERE c.deleted = 0 ";
  std::vector<store::Value> args;
  if (!after.empty()) {
    std::size_t dot = after.find('.');
    auto hour = dot == std::string_view::npos ? std::nullopt : ParseDecimal(after.substr(0, dot));
    if (!hour || !records::ParseId(after.substr(dot + 1)))
      return MakeError(Errc::kInvalidArgument, "bad cursor");
    // A row-value comparison, which both databases answer from the cases_by_update index
    // as a range (the OR of the two parts made SQLite walk every case of the cursor's hour).
    sql += "AND (c.updated_hour, c.id) < (?, ?) ";
    args = {*hour, std::string(after.substr(dot + 1))};
  }
  sql += "ORDER BY c.updated_hour DESC, c.id DESC LIMIT " + std::to_string(limit);
  std::vector<CaseSummary> out;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query(sql, args));
    for (const auto& r : rows) {
      VIGIL_ASSIGN_OR_RETURN(CaseSummary summary, SummaryOf(r));
      out.push_back(std::move(summary));
    }
    return OkStatus();
  }));
  return out;
}

Result<CaseSummary> Cases::Get(std::string_view case_id) const {
  VIGIL_RETURN_IF_ERROR(records::ParseId(case_id));
  CaseSummary out;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(
        auto rows, t.Query(std::string(kSummaryColumns) + "WHERE c.id = ? AND c.deleted = 0",
                           {std::string(case_id)}));
    if (rows.empty()) return MakeError(Errc::kNotFound, "no such case");
    VIGIL_ASSIGN_OR_RETURN(out, SummaryOf(rows[0]));
    return OkStatus();
  }));
  return out;
}

Result<std::vector<CaseEvent>> Cases::Events(std::string_view case_id) const {
  VIGIL_RETURN_IF_ERROR(Get(case_id));
  std::vector<CaseEvent> out;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows,
                           t.Query("SELECT log_index, kind, revision, detail, hour, author, "
                                   "record_sha256, record_size, payload_offset FROM case_events "
                                   "WHERE case_id = ? ORDER BY log_index",
                                   {std::string(case_id)}));
    for (const auto& r : rows) {
      CaseEvent e;
      e.log_index = U64(r[0]);
      e.kind = Str(r[1]);
      e.detail = Str(r[3]);
      e.revision = std::get<std::int64_t>(r[2]);
      e.hour = U32(r[4]);
      e.author = Str(r[5]);
      VIGIL_ASSIGN_OR_RETURN(e.where, LocationOf(r[6], r[7], r[8]));
      e.size = e.where.size;
      out.push_back(std::move(e));
    }
    return OkStatus();
  }));
  return out;
}

Result<CaseEvent> Cases::Revision(std::string_view case_id, std::int64_t revision) const {
  VIGIL_ASSIGN_OR_RETURN(auto events, Events(case_id));
  const CaseEvent* found = nullptr;
  for (const auto& e : events)
    if (e.kind == "revision" && (revision == 0 || e.revision == revision)) found = &e;
  if (!found) return MakeError(Errc::kNotFound, "no such revision");
  return *found;
}

}  // namespace vigil::cases
