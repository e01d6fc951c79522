// `vigil backup DATADIR OUT`, `vigil backup verify BACKUP` and `vigil restore BACKUP DATADIR`:
// backups of the log, the blobs and the index, verified and restored without any private key
// but those a restored instance needs to run: the log key, to continue its log, and the server
// key, for staff logins. Format: docs/formats/backup.md
#include <cstdio>

#include "base/secret.h"
#include "cli/backup.h"
#include "cli/commands.h"
#include "cli/files.h"
#include "cli/key_files.h"

namespace vigil::cli {
namespace {

struct BackupFlags {
  std::string data_dir, out, key;
};

struct VerifyFlags {
  std::string backup, key;
};

struct RestoreFlags {
  std::string backup, data_dir, key, log_key, server_key;
  bool no_log_key = false;
  bool new_server_key = false;
};

Result<std::optional<translog::VerifierKey>> OptionalKey(const std::string& key) {
  if (key.empty()) return std::optional<translog::VerifierKey>();
  VIGIL_ASSIGN_OR_RETURN(translog::VerifierKey parsed, LoadVerifierKey(key));
  return std::optional<translog::VerifierKey>(std::move(parsed));
}

void PrintSummary(const char* what, const BackupSummary& s) {
  std::printf("%s %s at tree size %llu (root %s): %llu blobs, %llu files, %llu bytes; index: %s\n",
              what, s.origin.c_str(), static_cast<unsigned long long>(s.tree_size), s.root.c_str(),
              static_cast<unsigned long long>(s.blobs), static_cast<unsigned long long>(s.files),
              static_cast<unsigned long long>(s.bytes),
              s.database == "sqlite" ? "SQLite snapshot" : "none (rebuilt from the log)");
}

Status Backup(const BackupFlags& flags) {
  VIGIL_ASSIGN_OR_RETURN(auto key, OptionalKey(flags.key));
  VIGIL_ASSIGN_OR_RETURN(BackupSummary summary, WriteBackup(flags.data_dir, flags.out, key));
  PrintSummary("backed up", summary);
  std::printf("verify it anywhere, with no private key: vigil backup verify %s --key %s\n",
              flags.out.c_str(), summary.log_key.c_str());
  return OkStatus();
}

Status Verify(const VerifyFlags& flags) {
  VIGIL_ASSIGN_OR_RETURN(auto key, OptionalKey(flags.key));
  VIGIL_ASSIGN_OR_RETURN(BackupSummary summary, VerifyBackup(flags.backup, key));
  PrintSummary("OK: a backup of", summary);
  if (!key)
    std::printf(
        "checked with the key the backup carries, %s: pass --key with the key you trust to know "
        "it is that log's\n",
        summary.log_key.c_str());
  return OkStatus();
}

Status Restore(const RestoreFlags& flags) {
  if (flags.log_key.empty() && !flags.no_log_key)
    return MakeError(Errc::kInvalidArgument,
                     "give --log-key FILE (your copy of the instance's keys/log.key, to run the "
                     "restored instance) or --no-log-key (a copy to verify and read; vigild will "
                     "not start on it)");
  if (!flags.log_key.empty() && flags.server_key.empty() && !flags.new_server_key)
    return MakeError(Errc::kInvalidArgument,
                     "give --server-key FILE (your copy of the instance's keys/server.key) or "
                     "--new-server-key (staff then enrol their second factor again)");
  RestoreOptions options;
  options.backup = flags.backup;
  options.new_server_key = flags.new_server_key;
  if (!flags.server_key.empty()) {
    VIGIL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(flags.server_key, 4096));
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    auto identity = age::X25519Identity::Parse(text);
    SecureZero(text.data(), text.size());
    if (!identity)
      return MakeError(Errc::kInvalidArgument, flags.server_key + " is not a server key");
    options.server_key.emplace(std::move(*identity));
  }
  options.data_dir = flags.data_dir;
  VIGIL_ASSIGN_OR_RETURN(options.trusted, OptionalKey(flags.key));
  if (!flags.log_key.empty()) {
    VIGIL_ASSIGN_OR_RETURN(translog::SignerKey key, LoadSignerKey(flags.log_key));
    options.log_key.emplace(std::move(key));
  }
  VIGIL_ASSIGN_OR_RETURN(RestoreSummary result, RestoreBackup(std::move(options)));
  PrintSummary("verified", result.backup);
  std::printf("restored into %s\n", flags.data_dir.c_str());
  if (flags.new_server_key)
    std::printf("made a new server key: staff enrol their second factor again\n");
  if (result.indexed) {
    std::printf("rebuilt the index from the log and the blobs: %llu entries\n",
                static_cast<unsigned long long>(result.entries_indexed));
    std::printf("start it: vigild --config %s/vigil.conf\n", flags.data_dir.c_str());
  } else {
    std::printf(
        "no log key: the log and the blobs can be verified and read (vigil log verify %s/log "
        "--key %s --blobs %s/blobs), but vigild will not start until %s/keys holds the "
        "instance's log.key and server.key; it then builds its index at start-up\n",
        flags.data_dir.c_str(), result.backup.log_key.c_str(), flags.data_dir.c_str(),
        flags.data_dir.c_str());
  }
  if (result.onion)
    std::printf(
        "onion = true: put your copy of the onion service's keys in %s/tor/onion_service/ "
        "before the first start, or the instance gets a new onion address\n",
        flags.data_dir.c_str());
  std::printf("vigil.conf comes from the backup, which no signature covers: review it\n");
  return OkStatus();
}

}  // namespace

void RegisterBackupCommands(CLI::App& app, Action& action) {
  auto backup_flags = std::make_shared<BackupFlags>();
  CLI::App* backup = app.add_subcommand(
      "backup", "Back up an instance (log, blobs, index; never a private key), even while it runs");
  backup->add_option("data_dir", backup_flags->data_dir, "The instance's data directory");
  backup->add_option("out", backup_flags->out, "The backup directory to create");
  backup->add_option("--key", backup_flags->key,
                     "The log's verifier key or a file holding it (default: from keys/log.key)");

  auto verify_flags = std::make_shared<VerifyFlags>();
  CLI::App* verify = backup->add_subcommand(
      "verify", "Check a backup against its manifest, its log's signature and every blob");
  verify->add_option("backup_dir", verify_flags->backup, "The backup directory")->required();
  verify->add_option("--key", verify_flags->key,
                     "The log's verifier key you trust, or a file holding it");
  verify->callback(
      [&action, verify_flags] { action = [verify_flags] { return Verify(*verify_flags); }; });

  // The parent's callback runs after its subcommand's: `backup verify` has set the action.
  backup->callback([&action, backup, verify, backup_flags] {
    if (backup->got_subcommand(verify)) return;
    action = [backup_flags]() -> Status {
      if (backup_flags->data_dir.empty() || backup_flags->out.empty())
        return MakeError(Errc::kInvalidArgument, "usage: vigil backup DATADIR OUT");
      return Backup(*backup_flags);
    };
  });

  auto restore_flags = std::make_shared<RestoreFlags>();
  CLI::App* restore =
      app.add_subcommand("restore", "Create a data directory from a verified backup");
  restore->add_option("backup_dir", restore_flags->backup, "The backup directory")->required();
  restore->add_option("data_dir", restore_flags->data_dir, "The data directory to create")
      ->required();
  auto* log_key = restore->add_option("--log-key", restore_flags->log_key,
                                      "Your copy of the instance's log signer key (keys/log.key)");
  restore
      ->add_flag("--no-log-key", restore_flags->no_log_key,
                 "Restore without the log key: verifiable and readable, but vigild will not start")
      ->excludes(log_key);
  auto* server_key = restore->add_option(
      "--server-key", restore_flags->server_key,
      "Your copy of the instance's server key (keys/server.key: opens staff TOTP seeds)");
  restore
      ->add_flag("--new-server-key", restore_flags->new_server_key,
                 "Make a new server key: staff enrol their second factor again")
      ->excludes(server_key);
  restore->add_option("--key", restore_flags->key,
                      "The log's verifier key you trust, or a file holding it");
  restore->callback(
      [&action, restore_flags] { action = [restore_flags] { return Restore(*restore_flags); }; });
}

}  // namespace vigil::cli
