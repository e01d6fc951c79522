// Records: docs/formats/records.md, "settings".
#include "settings/settings.h"

#include <boost/json.hpp>

#include "store/values.h"

namespace vigil::settings {
namespace {

namespace json = boost::json;
using records::Applied;
using store::I64;
using store::Str;
using store::Transaction;
using store::U32;
using store::U64;

template <std::int64_t InstanceSettings::*Field>
SettingValue GetInt(const InstanceSettings& s) {
  return s.*Field;
}
template <std::int64_t InstanceSettings::*Field>
void SetInt(InstanceSettings& s, const SettingValue& v) {
  s.*Field = std::get<std::int64_t>(v);
}
template <std::string InstanceSettings::*Field>
SettingValue GetText(const InstanceSettings& s) {
  return s.*Field;
}
template <std::string InstanceSettings::*Field>
void SetText(InstanceSettings& s, const SettingValue& v) {
  s.*Field = std::get<std::string>(v);
}
SettingValue GetPublic(const InstanceSettings& s) { return s.log_entries_public; }
void SetPublic(InstanceSettings& s, const SettingValue& v) {
  s.log_entries_public = std::get<bool>(v);
}

using S = InstanceSettings;
// The bounds of the integers are those vigil.conf accepts for the same keys.
const SettingSpec kSpecs[] = {
    {"organisation_name", SettingKind::kText, 0, 120, 1, "", GetText<&S::organisation_name>,
     SetText<&S::organisation_name>},
    {"reporter_contact", SettingKind::kText, 0, 600, 8, "", GetText<&S::reporter_contact>,
     SetText<&S::reporter_contact>},
    {"max_upload_bytes", SettingKind::kInteger, 1, 1ll << 40, 1, "bytes",
     GetInt<&S::max_upload_bytes>, SetInt<&S::max_upload_bytes>},
    {"upload_expiry_hours", SettingKind::kInteger, 1, 24 * 365, 1, "hours",
     GetInt<&S::upload_expiry_hours>, SetInt<&S::upload_expiry_hours>},
    {"session_idle_minutes", SettingKind::kInteger, 1, 24 * 60, 1, "minutes",
     GetInt<&S::session_idle_minutes>, SetInt<&S::session_idle_minutes>},
    {"session_hours", SettingKind::kInteger, 1, 24 * 7, 1, "hours", GetInt<&S::session_hours>,
     SetInt<&S::session_hours>},
    {"max_failed_logins", SettingKind::kInteger, 1, 100, 1, "", GetInt<&S::max_failed_logins>,
     SetInt<&S::max_failed_logins>},
    {"login_lockout_minutes", SettingKind::kInteger, 1, 24 * 60, 1, "minutes",
     GetInt<&S::login_lockout_minutes>, SetInt<&S::login_lockout_minutes>},
    {"log_entries_public", SettingKind::kBoolean, 0, 1, 1, "", GetPublic, SetPublic},
    {"statistics_min_cell", SettingKind::kInteger, 2, 100, 1, "", GetInt<&S::statistics_min_cell>,
     SetInt<&S::statistics_min_cell>},
};

// Decodes one UTF-8 sequence at `i`; nothing for an invalid or overlong one.
std::optional<char32_t> NextCodePoint(std::string_view s, std::size_t& i) {
  auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char b = byte(i);
  int extra = b < 0x80 ? 0 : (b >> 5) == 6 ? 1 : (b >> 4) == 14 ? 2 : (b >> 3) == 30 ? 3 : -1;
  if (extra < 0 || i + static_cast<std::size_t>(extra) >= s.size()) return std::nullopt;
  char32_t c = extra == 0 ? b : b & (0x3f >> extra);
  for (int k = 1; k <= extra; ++k) {
    unsigned char t = byte(i + static_cast<std::size_t>(k));
    if ((t & 0xc0) != 0x80) return std::nullopt;
    c = (c << 6) | (t & 0x3f);
  }
  static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (c < kMin[extra] || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff)) return std::nullopt;
  i += static_cast<std::size_t>(extra) + 1;
  return c;
}

// Security: T5, T10. Whoever holds an administrator's session chooses what reporters read as
// the organisation's name and contact; bidirectional embedding, override and isolate controls
// could make that text read as something else than what /admin and the log show. The pages
// show it with dir=auto, which needs none of them.
bool IsBidiControl(char32_t c) {
  return (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

std::optional<std::string> CheckText(const SettingSpec& spec, std::string_view text) {
  std::int64_t characters = 0, lines = 1;
  for (std::size_t i = 0; i < text.size();) {
    auto c = NextCodePoint(text, i);
    if (!c) return "valid UTF-8";
    if (*c == '\n') {
      ++lines;
    } else if (*c < 0x20 || (*c >= 0x7f && *c < 0xa0) || IsBidiControl(*c) || *c == 0x2028 ||
               *c == 0x2029) {
      return "no control characters";
    }
    ++characters;
  }
  if (characters > spec.max || lines > spec.max_lines) return BoundText(spec);
  return std::nullopt;
}

Status ApplySettings(Transaction& t, const Applied& a) {
  boost::system::error_code ec;
  json::value payload =
      json::parse(std::string_view(reinterpret_cast<const char*>(a.record->payload.data()),
                                   a.record->payload.size()),
                  ec);
  if (ec || !payload.is_object() || !payload.as_object().contains("changes") ||
      !payload.at("changes").is_array())
    return records::Corrupt(a, "bad settings payload");
  for (const json::value& change : payload.at("changes").as_array()) {
    if (!change.is_object() || !change.as_object().contains("key") ||
        !change.at("key").is_string() || !change.as_object().contains("new"))
      return records::Corrupt(a, "bad settings change");
    // The log holds what was set; whether this build still accepts it is Load's question, so
    // that an entry always applies (appliers are total).
    VIGIL_RETURN_IF_ERROR(t.Execute(
        "INSERT INTO settings (key, value, log_index, hour) VALUES (?, ?, ?, ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value, log_index = excluded.log_index, "
        "hour = excluded.hour WHERE excluded.log_index > settings.log_index",
        {std::string(change.at("key").as_string()), json::serialize(change.at("new")), I64(a.index),
         static_cast<std::int64_t>(a.entry.hour)}));
  }
  return t.Execute(
      "INSERT INTO settings_version (id, log_index) VALUES (1, ?) ON CONFLICT (id) DO UPDATE "
      "SET log_index = excluded.log_index WHERE excluded.log_index > settings_version.log_index",
      {I64(a.index)});
}

json::value ValueToJson(const SettingValue& v) {
  if (const auto* i = std::get_if<std::int64_t>(&v)) return *i;
  if (const auto* b = std::get_if<bool>(&v)) return *b;
  return json::string(std::get<std::string>(v));
}

struct StoredValue {
  std::string key;
  std::string json;
  std::uint64_t log_index = 0;
  std::uint32_t hour = 0;
};

}  // namespace

std::span<const SettingSpec> Specs() { return kSpecs; }

const SettingSpec* FindSpec(std::string_view key) {
  for (const SettingSpec& s : kSpecs)
    if (s.key == key) return &s;
  return nullptr;
}

std::string BoundText(const SettingSpec& spec) {
  switch (spec.kind) {
    case SettingKind::kBoolean:
      return "true or false";
    case SettingKind::kInteger:
      return std::to_string(spec.min) + ".." + std::to_string(spec.max);
    case SettingKind::kText:
      return "at most " + std::to_string(spec.max) + " characters, " +
             (spec.max_lines == 1 ? std::string("one line")
                                  : "at most " + std::to_string(spec.max_lines) + " lines");
  }
  return "";
}

std::optional<SettingProblem> CheckSetting(std::string_view key, const SettingValue& value) {
  const SettingSpec* spec = FindSpec(key);
  if (!spec) return SettingProblem{std::string(key), "unknown_setting", ""};
  auto invalid = [&](std::string bound) {
    return SettingProblem{std::string(key), "invalid_setting", std::move(bound)};
  };
  switch (spec->kind) {
    case SettingKind::kBoolean:
      if (!std::holds_alternative<bool>(value)) return invalid(BoundText(*spec));
      return std::nullopt;
    case SettingKind::kInteger: {
      const auto* i = std::get_if<std::int64_t>(&value);
      if (!i || *i < spec->min || *i > spec->max) return invalid(BoundText(*spec));
      return std::nullopt;
    }
    case SettingKind::kText: {
      const auto* s = std::get_if<std::string>(&value);
      if (!s) return invalid(BoundText(*spec));
      if (auto problem = CheckText(*spec, *s)) return invalid(*problem);
      return std::nullopt;
    }
  }
  return invalid("");
}

std::string ValueJson(const SettingValue& value) { return json::serialize(ValueToJson(value)); }

std::optional<SettingValue> ParseValueJson(const SettingSpec& spec, std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec) return std::nullopt;
  switch (spec.kind) {
    case SettingKind::kBoolean:
      if (v.is_bool()) return SettingValue(v.as_bool());
      break;
    case SettingKind::kInteger:
      if (v.is_int64()) return SettingValue(v.as_int64());
      if (v.is_uint64() && v.as_uint64() <= static_cast<std::uint64_t>(INT64_MAX))
        return SettingValue(static_cast<std::int64_t>(v.as_uint64()));
      break;
    case SettingKind::kText:
      if (v.is_string()) return SettingValue(std::string(v.as_string()));
      break;
  }
  return std::nullopt;
}

Settings::Settings(records::Ledger& ledger, store::Database& db, Random& random,
                   InstanceSettings file_values)
    : ledger_(ledger),
      db_(db),
      random_(random),
      file_values_(std::move(file_values)),
      current_(std::make_shared<const InstanceSettings>(file_values_)) {
  ledger_.Register(translog::EntryType::kSettings, ApplySettings, /*has_record=*/true);
}

Result<std::vector<std::string>> Settings::Load() {
  std::vector<StoredValue> stored;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT key, value, log_index, hour FROM settings"));
    for (const auto& r : rows) stored.push_back({Str(r[0]), Str(r[1]), U64(r[2]), U32(r[3])});
    return OkStatus();
  }));
  InstanceSettings now = file_values_;
  std::vector<std::string> lines;
  for (const StoredValue& s : stored) {
    const SettingSpec* spec = FindSpec(s.key);
    auto value = spec ? ParseValueJson(*spec, s.json) : std::nullopt;
    if (!value || CheckSetting(s.key, *value)) {
      lines.push_back(s.key + ": the value of log entry " + std::to_string(s.log_index) +
                      " is not accepted by this version; using vigil.conf's");
      continue;
    }
    if (*value == spec->get(file_values_)) continue;
    spec->set(now, *value);
    std::string shown = spec->kind == SettingKind::kText ? "(text)" : ValueJson(*value);
    lines.push_back(
        s.key + " = " + shown + " (log entry " + std::to_string(s.log_index) +
        ", overrides vigil.conf's " +
        (spec->kind == SettingKind::kText ? "(text)" : ValueJson(spec->get(file_values_))) + ")");
  }
  current_.store(std::make_shared<const InstanceSettings>(std::move(now)));
  return lines;
}

Result<std::uint64_t> Settings::Version() const {
  std::uint64_t version = 0;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT log_index FROM settings_version"));
    if (!rows.empty()) version = U64(rows[0][0]) + 1;
    return OkStatus();
  }));
  return version;
}

Result<SettingsView> Settings::Describe() const {
  SettingsView view;
  std::vector<StoredValue> stored;
  VIGIL_RETURN_IF_ERROR(db_.Read([&](Transaction& t) -> Status {
    VIGIL_ASSIGN_OR_RETURN(auto version, t.Query("SELECT log_index FROM settings_version"));
    if (!version.empty()) view.version = U64(version[0][0]) + 1;
    VIGIL_ASSIGN_OR_RETURN(auto rows, t.Query("SELECT key, value, log_index, hour FROM settings"));
    for (const auto& r : rows) stored.push_back({Str(r[0]), Str(r[1]), U64(r[2]), U32(r[3])});
    return OkStatus();
  }));
  std::shared_ptr<const InstanceSettings> now = Current();
  for (const SettingSpec& spec : kSpecs) {
    SettingState state{&spec, spec.get(*now), spec.get(file_values_), false, 0, 0};
    for (const StoredValue& s : stored) {
      auto value = s.key == spec.key ? ParseValueJson(spec, s.json) : std::nullopt;
      if (value && *value == state.value && !CheckSetting(s.key, *value)) {
        state.from_log = true;
        state.log_index = s.log_index;
        state.hour = s.hour;
      }
    }
    view.settings.push_back(std::move(state));
  }
  return view;
}

Result<ChangeResult> Settings::Change(
    const std::vector<std::pair<std::string, SettingValue>>& changes, std::uint64_t version,
    const translog::ActorId& by) {
  for (std::size_t i = 0; i < changes.size(); ++i) {
    if (auto problem = CheckSetting(changes[i].first, changes[i].second))
      return MakeError(Errc::kInvalidArgument, problem->code + " " + problem->key);
    for (std::size_t j = 0; j < i; ++j)
      if (changes[j].first == changes[i].first)
        return MakeError(Errc::kInvalidArgument, "repeated setting " + changes[i].first);
  }
  std::lock_guard lock(change_mutex_);
  VIGIL_ASSIGN_OR_RETURN(std::uint64_t current_version, Version());
  if (version != current_version)
    return MakeError(
        Errc::kFailedPrecondition,
        "settings_conflict: the settings changed since version " + std::to_string(version));
  std::shared_ptr<const InstanceSettings> before = Current();
  InstanceSettings after = *before;
  json::array recorded;
  ChangeResult result;
  for (const SettingSpec& spec : kSpecs) {
    for (const auto& [key, value] : changes) {
      if (key != spec.key || value == spec.get(*before)) continue;
      recorded.push_back(json::object{
          {"key", key}, {"old", ValueToJson(spec.get(*before))}, {"new", ValueToJson(value)}});
      spec.set(after, value);
      result.changed.push_back(key);
    }
  }
  if (result.changed.empty()) {
    result.version = current_version;
    return result;
  }
  translog::ObjectId id{};
  random_.Fill(id);
  records::RecordBuilder record("settings");
  record.Add("id", records::IdText(id)).Add("previous", std::to_string(current_version));
  for (const std::string& key : result.changed) record.Add("key", key);
  std::string payload = json::serialize(json::object{{"changes", std::move(recorded)}});
  VIGIL_ASSIGN_OR_RETURN(auto committed,
                         ledger_.Commit({{translog::EntryType::kSettings, id, by,
                                          record.Finish(AsBytes(payload)), std::nullopt}}));
  current_.store(std::make_shared<const InstanceSettings>(std::move(after)));
  result.version = committed.first_index + 1;
  result.hour = committed.entries.front().hour;
  return result;
}

}  // namespace vigil::settings
