// `vigil log …`: the transparency log from the command line (docs/formats/log.md).
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/base64.h"
#include "base/hex.h"
#include "cli/commands.h"
#include "cli/files.h"
#include "cli/key_files.h"
#include "crypto/sha256.h"
#include "http/client.h"
#include "store/blob_store.h"
#include "translog/appender.h"
#include "translog/audit.h"
#include "translog/cosignature.h"
#include "translog/entry.h"
#include "translog/receipt.h"
#include "translog/signed_note.h"
#include "translog/witness.h"

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

// A log location: a directory, or (later) an http(s) URL prefix.
Result<translog::Fetch> OpenLocation(const std::string& location) {
  if (location.starts_with("http://")) {
    std::string prefix = location;
    while (!prefix.empty() && prefix.back() == '/') prefix.pop_back();
    return translog::Fetch([prefix](const std::string& path) -> Result<std::optional<Bytes>> {
      VIGIL_ASSIGN_OR_RETURN(http::GetResult got, http::Get(prefix + "/" + path));
      if (got.status == 404) return std::optional<Bytes>();
      if (got.status != 200)
        return MakeError(Errc::kUnavailable, path + ": HTTP " + std::to_string(got.status));
      return std::optional<Bytes>(ToBytes(got.body));
    });
  }
  if (location.starts_with("https://"))
    return MakeError(
        Errc::kInvalidArgument,
        "https:// is not supported yet: use a directory, or http:// through a local proxy");
  VIGIL_ASSIGN_OR_RETURN(translog::LogDirectory dir, translog::LogDirectory::Open(location));
  auto shared = std::make_shared<translog::LogDirectory>(std::move(dir));
  return translog::Fetch([shared](const std::string& path) { return shared->Read(path); });
}

struct InitFlags {
  std::string dir, key_file, origin;
};

Status LogInit(const InitFlags& flags) {
  VIGIL_ASSIGN_OR_RETURN(translog::SignerKey key, LoadSignerKey(flags.key_file));
  std::string origin = flags.origin.empty() ? key.name() : flags.origin;
  VIGIL_RETURN_IF_ERROR(translog::Appender::Init(flags.dir, origin, key));
  std::printf("%s\n", translog::FormatVerifierKey(key.verifier_key()).c_str());
  return OkStatus();
}

struct AppendFlags {
  std::string dir, key_file, origin;
  std::vector<std::string> files;
};

Status LogAppend(const AppendFlags& flags) {
  VIGIL_ASSIGN_OR_RETURN(translog::SignerKey key, LoadSignerKey(flags.key_file));
  std::vector<Bytes> entries;
  for (const std::string& f : flags.files) {
    VIGIL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(f, translog::kMaxEntrySize));
    entries.push_back(ToBytes(text));
  }
  if (entries.empty())
    return MakeError(Errc::kInvalidArgument, "no entries: name one file per entry");
  translog::AppenderOptions options;
  options.dir = flags.dir;
  options.origin = flags.origin.empty() ? key.name() : flags.origin;
  VIGIL_ASSIGN_OR_RETURN(auto appender, translog::Appender::Open(options, std::move(key)));
  std::size_t count = entries.size();
  VIGIL_ASSIGN_OR_RETURN(std::uint64_t first, appender->Append(std::move(entries)));
  VIGIL_RETURN_IF_ERROR(appender->PublishNow());
  for (std::size_t i = 0; i < count; ++i)
    std::printf("%llu\n", static_cast<unsigned long long>(first + i));
  return OkStatus();
}

struct VerifyFlags {
  std::string location, key, since, blobs;
};

// Checks an entry's blob, when it has one, against the blob store: present, and the same
// SHA-256 and size (the stored ciphertext is what the log committed to).
Status CheckEntryBlob(const store::BlobStore& blobs, ByteSpan raw) {
  VIGIL_ASSIGN_OR_RETURN(translog::Entry entry, translog::DecodeEntry(raw));
  if (std::all_of(entry.blob_sha256.begin(), entry.blob_sha256.end(),
                  [](std::uint8_t b) { return b == 0; }))
    return OkStatus();
  auto source = blobs.Open(entry.blob_sha256);
  if (!source)
    return MakeError(Errc::kCorrupt, "its blob " + HexEncode(entry.blob_sha256) + " is missing");
  crypto::Sha256Hasher hasher;
  Bytes buffer(1 << 16);
  std::uint64_t size = 0;
  while (true) {
    VIGIL_ASSIGN_OR_RETURN(std::size_t n, (*source)->Read(buffer));
    if (n == 0) break;
    hasher.Update(ByteSpan(buffer.data(), n));
    size += n;
  }
  if (hasher.Finish() != entry.blob_sha256 || size != entry.blob_size)
    return MakeError(Errc::kCorrupt,
                     "its blob " + HexEncode(entry.blob_sha256) + " does not match the entry");
  return OkStatus();
}

Status LogVerify(const VerifyFlags& flags) {
  VIGIL_ASSIGN_OR_RETURN(translog::Fetch fetch, OpenLocation(flags.location));
  translog::AuditOptions options;
  VIGIL_ASSIGN_OR_RETURN(options.log_key, LoadVerifierKey(flags.key));
  if (!flags.since.empty()) {
    VIGIL_ASSIGN_OR_RETURN(std::string since, ReadSmallFile(flags.since));
    options.since = std::move(since);
  }
  std::unique_ptr<store::BlobStore> blobs;
  if (!flags.blobs.empty()) {
    if (!std::filesystem::is_directory(flags.blobs))
      return MakeError(Errc::kNotFound, "no blob store at " + flags.blobs);
    // Read only: vigild may be running and writing beside us, so its temporaries stay.
    VIGIL_ASSIGN_OR_RETURN(blobs, store::BlobStore::Open(flags.blobs, {0, false}));
    options.check_entry = [&blobs](std::uint64_t, ByteSpan entry) {
      return CheckEntryBlob(*blobs, entry);
    };
  }
  VIGIL_ASSIGN_OR_RETURN(translog::AuditReport report, translog::AuditLog(fetch, options));
  std::printf("OK: %s, %llu entries, %llu tiles checked, root %s\n",
              report.checkpoint.origin.c_str(),
              static_cast<unsigned long long>(report.checkpoint.size),
              static_cast<unsigned long long>(report.tiles_checked),
              Base64Encode(report.checkpoint.root_hash).c_str());
  return OkStatus();
}

struct ProveFlags {
  std::string location, key, output;
  std::uint64_t index = 0;
};

Status LogProve(const ProveFlags& flags) {
  VIGIL_ASSIGN_OR_RETURN(translog::Fetch fetch, OpenLocation(flags.location));
  VIGIL_ASSIGN_OR_RETURN(translog::VerifierKey key, LoadVerifierKey(flags.key));
  VIGIL_ASSIGN_OR_RETURN(translog::Receipt receipt, translog::MakeReceipt(fetch, key, flags.index));
  VIGIL_ASSIGN_OR_RETURN(auto out, OutputFile::Create(flags.output));
  VIGIL_RETURN_IF_ERROR(out->sink().Write(AsBytes(translog::FormatReceipt(receipt))));
  return out->Commit();
}

struct ReceiptFlags {
  std::string file, key;
};

Status LogVerifyReceipt(const ReceiptFlags& flags) {
  VIGIL_ASSIGN_OR_RETURN(translog::VerifierKey key, LoadVerifierKey(flags.key));
  VIGIL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(flags.file));
  VIGIL_ASSIGN_OR_RETURN(translog::Receipt receipt, translog::ParseReceipt(text));
  VIGIL_ASSIGN_OR_RETURN(translog::Checkpoint cp, translog::VerifyReceipt(receipt, key));
  std::printf("OK: entry %llu is in %s at tree size %llu (root %s)\n",
              static_cast<unsigned long long>(receipt.index), cp.origin.c_str(),
              static_cast<unsigned long long>(cp.size), Base64Encode(cp.root_hash).c_str());
  return OkStatus();
}

struct WitnessFlags {
  std::string location, log_key, key_file, state, output;
};

Status LogWitness(const WitnessFlags& flags) {
  VIGIL_ASSIGN_OR_RETURN(translog::Fetch fetch, OpenLocation(flags.location));
  VIGIL_ASSIGN_OR_RETURN(translog::VerifierKey log_key, LoadVerifierKey(flags.log_key));
  VIGIL_ASSIGN_OR_RETURN(translog::SignerKey witness, LoadSignerKey(flags.key_file));
  std::optional<translog::WitnessState> previous;
  if (std::filesystem::exists(flags.state)) {
    VIGIL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(flags.state));
    VIGIL_ASSIGN_OR_RETURN(previous, translog::ParseWitnessState(text));
  }
  VIGIL_ASSIGN_OR_RETURN(
      translog::WitnessResult result,
      translog::WitnessCheckpoint(fetch, log_key, previous, witness, SystemClock::Get()));
  // The state is durable before the cosignature leaves: after a crash the witness still refuses
  // any fork of what it signed.
  VIGIL_ASSIGN_OR_RETURN(auto state_file, OutputFile::Create(flags.state, 0600));
  VIGIL_RETURN_IF_ERROR(
      state_file->sink().Write(AsBytes(translog::FormatWitnessState(result.state))));
  VIGIL_RETURN_IF_ERROR(state_file->Commit());
  VIGIL_ASSIGN_OR_RETURN(auto out, OutputFile::Create(flags.output));
  VIGIL_RETURN_IF_ERROR(out->sink().Write(AsBytes(result.cosigned)));
  return out->Commit();
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

  auto init_flags = std::make_shared<InitFlags>();
  CLI::App* init =
      log->add_subcommand("init", "Create an empty log in DIR and publish its first checkpoint");
  init->add_option("dir", init_flags->dir, "Log directory (laid out as it is served)")->required();
  init->add_option("--key", init_flags->key_file, "Signer key file (vigil log keygen)")->required();
  init->add_option("--origin", init_flags->origin, "Checkpoint origin (default: the key name)");
  init->callback([&action, init_flags] { action = [init_flags] { return LogInit(*init_flags); }; });

  auto append_flags = std::make_shared<AppendFlags>();
  CLI::App* append =
      log->add_subcommand("append", "Append each FILE as one entry; prints their indices");
  append->add_option("dir", append_flags->dir, "Log directory")->required();
  append->add_option("files", append_flags->files, "One entry per file (at most 65535 bytes)");
  append->add_option("--key", append_flags->key_file, "Signer key file")->required();
  append->add_option("--origin", append_flags->origin, "Checkpoint origin (default: the key name)");
  append->callback(
      [&action, append_flags] { action = [append_flags] { return LogAppend(*append_flags); }; });

  auto verify_flags = std::make_shared<VerifyFlags>();
  CLI::App* verify =
      log->add_subcommand("verify", "Audit a whole log: signature, every entry and tile, the root");
  verify->add_option("location", verify_flags->location, "Log directory")->required();
  verify->add_option("--key", verify_flags->key, "The log's verifier key, or a file holding it")
      ->required();
  verify->add_option("--since", verify_flags->since,
                     "An older checkpoint file the log must extend");
  verify->add_option("--blobs", verify_flags->blobs,
                     "A blob store (DATADIR/blobs): check every entry's blob against it");
  verify->callback(
      [&action, verify_flags] { action = [verify_flags] { return LogVerify(*verify_flags); }; });

  auto prove_flags = std::make_shared<ProveFlags>();
  CLI::App* prove = log->add_subcommand(
      "prove", "Write a receipt: entry INDEX with its inclusion proof and checkpoint");
  prove->add_option("location", prove_flags->location, "Log directory")->required();
  prove->add_option("--index", prove_flags->index, "Entry index")->required();
  prove->add_option("--key", prove_flags->key, "The log's verifier key, or a file holding it")
      ->required();
  prove->add_option("-o,--output", prove_flags->output, "Receipt file (default: standard output)");
  prove->callback(
      [&action, prove_flags] { action = [prove_flags] { return LogProve(*prove_flags); }; });

  auto witness_flags = std::make_shared<WitnessFlags>();
  CLI::App* witness = log->add_subcommand(
      "witness",
      "Check the log's checkpoint is consistent with the last one cosigned, then cosign it");
  witness->add_option("location", witness_flags->location, "Log directory")->required();
  witness->add_option("--log-key", witness_flags->log_key, "The log's verifier key, or a file")
      ->required();
  witness->add_option("--key", witness_flags->key_file, "The witness's signer key file")
      ->required();
  witness
      ->add_option("--state", witness_flags->state,
                   "The witness's state file (created on first use)")
      ->required();
  witness->add_option("-o,--output", witness_flags->output,
                      "Cosigned checkpoint (default: standard output)");
  witness->callback([&action, witness_flags] {
    action = [witness_flags] { return LogWitness(*witness_flags); };
  });

  auto receipt_flags = std::make_shared<ReceiptFlags>();
  CLI::App* receipt =
      log->add_subcommand("verify-receipt", "Check a receipt offline against the log's key");
  receipt->add_option("file", receipt_flags->file, "Receipt file")->required();
  receipt->add_option("--key", receipt_flags->key, "The log's verifier key, or a file holding it")
      ->required();
  receipt->callback([&action, receipt_flags] {
    action = [receipt_flags] { return LogVerifyReceipt(*receipt_flags); };
  });
}

}  // namespace vigil::cli
