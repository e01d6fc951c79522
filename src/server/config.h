// The instance configuration: a `key = value` file written by `vigil init`, plus command-line
// overrides, validated at start-up. Every problem is reported, one line each, naming the file
// and line (or the override) and the key. Format: docs/operations/configuration.md.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "base/error.h"

namespace vigil::server {

struct Config {
  std::string listen_address = "127.0.0.1";
  std::uint16_t listen_port = 8080;
  std::filesystem::path data_dir;         // absolute after loading
  std::string database = "sqlite";        // "sqlite", or a PostgreSQL URI "postgresql://…"
  std::string log_origin;                 // checkpoint origin line, e.g. "vigil.example.org/log"
  std::size_t threads = 0;                // 0: one per core
  std::size_t blocking_threads = 64;      // requests waiting on disk or database at once
  std::size_t database_connections = 16;  // PostgreSQL only: the connection pool
  std::uint64_t max_body_bytes = 1 << 20;
  std::uint64_t max_upload_bytes = 2ull << 30;
  std::chrono::hours upload_expiry{24};
  std::uint64_t upload_quota_bytes = 16ull << 30;  // declared bytes of all unclaimed uploads
  std::uint64_t disk_reserve_bytes = 1ull << 30;
  std::size_t max_connections = 1024;
  std::chrono::milliseconds header_timeout{15'000};
  std::chrono::milliseconds body_timeout{60'000};
  std::chrono::seconds session_idle{30 * 60};
  std::chrono::seconds session_lifetime{12 * 3600};
  int max_failed_logins = 5;
  std::chrono::seconds login_lockout{15 * 60};
  bool onion = false;
  bool log_entries_public = false;  // serve entry bundles to anyone (else: mirrors and auditors)
  // Shown to reporters (instance settings; empty: not shown). reporter_contact's lines are
  // separated by the two characters "\n" in the file.
  std::string organisation_name;
  std::string reporter_contact;
  std::int64_t statistics_min_cell = 5;   // the small-cell threshold k of published statistics
  std::filesystem::path tls_certificate;  // PEM chain; empty: plain HTTP
  std::filesystem::path tls_key;
  // The built web client (web/dist); empty: the directory compiled into vigild.
  std::filesystem::path web_root;
};

// The keys marked "instance setting" in docs/operations/configuration.md give only a starting
// value: an administrator's change, stored in the log, wins (src/settings).

// All the problems found, one line each ("vigil.conf:7: listen: not host:port").
struct ConfigErrors {
  std::vector<std::string> lines;
};

// Parses `text` (named `source` in messages) over `config`, then applies `overrides`
// ("key=value" each). Relative data_dir paths are taken relative to `base_dir`. Returns the
// problems, or none.
ConfigErrors ParseConfig(std::string_view source, std::string_view text,
                         const std::vector<std::string>& overrides,
                         const std::filesystem::path& base_dir, Config& config);

// The text of a configuration file for `config`, with comments, as `vigil init` writes it.
std::string FormatConfig(const Config& config);

}  // namespace vigil::server
