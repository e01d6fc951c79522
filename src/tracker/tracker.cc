// Format and sources: docs/formats/tracker.md, data/tracker/README.md.
#include "tracker/tracker.h"

#include <algorithm>
#include <set>

#include "tracker/csv.h"

namespace vigil::tracker {
namespace {

struct Embedded {
  std::string_view name;
  std::string_view contents;
};
// Generated at configure time (CMakeLists.txt).
constexpr Embedded kFiles[] = {
#include "tracker_files.inc"
};
constexpr std::string_view kAlpha3 =
#include "iso3166_alpha3.inc"
    ;

constexpr std::string_view kStatuses[] = {"party", "withdrawal_notified", "withdrawn"};
constexpr std::string_view kRegions[] = {
    "African States", "Asia-Pacific States", "Eastern European States",
    "Latin American and Caribbean States", "Western European and other States"};
constexpr char kCompiled[] = "2026-11-24";

std::string_view FileNamed(std::string_view name) {
  for (const auto& f : kFiles)
    if (f.name == name) return f.contents;
  return {};
}

template <std::size_t N>
bool OneOf(std::string_view v, const std::string_view (&list)[N]) {
  return std::find(std::begin(list), std::end(list), v) != std::end(list);
}

// Reads the named columns of one file, each required.
class Reader {
 public:
  Reader(std::string_view file, const CsvTable& table) : file_(file), table_(table) {}
  Status Require(std::initializer_list<std::string_view> columns) {
    for (auto c : columns)
      if (table_.Column(c) == table_.header.size())
        return MakeError(Errc::kInvalidArgument,
                         std::string(file_) + ": missing column " + std::string(c));
    return OkStatus();
  }
  const std::string& Get(std::size_t row, std::string_view column) const {
    return table_.rows[row][table_.Column(column)];
  }
  Error Bad(std::size_t row, std::string what) const {
    std::string iso = table_.Column("iso3") < table_.header.size() ? Get(row, "iso3") : "";
    return MakeError(Errc::kInvalidArgument,
                     std::string(file_) + " line " + std::to_string(table_.lines[row]) +
                         (iso.empty() ? "" : " (" + iso + ")") + ": " + what);
  }
  // An optional date column: empty, or a real date.
  Status Date(std::size_t row, std::string_view column) const {
    const std::string& v = Get(row, column);
    if (!v.empty() && !IsIsoDate(v))
      return Bad(row, std::string(column) + " '" + v + "' is not a date (YYYY-MM-DD)");
    return OkStatus();
  }
  Status Iso3(std::size_t row) const {
    const std::string& v = Get(row, "iso3");
    if (!IsIso3166Alpha3(v)) return Bad(row, "'" + v + "' is not an ISO 3166-1 alpha-3 code");
    return OkStatus();
  }
  Status Source(std::size_t row, std::string_view column = "source") const {
    if (Get(row, column).find_first_not_of(' ') == std::string::npos)
      return Bad(row, "no source: every fact needs one");
    return OkStatus();
  }
  std::size_t size() const { return table_.rows.size(); }

 private:
  std::string_view file_;
  const CsvTable& table_;
};

Result<CsvTable> Parse(std::string_view file, std::string_view text) {
  auto table = ParseCsv(text);
  if (!table)
    return MakeError(Errc::kInvalidArgument, std::string(file) + " " + table.error().detail);
  return table;
}

bool MarkedDerived(const std::string& notes) { return notes.find("DERIVED") != std::string::npos; }

}  // namespace

bool IsIso3166Alpha3(std::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code)
    if (c < 'A' || c > 'Z') return false;
  // kAlpha3 is every code followed by a space.
  for (std::size_t at = 0; at + 3 <= kAlpha3.size(); at += 4)
    if (kAlpha3.substr(at, 3) == code) return true;
  return false;
}

bool IsIsoDate(std::string_view d) {
  if (d.size() != 10 || d[4] != '-' || d[7] != '-') return false;
  for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (d[i] < '0' || d[i] > '9') return false;
  int y = std::stoi(std::string(d.substr(0, 4)));
  int m = std::stoi(std::string(d.substr(5, 2)));
  int day = std::stoi(std::string(d.substr(8, 2)));
  if (y < 1900 || m < 1 || m > 12 || day < 1) return false;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  return day <= kDays[m - 1] + (m == 2 && leap ? 1 : 0);
}

const StateRecord* TrackerData::Find(std::string_view iso3) const {
  for (const auto& s : states)
    if (s.iso3 == iso3) return &s;
  return nullptr;
}

Headline TrackerData::Counts() const {
  Headline h;
  for (const auto& s : states) {
    bool party = s.status == "party" || s.status == "withdrawal_notified";
    if (party) {
      ++h.states_parties;
      if (s.ratification.known()) ++h.ratification_dates_known;
    }
    if (s.apic_listed) {
      ++h.apic_listed;
      if (party) ++h.apic_parties_party_to_statute;
      if (s.apic_ratification.known())
        ++(s.apic_ratification.derived ? h.apic_dates_derived : h.apic_dates_read);
    }
  }
  return h;
}

Result<TrackerData> LoadTracker(const TrackerFiles& files, std::string compiled) {
  TrackerData data;
  data.compiled = std::move(compiled);
  std::map<std::string, std::size_t> index;

  VIGIL_ASSIGN_OR_RETURN(CsvTable parties, Parse("states_parties.csv", files.states_parties));
  Reader p("states_parties.csv", parties);
  VIGIL_RETURN_IF_ERROR(
      p.Require({"iso3", "name_en", "name_fr", "name_es", "region", "ratification_date",
                 "entry_into_force", "status", "withdrawal_effective", "source", "notes"}));
  for (std::size_t r = 0; r < p.size(); ++r) {
    VIGIL_RETURN_IF_ERROR(p.Iso3(r));
    VIGIL_RETURN_IF_ERROR(p.Source(r));
    for (auto column : {"ratification_date", "entry_into_force", "withdrawal_effective"})
      VIGIL_RETURN_IF_ERROR(p.Date(r, column));
    if (!OneOf(p.Get(r, "status"), kStatuses))
      return p.Bad(r, "status '" + p.Get(r, "status") +
                          "' is not party, withdrawal_notified "
                          "or withdrawn");
    if (!OneOf(p.Get(r, "region"), kRegions))
      return p.Bad(r, "region '" + p.Get(r, "region") + "' is not an ASP regional group");
    if (p.Get(r, "name_en").empty()) return p.Bad(r, "no English name");
    if ((p.Get(r, "status") == "withdrawn") != !p.Get(r, "withdrawal_effective").empty())
      return p.Bad(r, "a withdrawn State needs withdrawal_effective, and only it");
    if (!index.emplace(p.Get(r, "iso3"), data.states.size()).second)
      return p.Bad(r, "the State appears twice");
    StateRecord s;
    s.iso3 = p.Get(r, "iso3");
    s.names = {
        {"en", p.Get(r, "name_en")}, {"fr", p.Get(r, "name_fr")}, {"es", p.Get(r, "name_es")}};
    s.region = p.Get(r, "region");
    s.status = p.Get(r, "status");
    s.source = p.Get(r, "source");
    s.notes = p.Get(r, "notes");
    s.ratification = {p.Get(r, "ratification_date"), false, s.source};
    // Computed from the deposit date with Rome Statute article 126 (data/tracker/README.md).
    s.entry_into_force = {p.Get(r, "entry_into_force"), true, "Rome Statute art. 126"};
    s.withdrawal_effective = {p.Get(r, "withdrawal_effective"), false, s.source};
    data.states.push_back(std::move(s));
  }

  VIGIL_ASSIGN_OR_RETURN(CsvTable apic, Parse("apic.csv", files.apic));
  Reader a("apic.csv", apic);
  VIGIL_RETURN_IF_ERROR(
      a.Require({"iso3", "name_en", "signature_date", "ratification_date", "source", "notes"}));
  std::set<std::string> seen;
  for (std::size_t r = 0; r < a.size(); ++r) {
    VIGIL_RETURN_IF_ERROR(a.Iso3(r));
    VIGIL_RETURN_IF_ERROR(a.Source(r));
    VIGIL_RETURN_IF_ERROR(a.Date(r, "signature_date"));
    VIGIL_RETURN_IF_ERROR(a.Date(r, "ratification_date"));
    if (!seen.insert(a.Get(r, "iso3")).second) return a.Bad(r, "the State appears twice");
    auto it = index.find(a.Get(r, "iso3"));
    if (it == index.end()) {
      // An APIC party that is not in the States Parties file: a State of its own.
      StateRecord s;
      s.iso3 = a.Get(r, "iso3");
      s.names = {{"en", a.Get(r, "name_en")}};
      s.status = "not_party";
      it = index.emplace(s.iso3, data.states.size()).first;
      data.states.push_back(std::move(s));
    }
    StateRecord& s = data.states[it->second];
    s.apic_listed = true;
    s.apic_notes = a.Get(r, "notes");
    s.apic_signature = {a.Get(r, "signature_date"), false, a.Get(r, "source")};
    s.apic_ratification = {a.Get(r, "ratification_date"), MarkedDerived(s.apic_notes),
                           a.Get(r, "source")};
  }

  VIGIL_ASSIGN_OR_RETURN(CsvTable statements, Parse("statements.csv", files.statements));
  Reader st("statements.csv", statements);
  VIGIL_RETURN_IF_ERROR(st.Require({"statement_id", "date", "title", "summary", "url"}));
  for (std::size_t r = 0; r < st.size(); ++r) {
    VIGIL_RETURN_IF_ERROR(st.Date(r, "date"));
    VIGIL_RETURN_IF_ERROR(st.Source(r, "url"));
    Statement s{st.Get(r, "statement_id"),
                st.Get(r, "date"),
                st.Get(r, "title"),
                st.Get(r, "summary"),
                st.Get(r, "url"),
                0,
                std::nullopt};
    if (s.id.empty() || s.date.empty()) return st.Bad(r, "a statement needs an id and a date");
    // "… (93 States Parties)": the number of signatories the statement itself reports.
    if (auto open = s.title.find('('); open != std::string::npos) {
      std::size_t n = 0, i = open + 1;
      while (i < s.title.size() && s.title[i] >= '0' && s.title[i] <= '9')
        n = n * 10 + static_cast<std::size_t>(s.title[i++] - '0');
      if (i > open + 1) s.reported_signatories = n;
    }
    data.statements.push_back(std::move(s));
  }

  VIGIL_ASSIGN_OR_RETURN(CsvTable joint, Parse("joint_statements.csv", files.joint_statements));
  Reader j("joint_statements.csv", joint);
  VIGIL_RETURN_IF_ERROR(j.Require({"iso3", "name_en", "statement_id", "statement_date", "source"}));
  std::set<std::pair<std::string, std::string>> joined;
  for (std::size_t r = 0; r < j.size(); ++r) {
    VIGIL_RETURN_IF_ERROR(j.Iso3(r));
    VIGIL_RETURN_IF_ERROR(j.Source(r));
    VIGIL_RETURN_IF_ERROR(j.Date(r, "statement_date"));
    auto statement =
        std::find_if(data.statements.begin(), data.statements.end(),
                     [&](const Statement& s) { return s.id == j.Get(r, "statement_id"); });
    if (statement == data.statements.end())
      return j.Bad(r, "statement '" + j.Get(r, "statement_id") + "' is not in statements.csv");
    if (!joined.emplace(j.Get(r, "iso3"), statement->id).second)
      return j.Bad(r, "the State is listed twice for " + statement->id);
    auto it = index.find(j.Get(r, "iso3"));
    if (it == index.end()) return j.Bad(r, "the State is not in states_parties.csv");
    data.states[it->second].statements.push_back(statement->id);
    ++statement->listed_signatories;
  }
  std::sort(data.states.begin(), data.states.end(),
            [](const StateRecord& x, const StateRecord& y) { return x.iso3 < y.iso3; });
  return data;
}

std::span<const std::string_view> EditableFields() {
  static constexpr std::string_view kFields[] = {
      "status",      "ratification_date",   "withdrawal_effective",
      "apic_status", "apic_signature_date", "apic_ratification_date",
      "statement",   "blocking_measures",   "non_cooperation_findings",
      "notes"};
  return kFields;
}

Status ApplyEdit(TrackerData& data, const TrackerEdit& edit) {
  auto bad = [&](std::string what) {
    return MakeError(Errc::kInvalidArgument, edit.iso3 + " " + edit.field + ": " + what);
  };
  if (!IsIso3166Alpha3(edit.iso3))
    return MakeError(Errc::kInvalidArgument,
                     "'" + edit.iso3 + "' is not an ISO 3166-1 alpha-3 code");
  if (edit.source.find_first_not_of(" \t") == std::string::npos)
    return bad("a source is required for every change");
  if (edit.source.size() > 2000 || edit.value.size() > 4000) return bad("too long");
  const auto fields = EditableFields();
  if (std::find(fields.begin(), fields.end(), edit.field) == fields.end())
    return bad("not an editable field");
  const bool is_date = edit.field.ends_with("_date") || edit.field == "withdrawal_effective";
  if (is_date && !edit.value.empty() && !IsIsoDate(edit.value))
    return bad("'" + edit.value + "' is not a date (YYYY-MM-DD)");
  if (edit.field == "status" && !OneOf(edit.value, kStatuses) && edit.value != "not_party")
    return bad("expected party, withdrawal_notified, withdrawn or not_party");
  if (edit.field == "apic_status" && edit.value != "party" && edit.value != "unknown")
    return bad("expected party or unknown");
  Statement* statement = nullptr;
  if (edit.field == "statement") {
    for (auto& st : data.statements)
      if (st.id == edit.value) statement = &st;
    if (statement == nullptr) return bad("no statement '" + edit.value + "'");
  }

  StateRecord* s = nullptr;
  for (auto& candidate : data.states)
    if (candidate.iso3 == edit.iso3) s = &candidate;
  if (s == nullptr) {
    StateRecord added;
    added.iso3 = edit.iso3;
    added.status = "not_party";
    data.states.push_back(std::move(added));
    std::sort(data.states.begin(), data.states.end(),
              [](const StateRecord& x, const StateRecord& y) { return x.iso3 < y.iso3; });
    for (auto& candidate : data.states)
      if (candidate.iso3 == edit.iso3) s = &candidate;
  }
  const Fact fact{edit.value, false, edit.source};
  if (edit.field == "status") {
    s->status = edit.value;
  } else if (edit.field == "ratification_date") {
    s->ratification = fact;
  } else if (edit.field == "withdrawal_effective") {
    s->withdrawal_effective = fact;
  } else if (edit.field == "apic_status") {
    s->apic_listed = edit.value == "party";
  } else if (edit.field == "apic_signature_date") {
    s->apic_signature = fact;
  } else if (edit.field == "apic_ratification_date") {
    s->apic_ratification = fact;
  } else if (edit.field == "statement") {
    if (std::find(s->statements.begin(), s->statements.end(), edit.value) == s->statements.end()) {
      s->statements.push_back(edit.value);
      ++statement->listed_signatories;
    }
  } else if (edit.field == "blocking_measures") {
    s->blocking_measures = fact;
  } else if (edit.field == "non_cooperation_findings") {
    s->non_cooperation_findings = fact;
  } else {
    s->editor_notes = fact;
  }
  return OkStatus();
}

namespace {

// The export's editable columns: the field, how to read its value and its source from a State.
struct ExportColumn {
  std::string_view field;
  std::string (*value)(const StateRecord&);
  std::string (*source)(const StateRecord&);
};

std::string Joined(const std::vector<std::string>& ids) {
  std::string out;
  for (const auto& id : ids) out += (out.empty() ? "" : " ") + id;
  return out;
}

constexpr ExportColumn kExportColumns[] = {
    {"status", [](const StateRecord& s) { return s.status; },
     [](const StateRecord& s) { return s.source; }},
    {"ratification_date", [](const StateRecord& s) { return s.ratification.value; },
     [](const StateRecord& s) { return s.ratification.source; }},
    {"withdrawal_effective", [](const StateRecord& s) { return s.withdrawal_effective.value; },
     [](const StateRecord& s) { return s.withdrawal_effective.source; }},
    {"apic_status",
     [](const StateRecord& s) { return std::string(s.apic_listed ? "party" : "unknown"); },
     [](const StateRecord& s) { return s.apic_ratification.source; }},
    {"apic_signature_date", [](const StateRecord& s) { return s.apic_signature.value; },
     [](const StateRecord& s) { return s.apic_signature.source; }},
    {"apic_ratification_date", [](const StateRecord& s) { return s.apic_ratification.value; },
     [](const StateRecord& s) { return s.apic_ratification.source; }},
    {"blocking_measures", [](const StateRecord& s) { return s.blocking_measures.value; },
     [](const StateRecord& s) { return s.blocking_measures.source; }},
    {"non_cooperation_findings",
     [](const StateRecord& s) { return s.non_cooperation_findings.value; },
     [](const StateRecord& s) { return s.non_cooperation_findings.source; }},
    {"notes", [](const StateRecord& s) { return s.editor_notes.value; },
     [](const StateRecord& s) { return s.editor_notes.source; }},
};

}  // namespace

std::string ExportCsv(const TrackerData& data) {
  std::vector<std::string> header = {"iso3", "name_en", "name_fr", "name_es", "region"};
  for (const auto& c : kExportColumns) {
    header.emplace_back(c.field);
    header.push_back(std::string(c.field) + "_source");
  }
  header.insert(header.end(), {"entry_into_force", "entry_into_force_derived",
                               "apic_ratification_derived", "statements"});
  std::string out = FormatCsvRow(header);
  for (const auto& s : data.states) {
    auto name = [&](const char* lang) {
      auto it = s.names.find(lang);
      return it == s.names.end() ? std::string() : it->second;
    };
    std::vector<std::string> row = {s.iso3, name("en"), name("fr"), name("es"), s.region};
    for (const auto& c : kExportColumns) {
      row.push_back(c.value(s));
      row.push_back(c.source(s));
    }
    row.insert(row.end(),
               {s.entry_into_force.value, s.entry_into_force.derived ? "yes" : "no",
                s.apic_ratification.known() && s.apic_ratification.derived ? "yes" : "no",
                Joined(s.statements)});
    out += FormatCsvRow(row);
  }
  return out;
}

Result<std::vector<TrackerEdit>> ImportCsv(const TrackerData& current, std::string_view csv) {
  VIGIL_ASSIGN_OR_RETURN(CsvTable table, Parse("import", csv));
  Reader reader("import", table);
  VIGIL_RETURN_IF_ERROR(reader.Require({"iso3"}));
  for (const auto& c : kExportColumns)
    VIGIL_RETURN_IF_ERROR(reader.Require({c.field, std::string(c.field) + "_source"}));
  TrackerData work = current;
  std::vector<TrackerEdit> edits;
  for (std::size_t r = 0; r < reader.size(); ++r) {
    VIGIL_RETURN_IF_ERROR(reader.Iso3(r));
    const std::string& iso3 = reader.Get(r, "iso3");
    const StateRecord* before = work.Find(iso3);
    for (const auto& c : kExportColumns) {
      const std::string& value = reader.Get(r, c.field);
      std::string old = before ? c.value(*before) : (c.field == "apic_status" ? "unknown" : "");
      if (value == old) continue;
      TrackerEdit edit{iso3, std::string(c.field), value,
                       reader.Get(r, std::string(c.field) + "_source")};
      // The old source does not support a new value: a change brings its own.
      std::string old_source = before ? c.source(*before) : "";
      if (edit.source.find_first_not_of(' ') == std::string::npos || edit.source == old_source)
        return reader.Bad(r, std::string(c.field) + " changed without a new source in " +
                                 std::string(c.field) + "_source");
      if (auto applied = ApplyEdit(work, edit); !applied)
        return reader.Bad(r, applied.error().detail);
      before = work.Find(iso3);
      edits.push_back(std::move(edit));
    }
  }
  return edits;
}

Result<TrackerData> LoadBuiltinTracker() {
  return LoadTracker({FileNamed("states_parties.csv"), FileNamed("apic.csv"),
                      FileNamed("joint_statements.csv"), FileNamed("statements.csv")},
                     kCompiled);
}

}  // namespace vigil::tracker
