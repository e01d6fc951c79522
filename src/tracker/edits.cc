// Records: docs/formats/records.md, "tracker-edit".
#include "tracker/edits.h"

#include <boost/json.hpp>

#include "base/hex.h"
#include "store/values.h"

namespace vigil::tracker {
namespace {

namespace json = boost::json;
using records::Applied;
using store::I64;
using store::Str;
using store::Transaction;
using store::U32;
using store::U64;

// The payload of a tracker-edit record: UTF-8 JSON, public.
Bytes Payload(const TrackerEdit& e) {
  std::string text = json::serialize(json::object{{"value", e.value}, {"source", e.source}});
  return Bytes(text.begin(), text.end());
}

Status ApplyTrackerEdit(Transaction& t, const Applied& a) {
  auto iso3 = a.record->One("state");
  auto field = a.record->One("field");
  if (!iso3 || !field) return records::Corrupt(a, "bad tracker-edit record");
  boost::system::error_code ec;
  json::value payload =
      json::parse(std::string_view(reinterpret_cast<const char*>(a.record->payload.data()),
                                   a.record->payload.size()),
                  ec);
  if (ec || !payload.is_object() || !payload.as_object().contains("value") ||
      !payload.at("value").is_string() || !payload.as_object().contains("source") ||
      !payload.at("source").is_string())
    return records::Corrupt(a, "bad tracker-edit payload");
  return t.Execute(
      "INSERT INTO tracker_edits (log_index, id, iso3, field, value, source, hour, editor) "
      "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
      {I64(a.index), records::IdText(a.entry.object_id), std::string(*iso3), std::string(*field),
       std::string(payload.at("value").as_string()), std::string(payload.at("source").as_string()),
       static_cast<std::int64_t>(a.entry.hour), HexEncode(a.entry.actor)});
}

}  // namespace

TrackerEdits::TrackerEdits(records::Ledger& ledger, store::Database& db, Random& random,
                           const TrackerData& baseline)
    : ledger_(ledger), db_(db), random_(random), baseline_(baseline) {
  ledger_.Register(translog::EntryType::kTrackerEdit, ApplyTrackerEdit, /*has_record=*/true);
}

Result<TrackerData> TrackerEdits::Current() const {
  TrackerData data = baseline_;
  VIGIL_ASSIGN_OR_RETURN(auto edits, History("", 0, SIZE_MAX));
  // Every edit was checked when it was made; one that no longer applies (the baseline changed
  // under it in a new release) is skipped, and its history entry still shows it.
  for (const auto& e : edits) (void)ApplyEdit(data, e.edit);
  return data;
}

Result<EditView> TrackerEdits::Commit(const TrackerEdit& edit, const translog::ActorId& editor) {
  std::lock_guard lock(commit_mutex_);
  VIGIL_ASSIGN_OR_RETURN(TrackerData data, Current());
  VIGIL_RETURN_IF_ERROR(ApplyEdit(data, edit));
  translog::ObjectId id{};
  random_.Fill(id);
  records::RecordBuilder record("tracker-edit");
  record.Add("id", records::IdText(id)).Add("state", edit.iso3).Add("field", edit.field);
  VIGIL_ASSIGN_OR_RETURN(auto committed,
                         ledger_.Commit({{translog::EntryType::kTrackerEdit, id, editor,
                                          record.Finish(Payload(edit)), std::nullopt}}));
  return EditView{records::IdText(id), committed.first_index, committed.entries.front().hour,
                  HexEncode(editor), edit};
}

Result<std::vector<EditView>> TrackerEdits::History(std::string_view iso3, std::uint64_t after,
                                                    std::size_t limit) const {
  std::vector<EditView> out;
  std::string sql =
      "SELECT id, log_index, hour, editor, iso3, field, value, source FROM tracker_edits "
      "WHERE log_index >= ? ";
  store::Params params{I64(after)};
  if (!iso3.empty()) {
    sql += "AND iso3 = ? ";
    params.push_back(std::string(iso3));
  }
  sql += "ORDER BY log_index";
  if (limit != SIZE_MAX) sql += " LIMIT " + std::to_string(limit);
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query(sql, params));
    for (const auto& r : rows)
      out.push_back({Str(r[0]), U64(r[1]), U32(r[2]), Str(r[3]),
                     TrackerEdit{Str(r[4]), Str(r[5]), Str(r[6]), Str(r[7])}});
    return OkStatus();
  }));
  return out;
}

}  // namespace vigil::tracker
