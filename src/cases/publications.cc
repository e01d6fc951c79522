// Format: docs/formats/statistics.md; records: docs/formats/records.md, "statistics".
#include "cases/publications.h"

#include <boost/json.hpp>

#include "store/values.h"

namespace vigil::cases {
namespace {

namespace json = boost::json;
using store::I64;
using store::Str;
using store::U32;
using store::U64;

constexpr std::size_t kMaxLabels = 200;

Error Bad(std::string what) { return MakeError(Errc::kInvalidArgument, "statistics: " + what); }

Result<std::vector<std::string>> Labels(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  if (!v || !v->is_array() || v->as_array().empty() || v->as_array().size() > kMaxLabels)
    return Bad(std::string(key) + " must be 1 to 200 labels");
  std::vector<std::string> out;
  for (const auto& item : v->as_array()) {
    if (!item.is_string() || item.as_string().empty() || item.as_string().size() > 200)
      return Bad(std::string(key) + ": a label is not a short string");
    out.emplace_back(item.as_string());
  }
  return out;
}

// A figure: a count, or {"suppressed": "fewer_than_k" | "complementary"}.
Result<PublishedCell> Cell(const json::value& v) {
  if (const std::int64_t* n = v.if_int64()) return PublishedCell{*n, false};
  if (const json::object* o = v.if_object(); o && o->size() == 1 && o->contains("suppressed")) {
    const json::value& why = o->at("suppressed");
    if (why == "fewer_than_k") return PublishedCell{std::nullopt, true};
    if (why == "complementary") return PublishedCell{std::nullopt, false};
  }
  return Bad("a figure is neither a count nor a suppression");
}

Result<std::vector<PublishedCell>> Cells(const json::value* v, std::size_t n, const char* what) {
  if (!v || !v->is_array() || v->as_array().size() != n)
    return Bad(std::string(what) + " has the wrong number of figures");
  std::vector<PublishedCell> out;
  for (const auto& item : v->as_array()) {
    VIGIL_ASSIGN_OR_RETURN(PublishedCell c, Cell(item));
    out.push_back(c);
  }
  return out;
}

json::value CellJson(const PublishedCell& c) {
  if (c.value) return *c.value;
  return json::object{{"suppressed", c.primary ? "fewer_than_k" : "complementary"}};
}

Status ApplyStatistics(store::Transaction& t, const records::Applied& a) {
  std::string_view text(reinterpret_cast<const char*>(a.record->payload.data()),
                        a.record->payload.size());
  auto document = ParseStatistics(text);
  if (!document) return records::Corrupt(a, "bad statistics payload");
  return t.Execute(
      "INSERT INTO statistics (id, title, log_index, hour, document) VALUES (?, ?, ?, ?, ?) "
      "ON CONFLICT DO NOTHING",
      {records::IdText(a.entry.object_id), document->title, I64(a.index),
       static_cast<std::int64_t>(a.entry.hour), std::string(text)});
}

}  // namespace

Result<StatisticsDocument> ParseStatistics(std::string_view json_text) {
  boost::system::error_code ec;
  json::parse_options options;
  options.max_depth = 6;
  json::value v = json::parse(json_text, ec, {}, options);
  if (ec || !v.is_object()) return Bad("not a JSON object");
  const json::object& o = v.as_object();
  for (const auto& field : o)
    if (field.key() != "format" && field.key() != "title" && field.key() != "k" &&
        field.key() != "rows" && field.key() != "columns" && field.key() != "cells" &&
        field.key() != "row_totals" && field.key() != "column_totals" && field.key() != "total")
      return Bad("unknown field " + std::string(field.key()));
  if (!o.contains("format") || o.at("format") != "vigil-statistics/v1")
    return Bad("format must be vigil-statistics/v1");
  StatisticsDocument d;
  const json::value* title = o.if_contains("title");
  if (!title || !title->is_string() || title->as_string().empty() ||
      title->as_string().size() > 300)
    return Bad("a title of 1 to 300 characters is required");
  d.title = std::string(title->as_string());
  const json::value* k = o.if_contains("k");
  if (!k || !k->is_int64() || k->as_int64() < 2 || k->as_int64() > 100)
    return Bad("k must be an integer from 2 to 100");
  d.table.k = k->as_int64();
  VIGIL_ASSIGN_OR_RETURN(d.rows, Labels(o, "rows"));
  VIGIL_ASSIGN_OR_RETURN(d.columns, Labels(o, "columns"));
  const json::value* cells = o.if_contains("cells");
  if (!cells || !cells->is_array() || cells->as_array().size() != d.rows.size())
    return Bad("cells must have one row per label");
  for (const auto& row : cells->as_array()) {
    VIGIL_ASSIGN_OR_RETURN(auto r, Cells(&row, d.columns.size(), "a row of cells"));
    d.table.cells.push_back(std::move(r));
  }
  VIGIL_ASSIGN_OR_RETURN(d.table.row_totals,
                         Cells(o.if_contains("row_totals"), d.rows.size(), "row_totals"));
  VIGIL_ASSIGN_OR_RETURN(d.table.column_totals,
                         Cells(o.if_contains("column_totals"), d.columns.size(), "column_totals"));
  const json::value* total = o.if_contains("total");
  if (!total) return Bad("total is required");
  VIGIL_ASSIGN_OR_RETURN(d.table.total, Cell(*total));
  return d;
}

std::string FormatStatistics(const StatisticsDocument& d) {
  json::array rows, columns, cells, row_totals, column_totals;
  for (const auto& l : d.rows) rows.push_back(json::string(l));
  for (const auto& l : d.columns) columns.push_back(json::string(l));
  for (const auto& r : d.table.cells) {
    json::array row;
    for (const auto& c : r) row.push_back(CellJson(c));
    cells.push_back(std::move(row));
  }
  for (const auto& c : d.table.row_totals) row_totals.push_back(CellJson(c));
  for (const auto& c : d.table.column_totals) column_totals.push_back(CellJson(c));
  return json::serialize(json::object{{"format", "vigil-statistics/v1"},
                                      {"title", d.title},
                                      {"k", d.table.k},
                                      {"rows", std::move(rows)},
                                      {"columns", std::move(columns)},
                                      {"cells", std::move(cells)},
                                      {"row_totals", std::move(row_totals)},
                                      {"column_totals", std::move(column_totals)},
                                      {"total", CellJson(d.table.total)}});
}

Publications::Publications(records::Ledger& ledger, store::Database& db, Random& random,
                           std::function<std::int64_t()> minimum_k)
    : ledger_(ledger), db_(db), random_(random), minimum_k_(std::move(minimum_k)) {
  ledger_.Register(translog::EntryType::kStatistics, ApplyStatistics, /*has_record=*/true);
}

Result<Publication> Publications::Publish(const StatisticsDocument& document,
                                          const translog::ActorId& by) {
  if (minimum_k_ && document.table.k < minimum_k_())
    return MakeError(Errc::kInvalidArgument, "k " + std::to_string(document.table.k) +
                                                 " is below this instance's threshold " +
                                                 std::to_string(minimum_k_()));
  VIGIL_RETURN_IF_ERROR(CheckPublishable(document.table));
  std::string text = FormatStatistics(document);
  translog::ObjectId id{};
  random_.Fill(id);
  records::RecordBuilder record("statistics");
  record.Add("id", records::IdText(id));
  VIGIL_ASSIGN_OR_RETURN(auto committed,
                         ledger_.Commit({{translog::EntryType::kStatistics, id, by,
                                          record.Finish(AsBytes(text)), std::nullopt}}));
  return Publication{records::IdText(id), committed.first_index, committed.entries.front().hour,
                     document.title, text};
}

Result<std::vector<Publication>> Publications::List() const {
  std::vector<Publication> out;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](store::Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT id, log_index, hour, title FROM statistics "
                                              "ORDER BY log_index DESC LIMIT 500"));
    for (const auto& r : rows) out.push_back({Str(r[0]), U64(r[1]), U32(r[2]), Str(r[3]), ""});
    return OkStatus();
  }));
  return out;
}

Result<Publication> Publications::Get(std::string_view id) const {
  VIGIL_RETURN_IF_ERROR(records::ParseId(id));
  Publication p;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](store::Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT id, log_index, hour, title, document FROM "
                                              "statistics WHERE id = ?",
                                              {std::string(id)}));
    if (rows.empty()) return MakeError(Errc::kNotFound, "no such publication");
    p = {Str(rows[0][0]), U64(rows[0][1]), U32(rows[0][2]), Str(rows[0][3]), Str(rows[0][4])};
    return OkStatus();
  }));
  return p;
}

}  // namespace vigil::cases
