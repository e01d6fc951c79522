// `vigil init DATADIR`: a new instance's data directory: configuration, log signing key (0600),
// and an empty transparency log with its first checkpoint.
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>

#include "cli/commands.h"
#include "cli/files.h"
#include "cli/invite_command.h"
#include "crypto/age/x25519_recipient.h"
#include "server/config.h"
#include "server/onion.h"
#include "translog/appender.h"

namespace vigil::cli {
namespace {

struct InitFlags {
  std::string data_dir;
  std::string origin = "vigil.localhost/log";
  std::string listen = "127.0.0.1:8080";
  bool onion = false;
};

Status Init(const InitFlags& flags) {
  namespace fs = std::filesystem;
  fs::path dir = flags.data_dir;
  if (fs::exists(dir / "vigil.conf"))
    return MakeError(Errc::kAlreadyExists, dir.string() + " already holds an instance");
  std::error_code ec;
  fs::create_directories(dir / "keys", ec);
  if (ec) return MakeError(Errc::kIo, "cannot create " + dir.string() + ": " + ec.message());
  // Security: T4, the keys directory is readable by the service user only.
  ::chmod((dir / "keys").c_str(), 0700);

  auto key = translog::GenerateSignerKey(flags.origin, SystemRandom::Get());
  if (!key)
    return MakeError(Errc::kInvalidArgument,
                     "invalid origin '" + flags.origin + "': " + key.error().detail);
  VIGIL_ASSIGN_OR_RETURN(auto key_file,
                         OutputFile::Create((dir / "keys" / "log.key").string(), 0600));
  SecretBytes key_text = translog::FormatSignerKey(*key);
  VIGIL_RETURN_IF_ERROR(key_file->sink().Write(key_text.span()));
  VIGIL_RETURN_IF_ERROR(key_file->sink().Write(AsBytes("\n")));
  VIGIL_RETURN_IF_ERROR(key_file->Commit());
  VIGIL_RETURN_IF_ERROR(translog::Appender::Init(dir / "log", flags.origin, *key));
  // The server key: opens the TOTP seeds of staff accounts, nothing else (DESIGN.md section 3).
  VIGIL_ASSIGN_OR_RETURN(auto server_key_file,
                         OutputFile::Create((dir / "keys" / "server.key").string(), 0600));
  SecretBytes server_key = age::X25519Identity::Generate(SystemRandom::Get()).Encode();
  VIGIL_RETURN_IF_ERROR(server_key_file->sink().Write(server_key.span()));
  VIGIL_RETURN_IF_ERROR(server_key_file->sink().Write(AsBytes("\n")));
  VIGIL_RETURN_IF_ERROR(server_key_file->Commit());

  server::Config config;
  config.data_dir = ".";
  config.log_origin = flags.origin;
  server::ConfigErrors errors =
      server::ParseConfig("--listen", "listen = " + flags.listen, {}, dir, config);
  if (!errors.lines.empty()) return MakeError(Errc::kInvalidArgument, errors.lines.front());
  config.data_dir = ".";
  config.onion = flags.onion;
  if (flags.onion) VIGIL_RETURN_IF_ERROR(server::CreateOnionDirectory(dir));
  VIGIL_ASSIGN_OR_RETURN(auto conf, OutputFile::Create((dir / "vigil.conf").string(), 0600));
  VIGIL_RETURN_IF_ERROR(conf->sink().Write(AsBytes(server::FormatConfig(config))));
  VIGIL_RETURN_IF_ERROR(conf->Commit());

  // The first administrator's invitation, committed to the log like every other.
  config.data_dir = fs::absolute(dir);
  VIGIL_ASSIGN_OR_RETURN(accounts::Invitation invitation,
                         InviteOffline(config, accounts::Role::kAdmin));

  std::printf("Created %s\n", fs::absolute(dir).lexically_normal().c_str());
  std::printf("Log verifier key: %s\n", translog::FormatVerifierKey(key->verifier_key()).c_str());
  if (flags.onion)
    std::printf("Onion service: vigild starts tor and prints the address; its keys will be in %s\n",
                (dir / "tor" / "onion_service").c_str());
  std::printf("Start the server: vigild --config %s\n", (dir / "vigil.conf").c_str());
  std::printf("First administrator (one use, valid 72 hours): %s\n",
              JoinLink(config, invitation.token).c_str());
  return OkStatus();
}

}  // namespace

void RegisterInitCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<InitFlags>();
  CLI::App* init = app.add_subcommand(
      "init", "Create an instance's data directory (configuration, keys, log, first invitation)");
  init->add_option("data_dir", flags->data_dir, "Data directory to create")->required();
  init->add_option("--origin", flags->origin,
                   "The log's checkpoint origin, e.g. vigil.example.org/log");
  init->add_option("--listen", flags->listen, "Address and port to listen on (host:port)");
  init->add_flag("--onion", flags->onion,
                 "Run a Tor onion service (v3) with /usr/bin/tor; vigild prints its address");
  init->callback([&action, flags] { action = [flags] { return Init(*flags); }; });
}

}  // namespace vigil::cli
