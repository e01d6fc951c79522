// `vigil rebuild DATADIR`: recreates the database index from the transparency log and the blob
// store (DESIGN.md section 5, decision 0004), with the same appliers vigild uses. The server
// must be stopped (the log's lock says so). A SQLite database is moved aside, not deleted; a
// PostgreSQL database must be new and empty.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "accounts/accounts.h"
#include "base/clock.h"
#include "base/random.h"
#include "base/secret.h"
#include "cli/commands.h"
#include "cli/files.h"
#include "records/ledger.h"
#include "reports/reports.h"
#include "server/config.h"
#include "store/postgres_database.h"
#include "store/sqlite_database.h"
#include "translog/appender.h"

namespace vigil::cli {
namespace {

struct RebuildFlags {
  std::string data_dir;
};

Status Rebuild(const RebuildFlags& flags) {
  std::filesystem::path dir = flags.data_dir;
  std::filesystem::path config_path = dir / "vigil.conf";
  VIGIL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(config_path.string()));
  server::Config config;
  auto errors = server::ParseConfig(config_path.string(), text, {}, dir, config);
  if (!errors.lines.empty()) return MakeError(Errc::kInvalidArgument, errors.lines.front());
  VIGIL_ASSIGN_OR_RETURN(std::string key_text,
                         ReadSmallFile((config.data_dir / "keys" / "log.key").string()));
  while (!key_text.empty() && key_text.back() == '\n') key_text.pop_back();
  auto key = translog::ParseSignerKey(key_text);
  SecureZero(key_text.data(), key_text.size());
  if (!key) return MakeError(Errc::kInvalidArgument, "keys/log.key is not a log signer key");

  // The log first: its lock fails while vigild runs, before anything is moved.
  translog::AppenderOptions log_options;
  log_options.dir = config.data_dir / "log";
  log_options.origin = config.log_origin;
  auto appender = translog::Appender::Open(log_options, std::move(*key));
  if (!appender && appender.error().code == Errc::kUnavailable)
    return MakeError(Errc::kUnavailable, "the log is in use: stop vigild first");
  if (!appender) return appender.error();
  VIGIL_ASSIGN_OR_RETURN(auto log_dir, translog::LogDirectory::Open(log_options.dir));
  VIGIL_ASSIGN_OR_RETURN(auto blobs, store::BlobStore::Open(config.data_dir / "blobs", {0}));

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
      std::printf("moved the old database aside: vigil.db.before-rebuild-%s\n", stamp.c_str());
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
  SystemRandom random;
  records::Ledger ledger(*blobs, **appender, *db, clock);
  reports::Reports reports(ledger, *db, random);
  accounts::Accounts accounts(ledger, *db, random, clock, nullptr, config.log_origin);
  VIGIL_ASSIGN_OR_RETURN(std::uint64_t applied, ledger.CatchUp(log_dir));
  std::printf("rebuilt the index from the log and the blobs: %llu entries\n",
              static_cast<unsigned long long>(applied));
  return OkStatus();
}

}  // namespace

void RegisterRebuildCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<RebuildFlags>();
  CLI::App* rebuild = app.add_subcommand(
      "rebuild", "Recreate the database from the log and the blob store (vigild stopped)");
  rebuild->add_option("data_dir", flags->data_dir, "The instance's data directory")->required();
  rebuild->callback([&action, flags] { action = [flags] { return Rebuild(*flags); }; });
}

}  // namespace vigil::cli
