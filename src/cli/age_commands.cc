// `vigil keygen`, `vigil encrypt`, `vigil decrypt`: the age format from the command line, with
// the age tool's flags where they make sense.
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/files.h"
#include "cli/passphrase.h"
#include "crypto/age/age.h"
#include "crypto/age/keys.h"
#include "crypto/age/scrypt_recipient.h"

namespace vigil::cli {
namespace {

struct KeygenFlags {
  std::string output;
  bool to_public = false;
  std::string input;
};

struct EncryptFlags {
  std::vector<std::string> recipients;
  std::vector<std::string> recipient_files;
  bool passphrase = false;
  bool armor = false;
  std::string output;
  std::string input;
  std::size_t threads = 0;
  int work_factor = age::kDefaultScryptWorkFactor;
};

struct DecryptFlags {
  std::vector<std::string> identity_files;
  std::string output;
  std::string input;
  std::size_t threads = 0;
  int max_work_factor = age::kDefaultMaxScryptWorkFactor;
};

std::string Rfc3339Now() {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

Status Keygen(const KeygenFlags& flags) {
  if (flags.to_public) {
    VIGIL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(flags.input));
    VIGIL_ASSIGN_OR_RETURN(auto identities, age::ParseIdentityFile(text));
    VIGIL_ASSIGN_OR_RETURN(auto out, OutputFile::Create(flags.output));
    for (const auto& id : identities) {
      std::string line = id.ToRecipient().ToString() + "\n";
      VIGIL_RETURN_IF_ERROR(out->sink().Write(AsBytes(line)));
    }
    return out->Commit();
  }
  age::X25519Identity identity = age::X25519Identity::Generate(SystemRandom::Get());
  std::string recipient = identity.ToRecipient().ToString();
  // Security: the identity file is created 0600 and written whole or not at all.
  VIGIL_ASSIGN_OR_RETURN(auto out, OutputFile::Create(flags.output, 0600));
  std::string head = "# created: " + Rfc3339Now() + "\n# public key: " + recipient + "\n";
  VIGIL_RETURN_IF_ERROR(out->sink().Write(AsBytes(head)));
  SecretBytes secret = identity.Encode();
  VIGIL_RETURN_IF_ERROR(out->sink().Write(secret.span()));
  VIGIL_RETURN_IF_ERROR(out->sink().Write(AsBytes("\n")));
  VIGIL_RETURN_IF_ERROR(out->Commit());
  if (!flags.output.empty() && flags.output != "-")
    std::fprintf(stderr, "Public key: %s\n", recipient.c_str());
  return OkStatus();
}

Status Encrypt(const EncryptFlags& flags) {
  std::vector<std::unique_ptr<age::Recipient>> owned;
  if (flags.passphrase) {
    if (!flags.recipients.empty() || !flags.recipient_files.empty())
      return MakeError(Errc::kInvalidArgument, "-p cannot be combined with -r or -R");
    VIGIL_ASSIGN_OR_RETURN(SecretBytes pass, ReadPassphrase("Enter passphrase: ", true));
    owned.push_back(std::make_unique<age::ScryptRecipient>(std::move(pass), flags.work_factor));
  }
  for (const auto& r : flags.recipients) {
    auto parsed = age::X25519Recipient::Parse(r);
    if (!parsed) return MakeError(Errc::kInvalidArgument, "invalid recipient " + r);
    owned.push_back(std::make_unique<age::X25519Recipient>(*parsed));
  }
  for (const auto& path : flags.recipient_files) {
    VIGIL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path));
    auto parsed = age::ParseRecipientsFile(text);
    if (!parsed) return MakeError(Errc::kInvalidArgument, path + ": " + parsed.error().detail);
    for (auto& r : *parsed) owned.push_back(std::make_unique<age::X25519Recipient>(r));
  }
  if (owned.empty()) return MakeError(Errc::kInvalidArgument, "no recipients: use -r, -R or -p");
  std::vector<const age::Recipient*> recipients;
  for (auto& r : owned) recipients.push_back(r.get());

  VIGIL_ASSIGN_OR_RETURN(auto in, InputFile::Open(flags.input));
  VIGIL_ASSIGN_OR_RETURN(auto out, OutputFile::Create(flags.output));
  if (out->is_terminal() && !flags.armor)
    return MakeError(Errc::kInvalidArgument,
                     "refusing to write binary output to a terminal; use -a or -o");
  age::EncryptOptions options;
  options.armor = flags.armor;
  options.stream.threads = flags.threads;
  VIGIL_ASSIGN_OR_RETURN(
      auto enc, age::Encryptor::Create(out->sink(), recipients, SystemRandom::Get(), options));
  VIGIL_RETURN_IF_ERROR(enc->ReadFrom(in->source()));
  VIGIL_RETURN_IF_ERROR(enc->Close());
  return out->Commit();
}

Status Decrypt(const DecryptFlags& flags) {
  std::vector<std::unique_ptr<age::Identity>> owned;
  for (const auto& path : flags.identity_files) {
    VIGIL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path));
    auto parsed = age::ParseIdentityFile(text);
    SecureZero(text.data(), text.size());
    if (!parsed) return MakeError(Errc::kInvalidArgument, path + ": " + parsed.error().detail);
    for (auto& id : *parsed) owned.push_back(std::make_unique<age::X25519Identity>(std::move(id)));
  }
  if (owned.empty()) {
    VIGIL_ASSIGN_OR_RETURN(SecretBytes pass, ReadPassphrase("Enter passphrase: ", false));
    owned.push_back(std::make_unique<age::ScryptIdentity>(std::move(pass), flags.max_work_factor));
  }
  std::vector<const age::Identity*> identities;
  for (auto& i : owned) identities.push_back(i.get());

  VIGIL_ASSIGN_OR_RETURN(auto in, InputFile::Open(flags.input));
  age::DecryptOptions options;
  options.stream.threads = flags.threads;
  VIGIL_ASSIGN_OR_RETURN(auto dec, age::Decryptor::Open(in->source(), identities, options));
  // The output file is created only once the header opened, and appears only if every chunk
  // authenticated (OutputFile::Commit).
  VIGIL_ASSIGN_OR_RETURN(auto out, OutputFile::Create(flags.output));
  VIGIL_RETURN_IF_ERROR(dec->WriteTo(out->sink()));
  return out->Commit();
}

}  // namespace

std::string DescribeError(const Error& error) {
  switch (error.code) {
    case Errc::kNoMatch:
      return "no identity matched any of the file's recipients";
    case Errc::kMalformed:
      return "the input is not a valid age file: " + error.detail;
    case Errc::kBadHeaderMac:
      return "the file's header was altered or the file key is wrong (header MAC mismatch)";
    case Errc::kCorrupt:
      return "damaged or altered data: " + error.detail;
    case Errc::kBadArmor:
      return "the armored input is malformed: " + error.detail;
    default:
      return error.detail.empty() ? std::string(ErrcName(error.code)) : error.detail;
  }
}

void RegisterAgeCommands(CLI::App& app, Action& action) {
  auto keygen_flags = std::make_shared<KeygenFlags>();
  CLI::App* keygen = app.add_subcommand(
      "keygen", "Generate an age X25519 identity (0600 file); prints the recipient");
  keygen->add_option("-o,--output", keygen_flags->output,
                     "Write the identity to FILE instead of standard output");
  keygen->add_flag("-y", keygen_flags->to_public,
                   "Convert an identity file (INPUT) to its recipients");
  keygen->add_option("input", keygen_flags->input,
                     "Identity file for -y (default: standard input)");
  keygen->callback(
      [&action, keygen_flags] { action = [keygen_flags] { return Keygen(*keygen_flags); }; });

  auto enc_flags = std::make_shared<EncryptFlags>();
  CLI::App* enc = app.add_subcommand("encrypt", "Encrypt to age recipients or a passphrase");
  enc->add_option("-r,--recipient", enc_flags->recipients,
                  "Encrypt to RECIPIENT (age1...); repeatable")
      ->allow_extra_args(false);
  enc->add_option("-R,--recipients-file", enc_flags->recipient_files,
                  "Encrypt to the recipients listed in FILE; repeatable")
      ->allow_extra_args(false);
  enc->add_flag("-p,--passphrase", enc_flags->passphrase,
                "Encrypt with a passphrase (VIGIL_PASSPHRASE or the terminal)");
  enc->add_flag("-a,--armor", enc_flags->armor, "Write PEM-armored output");
  enc->add_option("-o,--output", enc_flags->output, "Write to FILE (created only on success)");
  enc->add_option("--threads", enc_flags->threads, "Threads for the payload (default: all cores)");
  enc->add_option("--work-factor", enc_flags->work_factor, "scrypt log2(N) for -p (default 18)")
      ->check(CLI::Range(10, 30));
  enc->add_option("input", enc_flags->input, "Input file (default: standard input)");
  enc->callback([&action, enc_flags] { action = [enc_flags] { return Encrypt(*enc_flags); }; });

  auto dec_flags = std::make_shared<DecryptFlags>();
  CLI::App* dec = app.add_subcommand("decrypt", "Decrypt an age file (binary or armored)");
  dec->add_option("-i,--identity", dec_flags->identity_files,
                  "Identity FILE; repeatable. Without -i, asks for a passphrase")
      ->allow_extra_args(false);
  dec->add_option("-o,--output", dec_flags->output,
                  "Write to FILE (created only if the whole file authenticates)");
  dec->add_option("--threads", dec_flags->threads, "Threads for the payload (default: all cores)");
  dec->add_option("--max-work-factor", dec_flags->max_work_factor,
                  "Largest scrypt log2(N) accepted (default 22)")
      ->check(CLI::Range(1, 30));
  dec->add_option("input", dec_flags->input, "Input file (default: standard input)");
  dec->callback([&action, dec_flags] { action = [dec_flags] { return Decrypt(*dec_flags); }; });
}

}  // namespace vigil::cli
