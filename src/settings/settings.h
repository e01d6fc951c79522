// Instance settings: the values an administrator changes at run time (organisation name and
// contact shown to reporters, upload limits, session and lock-out times, public entry bundles,
// the small-cell threshold of statistics). vigil.conf gives each its starting value; a change is
// a `settings` record and log entry, and from then on the stored value wins, across restarts and
// rebuilds. Readers take an immutable snapshot (Current) at each use, so a change takes effect
// at once without a restart. Records: docs/formats/records.md, "settings"; the list of settings:
// docs/operations/configuration.md, "Instance settings".
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/random.h"
#include "records/ledger.h"
#include "store/database.h"

namespace vigil::settings {

// The current value of every instance setting. Units are in the names' sense of vigil.conf.
struct InstanceSettings {
  std::string organisation_name;  // shown to reporters; empty: not shown
  std::string reporter_contact;   // other ways to reach the organisation; empty: not shown
  std::int64_t max_upload_bytes = 2ll << 30;
  std::int64_t upload_expiry_hours = 24;
  std::int64_t session_idle_minutes = 30;
  std::int64_t session_hours = 12;
  std::int64_t max_failed_logins = 5;
  std::int64_t login_lockout_minutes = 15;
  bool log_entries_public = false;
  std::int64_t statistics_min_cell = 5;

  bool operator==(const InstanceSettings&) const = default;
};

using SettingValue = std::variant<std::int64_t, bool, std::string>;

enum class SettingKind { kInteger, kBoolean, kText };

// One setting's description: its key (as in vigil.conf), kind and bounds.
struct SettingSpec {
  std::string_view key;
  SettingKind kind;
  std::int64_t min = 0;  // integers: the range; text: the length in characters
  std::int64_t max = 0;
  std::int64_t max_lines = 1;  // text only
  std::string_view unit;       // "bytes", "hours", "minutes", "" (a count, or none)
  SettingValue (*get)(const InstanceSettings&);
  void (*set)(InstanceSettings&, const SettingValue&);
};

// Every setting, in the order forms show them.
std::span<const SettingSpec> Specs();
// The spec of `key`, or null.
const SettingSpec* FindSpec(std::string_view key);

// Why a proposed value is refused: `code` is "unknown_setting" or "invalid_setting"; `bound`
// says what is allowed ("1..1440", "at most 120 characters, one line", "true or false").
struct SettingProblem {
  std::string key;
  std::string code;
  std::string bound;
};

// The allowed values of `spec`, in the words of SettingProblem::bound.
std::string BoundText(const SettingSpec& spec);
// Checks one proposed value: nothing when it is allowed. Text must be valid UTF-8 without
// control characters (a line feed only where several lines are allowed) and without
// bidirectional override characters, which could make a name read as another.
std::optional<SettingProblem> CheckSetting(std::string_view key, const SettingValue& value);

// The JSON text of a value (a number, true/false, or a string), as records and the index store
// it; and back, for `spec`'s kind.
std::string ValueJson(const SettingValue& value);
std::optional<SettingValue> ParseValueJson(const SettingSpec& spec, std::string_view json);

// Where the current value of a setting comes from.
struct SettingState {
  const SettingSpec* spec = nullptr;
  SettingValue value;
  SettingValue file_value;  // the starting value: vigil.conf, or the built-in default
  bool from_log = false;
  std::uint64_t log_index = 0;  // when from_log: the change's entry
  std::uint32_t hour = 0;
};

struct SettingsView {
  // 1 + the log index of the last settings change (the log's first entry has index 0); 0: none.
  std::uint64_t version = 0;
  std::vector<SettingState> settings;
};

struct ChangeResult {
  std::uint64_t version = 0;  // the version after the change: 1 + its log index
  std::uint32_t hour = 0;
  std::vector<std::string> changed;  // keys whose value changed, in Specs() order
};

// Thread-safe.
class Settings {
 public:
  // `file_values` are the starting values (vigil.conf over the built-in defaults). Registers the
  // applier of entry type settings on `ledger`; all must outlive the object.
  Settings(records::Ledger& ledger, store::Database& db, Random& random,
           InstanceSettings file_values);

  // Reads the stored values (after the ledger caught up) and makes them current. Returns one
  // line per stored value that differs from the file ("session_idle_minutes = 10 (log entry 42,
  // overrides vigil.conf's 30)"). A stored value this build no longer accepts is skipped, with a
  // line saying so.
  Result<std::vector<std::string>> Load();

  // The current snapshot; never null. Cheap: readers call it at each use.
  std::shared_ptr<const InstanceSettings> Current() const { return current_.load(); }
  const InstanceSettings& file_values() const { return file_values_; }

  Result<SettingsView> Describe() const;

  // Applies `changes` all or nothing. kInvalidArgument when any value fails CheckSetting (detail:
  // its problem) or a key repeats; kFailedPrecondition ("settings_conflict") when `version` is
  // not the current version (another change came in between). Values equal to the current ones
  // are dropped; when none is left nothing is recorded and the result names no key.
  Result<ChangeResult> Change(const std::vector<std::pair<std::string, SettingValue>>& changes,
                              std::uint64_t version, const translog::ActorId& by);

 private:
  Result<std::uint64_t> Version() const;

  records::Ledger& ledger_;
  store::Database& db_;
  Random& random_;
  const InstanceSettings file_values_;
  std::atomic<std::shared_ptr<const InstanceSettings>> current_;
  std::mutex change_mutex_;  // one change at a time: each is checked against the version it ends
};

}  // namespace vigil::settings
