#include "server/config.h"

#include <charconv>
#include <functional>
#include <map>

#include "settings/settings.h"

namespace vigil::server {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

template <typename T>
bool ParseUnsigned(std::string_view text, T& out, T min, T max) {
  T value{};
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr != text.data() + text.size() || value < min || value > max)
    return false;
  out = value;
  return true;
}

// A setter returns an empty string on success, else what is wrong with the value.
using Setter = std::function<std::string(std::string_view, Config&, const std::filesystem::path&)>;

const std::map<std::string, Setter, std::less<>>& Setters() {
  static const auto* setters = new std::map<std::string, Setter, std::less<>>{
      {"listen",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         std::size_t colon = v.rfind(':');
         if (colon == std::string_view::npos || colon == 0) return "expected host:port";
         std::string_view host = v.substr(0, colon);
         if (host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
         std::uint16_t port = 0;
         if (!ParseUnsigned<std::uint16_t>(v.substr(colon + 1), port, 0, 65535)) return "bad port";
         c.listen_address = std::string(host);
         c.listen_port = port;
         return "";
       }},
      {"data_dir",
       [](std::string_view v, Config& c, const std::filesystem::path& base) -> std::string {
         if (v.empty()) return "must not be empty";
         std::filesystem::path p(v);
         c.data_dir = p.is_absolute() ? p : (base / p).lexically_normal();
         return "";
       }},
      {"database",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         if (v != "sqlite" && !v.starts_with("postgresql://") && !v.starts_with("postgres://"))
           return "expected sqlite or a postgresql:// URI";
         c.database = std::string(v);
         return "";
       }},
      {"log_origin",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         if (v.empty() || v.find_first_of(" \t+") != std::string_view::npos)
           return "must be non-empty, without spaces or '+'";
         c.log_origin = std::string(v);
         return "";
       }},
      {"threads",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         return ParseUnsigned<std::size_t>(v, c.threads, 0, 256) ? "" : "expected 0..256";
       }},
      {"blocking_threads",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         return ParseUnsigned<std::size_t>(v, c.blocking_threads, 1, 1024) ? ""
                                                                           : "expected 1..1024";
       }},
      {"database_connections",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         return ParseUnsigned<std::size_t>(v, c.database_connections, 1, 256) ? ""
                                                                              : "expected 1..256";
       }},
      {"max_body_bytes",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         return ParseUnsigned<std::uint64_t>(v, c.max_body_bytes, 1024, 1ull << 30)
                    ? ""
                    : "expected 1024..2^30";
       }},
      {"max_upload_bytes",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         return ParseUnsigned<std::uint64_t>(v, c.max_upload_bytes, 1, 1ull << 40)
                    ? ""
                    : "expected 1..2^40";
       }},
      {"upload_expiry_hours",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         unsigned h = 0;
         if (!ParseUnsigned<unsigned>(v, h, 1, 24 * 365)) return "expected 1..8760";
         c.upload_expiry = std::chrono::hours(h);
         return "";
       }},
      {"upload_quota_bytes",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         return ParseUnsigned<std::uint64_t>(v, c.upload_quota_bytes, 1, 1ull << 50)
                    ? ""
                    : "expected 1..2^50";
       }},
      {"session_idle_minutes",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         unsigned m = 0;
         if (!ParseUnsigned<unsigned>(v, m, 1, 24 * 60)) return "expected 1..1440";
         c.session_idle = std::chrono::minutes(m);
         return "";
       }},
      {"session_hours",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         unsigned h = 0;
         if (!ParseUnsigned<unsigned>(v, h, 1, 24 * 7)) return "expected 1..168";
         c.session_lifetime = std::chrono::hours(h);
         return "";
       }},
      {"max_failed_logins",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         return ParseUnsigned<int>(v, c.max_failed_logins, 1, 100) ? "" : "expected 1..100";
       }},
      {"login_lockout_minutes",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         unsigned m = 0;
         if (!ParseUnsigned<unsigned>(v, m, 1, 24 * 60)) return "expected 1..1440";
         c.login_lockout = std::chrono::minutes(m);
         return "";
       }},
      {"disk_reserve_bytes",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         return ParseUnsigned<std::uint64_t>(v, c.disk_reserve_bytes, 0, 1ull << 50)
                    ? ""
                    : "expected a byte count";
       }},
      {"max_connections",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         return ParseUnsigned<std::size_t>(v, c.max_connections, 1, 1'000'000)
                    ? ""
                    : "expected 1..1000000";
       }},
      {"header_timeout_ms",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         unsigned ms = 0;
         if (!ParseUnsigned<unsigned>(v, ms, 100, 600'000)) return "expected 100..600000";
         c.header_timeout = std::chrono::milliseconds(ms);
         return "";
       }},
      {"body_timeout_ms",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         unsigned ms = 0;
         if (!ParseUnsigned<unsigned>(v, ms, 100, 3'600'000)) return "expected 100..3600000";
         c.body_timeout = std::chrono::milliseconds(ms);
         return "";
       }},
      {"onion",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         if (v != "true" && v != "false") return "expected true or false";
         c.onion = v == "true";
         return "";
       }},
      {"log_entries_public",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         if (v != "true" && v != "false") return "expected true or false";
         c.log_entries_public = v == "true";
         return "";
       }},
      {"organisation_name",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         if (auto problem = settings::CheckSetting("organisation_name", std::string(v)))
           return "expected " + problem->bound;
         c.organisation_name = std::string(v);
         return "";
       }},
      {"reporter_contact",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         std::string text;
         for (std::size_t i = 0; i < v.size(); ++i) {
           if (v[i] == '\\' && i + 1 < v.size() && v[i + 1] == 'n') {
             text += '\n';
             ++i;
           } else {
             text += v[i];
           }
         }
         if (auto problem = settings::CheckSetting("reporter_contact", text))
           return "expected " + problem->bound;
         c.reporter_contact = std::move(text);
         return "";
       }},
      {"statistics_min_cell",
       [](std::string_view v, Config& c, const auto&) -> std::string {
         return ParseUnsigned<std::int64_t>(v, c.statistics_min_cell, 2, 100) ? ""
                                                                              : "expected 2..100";
       }},
      {"tls_certificate",
       [](std::string_view v, Config& c, const std::filesystem::path& base) -> std::string {
         std::filesystem::path p(v);
         c.tls_certificate = v.empty() || p.is_absolute() ? p : (base / p).lexically_normal();
         return "";
       }},
      {"tls_key",
       [](std::string_view v, Config& c, const std::filesystem::path& base) -> std::string {
         std::filesystem::path p(v);
         c.tls_key = v.empty() || p.is_absolute() ? p : (base / p).lexically_normal();
         return "";
       }},
      {"web_root",
       [](std::string_view v, Config& c, const std::filesystem::path& base) -> std::string {
         std::filesystem::path p(v);
         c.web_root = v.empty() || p.is_absolute() ? p : (base / p).lexically_normal();
         return "";
       }},
  };
  return *setters;
}

void Apply(std::string_view where, std::string_view line, const std::filesystem::path& base,
           Config& config, ConfigErrors& errors) {
  std::size_t eq = line.find('=');
  if (eq == std::string_view::npos) {
    errors.lines.push_back(std::string(where) + ": expected key = value");
    return;
  }
  std::string_view key = Trim(line.substr(0, eq));
  std::string_view value = Trim(line.substr(eq + 1));
  auto it = Setters().find(key);
  if (it == Setters().end()) {
    errors.lines.push_back(std::string(where) + ": unknown key '" + std::string(key) + "'");
    return;
  }
  if (std::string problem = it->second(value, config, base); !problem.empty())
    errors.lines.push_back(std::string(where) + ": " + std::string(key) + ": " + problem);
}

}  // namespace

ConfigErrors ParseConfig(std::string_view source, std::string_view text,
                         const std::vector<std::string>& overrides,
                         const std::filesystem::path& base_dir, Config& config) {
  ConfigErrors errors;
  std::size_t number = 0;
  while (!text.empty()) {
    ++number;
    std::size_t nl = text.find('\n');
    std::string_view line = Trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line.front() == '#') continue;
    Apply(std::string(source) + ":" + std::to_string(number), line, base_dir, config, errors);
  }
  for (const std::string& o : overrides)
    Apply("override '" + o + "'", o, std::filesystem::current_path(), config, errors);
  if (config.data_dir.empty())
    errors.lines.push_back(std::string(source) + ": data_dir is required");
  if (config.tls_certificate.empty() != config.tls_key.empty())
    errors.lines.push_back(std::string(source) +
                           ": tls_certificate and tls_key go together (both or neither)");
  if (config.log_origin.empty())
    errors.lines.push_back(std::string(source) + ": log_origin is required");
  return errors;
}

std::string FormatConfig(const Config& c) {
  std::string out;
  out +=
      "# Vigil instance configuration. Every key is documented in "
      "docs/operations/configuration.md.\n";
  out += "# Command-line overrides: vigild --config FILE --set key=value\n\n";
  out += "# Address and port to listen on (put TLS or the onion service in front).\n";
  out += "listen = " + c.listen_address + ":" + std::to_string(c.listen_port) + "\n";
  out += "# Data directory: database, blobs, log tiles, keys. Relative to this file.\n";
  out += "data_dir = " + c.data_dir.string() + "\n";
  out += "# sqlite (embedded, in data_dir) or a postgresql:// URI.\n";
  out += "database = " + c.database + "\n";
  out += "# Origin line of the transparency log's checkpoints; never change it once published.\n";
  out += "log_origin = " + c.log_origin + "\n";
  out += "threads = " + std::to_string(c.threads) + "\n";
  out += "# Requests that may wait on the disk or the database at once (they share commits).\n";
  out += "blocking_threads = " + std::to_string(c.blocking_threads) + "\n";
  out += "# PostgreSQL only: connections in the pool (concurrent commits share WAL flushes).\n";
  out += "database_connections = " + std::to_string(c.database_connections) + "\n";
  out += "max_body_bytes = " + std::to_string(c.max_body_bytes) + "\n";
  out += "max_upload_bytes = " + std::to_string(c.max_upload_bytes) + "\n";
  out += "upload_expiry_hours = " + std::to_string(c.upload_expiry.count()) + "\n";
  out += "# Declared bytes of all uploads not yet attached to a report, at most.\n";
  out += "upload_quota_bytes = " + std::to_string(c.upload_quota_bytes) + "\n";
  out += "disk_reserve_bytes = " + std::to_string(c.disk_reserve_bytes) + "\n";
  out += "max_connections = " + std::to_string(c.max_connections) + "\n";
  out += "header_timeout_ms = " + std::to_string(c.header_timeout.count()) + "\n";
  out += "body_timeout_ms = " + std::to_string(c.body_timeout.count()) + "\n";
  out += "# Staff sessions end after this idle time, and after session_hours in any case.\n";
  out += "session_idle_minutes = " +
         std::to_string(std::chrono::duration_cast<std::chrono::minutes>(c.session_idle).count()) +
         "\n";
  out +=
      "session_hours = " +
      std::to_string(std::chrono::duration_cast<std::chrono::hours>(c.session_lifetime).count()) +
      "\n";
  out += "# Failed sign-ins in a row before a login name is locked, and for how long.\n";
  out += "max_failed_logins = " + std::to_string(c.max_failed_logins) + "\n";
  out += "login_lockout_minutes = " +
         std::to_string(std::chrono::duration_cast<std::chrono::minutes>(c.login_lockout).count()) +
         "\n";
  out += std::string("onion = ") + (c.onion ? "true" : "false") + "\n";
  out +=
      "# Native TLS: a PEM certificate chain and its key (both empty: plain HTTP, for a\n"
      "# reverse proxy or the onion service in front).\n";
  out += "tls_certificate = " + c.tls_certificate.string() + "\n";
  out += "tls_key = " + c.tls_key.string() + "\n";
  out += "# Serve the log's entry bundles to anyone, not only to mirrors and auditors.\n";
  out += std::string("log_entries_public = ") + (c.log_entries_public ? "true" : "false") + "\n";
  out +=
      "# Instance settings: shown to reporters when set (organisation_name; reporter_contact,\n"
      "# lines separated by \\n), and the small-cell threshold of published statistics. These\n"
      "# keys, the session, lock-out and upload ones above and log_entries_public are only\n"
      "# starting values: once an administrator changes one in /admin, that value wins.\n";
  out += "organisation_name = " + c.organisation_name + "\n";
  std::string contact;
  for (char ch : c.reporter_contact)
    contact += ch == '\n' ? std::string("\\n") : std::string(1, ch);
  out += "reporter_contact = " + contact + "\n";
  out += "statistics_min_cell = " + std::to_string(c.statistics_min_cell) + "\n";
  out +=
      "# The built web client (make build writes web/dist); empty: the one vigild was built\n"
      "# with.\n";
  out += "web_root = " + c.web_root.string() + "\n";
  return out;
}

}  // namespace vigil::server
