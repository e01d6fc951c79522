// `vigil invite DATADIR --role ROLE`.
#include "cli/invite_command.h"

#include <cstdio>

#include "base/clock.h"
#include "base/random.h"
#include "base/secret.h"
#include "cli/commands.h"
#include "cli/files.h"
#include "cli/instance.h"
#include "records/ledger.h"
#include "reports/reports.h"
#include "store/postgres_database.h"
#include "store/sqlite_database.h"
#include "translog/appender.h"

namespace vigil::cli {

Result<accounts::Invitation> InviteOffline(const server::Config& config, accounts::Role role) {
  VIGIL_ASSIGN_OR_RETURN(std::string key_text,
                         ReadSmallFile((config.data_dir / "keys" / "log.key").string()));
  while (!key_text.empty() && key_text.back() == '\n') key_text.pop_back();
  auto key = translog::ParseSignerKey(key_text);
  SecureZero(key_text.data(), key_text.size());
  if (!key) return MakeError(Errc::kInvalidArgument, "keys/log.key is not a log signer key");
  translog::AppenderOptions log_options;
  log_options.dir = config.data_dir / "log";
  log_options.origin = config.log_origin;
  auto appender = translog::Appender::Open(log_options, std::move(*key));
  if (!appender && appender.error().code == Errc::kUnavailable)
    return MakeError(Errc::kUnavailable, "the log is in use: stop vigild first");
  if (!appender) return appender.error();
  VIGIL_ASSIGN_OR_RETURN(auto log_dir, translog::LogDirectory::Open(log_options.dir));
  VIGIL_ASSIGN_OR_RETURN(auto blobs, store::BlobStore::Open(config.data_dir / "blobs", {0}));
  VIGIL_ASSIGN_OR_RETURN(auto db, config.database == "sqlite"
                                      ? store::OpenSqlite(config.data_dir / "vigil.db")
                                      : store::OpenPostgres(config.database));
  SystemClock clock;
  records::Ledger ledger(*blobs, **appender, *db, clock);
  VIGIL_ASSIGN_OR_RETURN(auto appliers, OfflineAppliers::Register(ledger, *db, config));
  VIGIL_RETURN_IF_ERROR(ledger.CatchUp(log_dir));
  return appliers->accounts().Invite(role, translog::ActorId{});
}

std::string JoinLink(const server::Config& config, const std::string& token) {
  std::string host = config.listen_address == "0.0.0.0" ? "127.0.0.1" : config.listen_address;
  return "http://" + host + ":" + std::to_string(config.listen_port) + "/join#" + token;
}

namespace {

struct InviteFlags {
  std::string data_dir;
  std::string role = "admin";
};

Status Invite(const InviteFlags& flags) {
  auto role = accounts::ParseRole(flags.role);
  if (!role || *role == accounts::Role::kMirror)
    return MakeError(Errc::kInvalidArgument, "--role is admin, coordinator, auditor or editor");
  std::filesystem::path config_path = std::filesystem::path(flags.data_dir) / "vigil.conf";
  VIGIL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(config_path.string()));
  server::Config config;
  auto errors = server::ParseConfig(config_path.string(), text, {}, flags.data_dir, config);
  if (!errors.lines.empty()) return MakeError(Errc::kInvalidArgument, errors.lines.front());
  VIGIL_ASSIGN_OR_RETURN(accounts::Invitation invitation, InviteOffline(config, *role));
  std::printf("Invitation for a new %s (one use, until %lld unix time): %s\n",
              std::string(accounts::RoleName(*role)).c_str(),
              static_cast<long long>(invitation.expires_at),
              JoinLink(config, invitation.token).c_str());
  return OkStatus();
}

}  // namespace

void RegisterInviteCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<InviteFlags>();
  CLI::App* invite = app.add_subcommand(
      "invite", "Issue a one-time invitation link from the server's console (vigild stopped)");
  invite->add_option("data_dir", flags->data_dir, "The instance's data directory")->required();
  invite->add_option("--role", flags->role, "admin (default), coordinator, auditor or editor");
  invite->callback([&action, flags] { action = [flags] { return Invite(*flags); }; });
}

}  // namespace vigil::cli
