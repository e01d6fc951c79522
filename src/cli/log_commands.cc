// `vigil log …`: the transparency log from the command line (docs/formats/log.md).
#include <cstdio>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/files.h"
#include "translog/signed_note.h"

namespace vigil::cli {
namespace {

struct KeygenFlags {
  std::string name;
  std::string output;
};

Status LogKeygen(const KeygenFlags& flags) {
  auto key = translog::GenerateSignerKey(flags.name, SystemRandom::Get());
  if (!key)
    return MakeError(Errc::kInvalidArgument,
                     "invalid key name '" + flags.name + "': " + key.error().detail);
  // Security: the signer key file is created 0600 and appears only once complete.
  VIGIL_ASSIGN_OR_RETURN(auto out, OutputFile::Create(flags.output, 0600));
  SecretBytes text = translog::FormatSignerKey(*key);
  VIGIL_RETURN_IF_ERROR(out->sink().Write(text.span()));
  VIGIL_RETURN_IF_ERROR(out->sink().Write(AsBytes("\n")));
  VIGIL_RETURN_IF_ERROR(out->Commit());
  std::string verifier = translog::FormatVerifierKey(key->verifier_key());
  std::printf("%s\n", verifier.c_str());
  return OkStatus();
}

}  // namespace

void RegisterLogCommands(CLI::App& app, Action& action) {
  CLI::App* log = app.add_subcommand(
      "log", "Transparency log: keys, appending, proofs, verification, witnessing");
  log->require_subcommand(1);

  auto keygen_flags = std::make_shared<KeygenFlags>();
  CLI::App* keygen =
      log->add_subcommand("keygen", "Make a log (or witness) signing key; prints its verifier key");
  keygen
      ->add_option("name", keygen_flags->name,
                   "Key name, usually the log's origin (e.g. example.org/log)")
      ->required();
  keygen->add_option("-o,--output", keygen_flags->output, "Signer key file (mode 0600)")
      ->required();
  keygen->callback(
      [&action, keygen_flags] { action = [keygen_flags] { return LogKeygen(*keygen_flags); }; });
}

}  // namespace vigil::cli
