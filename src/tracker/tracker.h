// The State cooperation tracker's data (issue 8): States Parties to the Rome Statute, the
// Agreement on the Privileges and Immunities of the Court (APIC), joint statements of support,
// each fact with its source. Loaded from the CSV files of data/tracker/ (compiled in) and checked
// on load; a value that is not known stays unknown, a value computed from another is marked
// derived, and headline counts say how much of them is confirmed. Format: docs/formats/tracker.md.
#pragma once

#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace vigil::tracker {

// One fact: a value (empty when unknown), whether it was computed rather than read from a
// source, and the sources it rests on.
struct Fact {
  std::string value;
  bool derived = false;
  std::string source;
  bool known() const { return !value.empty(); }
};

struct StateRecord {
  std::string iso3;
  std::map<std::string, std::string> names;  // "en", "fr", "es"
  std::string region;                        // ASP regional group
  // Rome Statute.
  std::string status;  // "party", "withdrawal_notified", "withdrawn"
  Fact ratification;   // deposit of the instrument
  Fact entry_into_force;
  Fact withdrawal_effective;
  std::string source;  // of the row
  std::string notes;
  // APIC: present when the State is listed as a party (absence means unknown, not "no").
  bool apic_listed = false;
  Fact apic_signature;
  Fact apic_ratification;
  std::string apic_notes;
  // Joint statements of support the State is recorded as joining (statement ids).
  std::vector<std::string> statements;
  // Fields added by editors (none in the compiled data): text, each with its source.
  Fact blocking_measures;         // blocking or protective measures against sanctions
  Fact non_cooperation_findings;  // findings of non-cooperation by the Court
  Fact editor_notes;
};

struct Statement {
  std::string id, date, title, summary, url;
  std::size_t listed_signatories = 0;
  std::optional<std::size_t> reported_signatories;  // from the title, when it gives a number
};

struct Headline {
  std::size_t states_parties = 0;            // status party or withdrawal_notified
  std::size_t ratification_dates_known = 0;  // of those
  std::size_t apic_listed = 0;               // APIC parties in the data
  std::size_t apic_dates_read = 0;           // with a ratification date read from a source
  std::size_t apic_dates_derived = 0;        // with a computed one
  std::size_t apic_parties_party_to_statute = 0;
  std::string apic_reported_total = "79";  // per the UN Treaty Collection page consulted
};

struct TrackerData {
  std::string compiled;  // the compilation date of the data files
  std::vector<StateRecord> states;
  std::vector<Statement> statements;

  const StateRecord* Find(std::string_view iso3) const;
  Headline Counts() const;
};

// The four files' contents. Errors are kInvalidArgument, one line naming the file, the line
// and the State: "apic.csv line 12 (FRA): ratification_date '2004-13-01' is not a date".
struct TrackerFiles {
  std::string_view states_parties, apic, joint_statements, statements;
};
Result<TrackerData> LoadTracker(const TrackerFiles& files, std::string compiled);

// The data compiled into the binary from data/tracker/.
Result<TrackerData> LoadBuiltinTracker();

// One change by an editor (docs/formats/tracker.md, "Edits"): `field` is one of
// EditableFields(); `value` empty clears a fact back to unknown; `source` is required.
struct TrackerEdit {
  std::string iso3;
  std::string field;
  std::string value;
  std::string source;
};

std::span<const std::string_view> EditableFields();

// Checks `edit` against `data` and applies it. kInvalidArgument with one line naming the field
// and the problem; `data` is unchanged then. A State absent from the data is added (status
// not_party) when its code is a valid one.
Status ApplyEdit(TrackerData& data, const TrackerEdit& edit);

// The current data as one CSV table (docs/formats/tracker.md, "Export"): a row per State, each
// editable fact with its source column.
std::string ExportCsv(const TrackerData& data);

// The edits that turn `current` into the table `csv` (in the export's format): one per
// editable cell that differs, with that cell's source column as its source. kInvalidArgument
// naming the line and State for a changed cell without a source, or any cell ApplyEdit refuses.
Result<std::vector<TrackerEdit>> ImportCsv(const TrackerData& current, std::string_view csv);

// True for an ISO 3166-1 alpha-3 code (from Debian's iso-codes, compiled in).
bool IsIso3166Alpha3(std::string_view code);
// True for a real calendar date written YYYY-MM-DD.
bool IsIsoDate(std::string_view date);

}  // namespace vigil::tracker
