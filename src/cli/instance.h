// An instance's data directory as the `vigil` command opens it: its configuration, and the index
// rebuild that `vigil rebuild` and `vigil restore` share (DESIGN.md section 5, decision 0004).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

#include "accounts/accounts.h"
#include "base/clock.h"
#include "cases/cases.h"
#include "cases/publications.h"
#include "base/error.h"
#include "base/random.h"
#include "records/ledger.h"
#include "reports/reports.h"
#include "server/config.h"
#include "settings/settings.h"
#include "tracker/edits.h"
#include "translog/signed_note.h"

namespace vigil::cli {

// Reads and checks DATA_DIR/vigil.conf; `data_dir` in the result is absolute. Fails with kIo
// (unreadable) or kInvalidArgument (the first problem found, naming its line).
Result<server::Config> LoadInstanceConfig(const std::filesystem::path& data_dir);

// Every domain's index appliers registered on `ledger`, as vigild registers them, for the
// commands that apply log entries with vigild stopped (rebuild, restore, invite). A module that
// registers appliers is added here, and in src/server/main.cc.
class OfflineAppliers {
 public:
  static Result<std::unique_ptr<OfflineAppliers>> Register(records::Ledger& ledger,
                                                           store::Database& db,
                                                           const server::Config& config);
  accounts::Accounts& accounts() { return accounts_; }

 private:
  OfflineAppliers(records::Ledger& ledger, store::Database& db, const server::Config& config,
                  tracker::TrackerData tracker);
  SystemClock clock_;
  SystemRandom random_;
  reports::Reports reports_;
  accounts::Accounts accounts_;
  tracker::TrackerData tracker_;
  tracker::TrackerEdits tracker_edits_;
  cases::Publications publications_;
  cases::Cases cases_;
  settings::Settings settings_;
};

struct RebuildResult {
  std::uint64_t entries = 0;  // log entries applied to the new index
  std::string moved_aside;    // the name an existing SQLite database was moved to, if any
};

// Recreates the database index of the instance `config` describes from its log and blob store,
// with the appliers vigild uses. `log_key` opens the log, whose checkpoint it must have signed.
// An existing SQLite database is moved aside (vigil.db.before-rebuild-<time>), never deleted; a
// PostgreSQL database must be empty. Fails with kUnavailable while vigild holds the log,
// kFailedPrecondition for a PostgreSQL database that is not empty, kCorrupt when a blob is
// missing or does not match its entry, or the log's own errors.
Result<RebuildResult> RebuildIndex(const server::Config& config, translog::SignerKey log_key);

}  // namespace vigil::cli
