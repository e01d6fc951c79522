// vigil verify-export: checks a court-ready case package offline (docs/formats/case-export.md).
// This file reads the ZIP (libzip); src/cases/export.cc checks what is in it.
#include <zip.h>

#include <cstdio>
#include <map>
#include <memory>

#include "base/secret.h"
#include "cases/export.h"
#include "cli/commands.h"
#include "cli/files.h"
#include "cli/key_files.h"
#include "crypto/age/keys.h"
#include "crypto/age/x25519_recipient.h"

namespace vigil::cli {
namespace {

// What a package may hold in all: a case's evidence, not a disk's worth of compressed zeros.
constexpr std::uint64_t kMaxPackageBytes = 8ull << 30;

struct ExportFlags {
  std::string package, key;
  std::vector<std::string> identity_files;
};

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

Error Unreadable(const std::string& path, const std::string& what) {
  return MakeError(Errc::kInvalidArgument, path + ": " + what);
}

// Every file member of the ZIP at `path`, by name. Refuses encrypted members, repeated names
// and more than kMaxPackageBytes in all; libzip checks each member's CRC as it is read.
Result<std::map<std::string, Bytes>> ReadZip(const std::string& path) {
  int error = 0;
  std::unique_ptr<zip_t, ZipCloser> archive(
      zip_open(path.c_str(), ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!archive) {
    zip_error_t e;
    zip_error_init_with_code(&e, error);
    std::string what = zip_error_strerror(&e);
    zip_error_fini(&e);
    return Unreadable(path, "not a readable ZIP file (" + what + ")");
  }
  std::map<std::string, Bytes> members;
  std::uint64_t total = 0;
  zip_int64_t count = zip_get_num_entries(archive.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    zip_stat_t st;
    if (zip_stat_index(archive.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0)
      return Unreadable(path, "member " + std::to_string(i) + " is unreadable");
    std::string name = st.name ? st.name : "";
    if (!name.empty() && name.back() == '/' && st.size == 0) continue;  // a folder
    if (st.encryption_method != ZIP_EM_NONE) return Unreadable(path, name + " is encrypted");
    total += st.size;
    if (total > kMaxPackageBytes) return Unreadable(path, "larger than 8 GiB unpacked");
    std::unique_ptr<zip_file_t, ZipFileCloser> file(
        zip_fopen_index(archive.get(), static_cast<zip_uint64_t>(i), 0));
    if (!file) return Unreadable(path, name + " cannot be opened");
    Bytes bytes(static_cast<std::size_t>(st.size));
    std::size_t done = 0;
    while (done < bytes.size()) {
      zip_int64_t n = zip_fread(file.get(), bytes.data() + done, bytes.size() - done);
      if (n <= 0) return Unreadable(path, name + " is damaged (its data or CRC)");
      done += static_cast<std::size_t>(n);
    }
    // Read past the end once more, so that libzip checks the CRC of what it gave.
    std::uint8_t extra;
    if (zip_fread(file.get(), &extra, 1) != 0)
      return Unreadable(path, name + " is damaged (its data or CRC)");
    if (!members.emplace(name, std::move(bytes)).second)
      return Unreadable(path, name + " is in the package twice");
  }
  return members;
}

Status VerifyExportCommand(const ExportFlags& flags) {
  VIGIL_ASSIGN_OR_RETURN(translog::VerifierKey key, LoadVerifierKey(flags.key));
  std::vector<age::X25519Identity> owned;
  for (const auto& path : flags.identity_files) {
    VIGIL_ASSIGN_OR_RETURN(std::string text, ReadSmallFile(path));
    auto parsed = age::ParseIdentityFile(text);
    SecureZero(text.data(), text.size());
    if (!parsed) return MakeError(Errc::kInvalidArgument, path + ": " + parsed.error().detail);
    for (auto& id : *parsed) owned.push_back(std::move(id));
  }
  std::vector<const age::Identity*> identities;
  for (const auto& id : owned) identities.push_back(&id);
  VIGIL_ASSIGN_OR_RETURN(auto members, ReadZip(flags.package));
  VIGIL_ASSIGN_OR_RETURN(cases::ExportCheck check, cases::VerifyExport(members, key, identities));
  std::string anchor = check.anchored_at
                           ? "the manifest logged at index " + std::to_string(*check.anchored_at)
                           : "the manifest not anchored (no manifest.receipt)";
  std::printf(
      "verify-export: OK: case %s revision %lld: %zu files (%zu evidence, %s), %zu more log "
      "entries, all under the signed checkpoint of size %llu; %s\n",
      check.case_id.c_str(), static_cast<long long>(check.revision), check.files, check.evidence,
      check.decrypted ? "each the plaintext of its stored ciphertext" : "not decrypted",
      check.entries, static_cast<unsigned long long>(check.checkpoint_size), anchor.c_str());
  return OkStatus();
}

}  // namespace

void RegisterExportCommand(CLI::App& app, Action& action) {
  auto flags = std::make_shared<ExportFlags>();
  CLI::App* verify = app.add_subcommand(
      "verify-export", "Check a court-ready case package offline against the log's key");
  verify->add_option("package", flags->package, "The package (.zip)")->required();
  verify->add_option("--key", flags->key, "The log's verifier key, or a file holding it")
      ->required();
  verify->add_option("-i,--identity", flags->identity_files,
                     "The organisation's age identity FILE: also check that each original is "
                     "the plaintext of its stored ciphertext; repeatable");
  verify->callback([&action, flags] { action = [flags] { return VerifyExportCommand(*flags); }; });
}

}  // namespace vigil::cli
