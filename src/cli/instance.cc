#include "cli/instance.h"

#include <chrono>

#include "accounts/accounts.h"
#include "base/clock.h"
#include "base/random.h"
#include "cli/files.h"
#include "records/ledger.h"
#include "reports/reports.h"
#include "store/blob_store.h"
#include "store/postgres_database.h"
#include "store/sqlite_database.h"
#include "translog/appender.h"

namespace vigil::cli {

Result<server::Config> LoadInstanceConfig(const std::filesystem::path& data_dir) {
  std::filesystem::path dir = std::filesystem::absolute(data_dir).lexically_normal();
  std::filesystem::path path = dir / "vigil.conf";
  VIGIL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path.string()));
  server::Config config;
  auto errors = server::ParseConfig(path.string(), text, {}, dir, config);
  if (!errors.lines.empty()) return MakeError(Errc::kInvalidArgument, errors.lines.front());
  return config;
}

Result<RebuildResult> RebuildIndex(const server::Config& config, translog::SignerKey log_key) {
  // The log first: its lock fails while vigild runs, before anything is moved.
  translog::AppenderOptions log_options;
  log_options.dir = config.data_dir / "log";
  log_options.origin = config.log_origin;
  auto appender = translog::Appender::Open(log_options, std::move(log_key));
  if (!appender && appender.error().code == Errc::kUnavailable)
    return MakeError(Errc::kUnavailable, "the log is in use: stop vigild first");
  if (!appender) return appender.error();
  VIGIL_ASSIGN_OR_RETURN(auto log_dir, translog::LogDirectory::Open(log_options.dir));
  VIGIL_ASSIGN_OR_RETURN(auto blobs, store::BlobStore::Open(config.data_dir / "blobs", {0}));

  RebuildResult result;
  std::unique_ptr<store::Database> db;
  if (config.database == "sqlite") {
    std::filesystem::path file = config.data_dir / "vigil.db";
    if (std::filesystem::exists(file)) {
      auto stamp = std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count());
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::path from = file.string() + suffix;
        std::error_code ec;
        if (std::filesystem::exists(from))
          std::filesystem::rename(from, file.string() + ".before-rebuild-" + stamp + suffix, ec);
        if (ec) return MakeError(Errc::kIo, "cannot move " + from.string() + ": " + ec.message());
      }
      result.moved_aside = "vigil.db.before-rebuild-" + stamp;
    }
    VIGIL_ASSIGN_OR_RETURN(db, store::OpenSqlite(file));
  } else {
    VIGIL_ASSIGN_OR_RETURN(db, store::OpenPostgres(config.database));
    std::int64_t rows = 0;
    VIGIL_RETURN_IF_ERROR(db->Read([&](store::Transaction& t) -> Status {
      VIGIL_ASSIGN_OR_RETURN(auto r, t.Query("SELECT COUNT(*) FROM log_entries"));
      rows = std::get<std::int64_t>(r.at(0).at(0));
      return OkStatus();
    }));
    if (rows != 0)
      return MakeError(Errc::kFailedPrecondition,
                       "the PostgreSQL database is not empty: create a new database and point "
                       "`database` at it");
  }

  SystemClock clock;
  records::Ledger ledger(*blobs, **appender, *db, clock);
  VIGIL_ASSIGN_OR_RETURN(auto appliers, OfflineAppliers::Register(ledger, *db, config));
  VIGIL_ASSIGN_OR_RETURN(result.entries, ledger.CatchUp(log_dir));
  return result;
}

OfflineAppliers::OfflineAppliers(records::Ledger& ledger, store::Database& db,
                                 const server::Config& config, tracker::TrackerData tracker)
    : reports_(ledger, db, random_),
      accounts_(ledger, db, random_, clock_, nullptr, config.log_origin),
      tracker_(std::move(tracker)),
      tracker_edits_(ledger, db, random_, tracker_),
      publications_(ledger, db, random_),
      cases_(ledger, db, random_),
      settings_(ledger, db, random_, settings::InstanceSettings{}) {}

Result<std::unique_ptr<OfflineAppliers>> OfflineAppliers::Register(records::Ledger& ledger,
                                                                   store::Database& db,
                                                                   const server::Config& config) {
  VIGIL_ASSIGN_OR_RETURN(tracker::TrackerData tracker, tracker::LoadBuiltinTracker());
  return std::unique_ptr<OfflineAppliers>(
      new OfflineAppliers(ledger, db, config, std::move(tracker)));
}

}  // namespace vigil::cli
