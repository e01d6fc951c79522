// The court-ready case package and its offline check (docs/formats/case-export.md): a ZIP of
// the original evidence, their stored ciphertexts, a printable summary and a manifest with the
// receipt (inclusion proof and signed checkpoint) of every log entry it relies on. Pure: the
// caller reads the ZIP (src/cli/export_command.cc) and hands over its members.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/bytes.h"
#include "base/error.h"
#include "crypto/age/age.h"
#include "translog/receipt.h"
#include "translog/signed_note.h"

namespace vigil::cases {

inline constexpr std::string_view kExportFormat = "vigil-case-export/v1";
inline constexpr std::string_view kManifestName = "manifest.json";
// The receipt of the custody entry that logged the manifest's SHA-256 (made after the manifest,
// so it cannot be listed in it): anchors the manifest itself in the log.
inline constexpr std::string_view kAnchorName = "manifest.receipt";

// The `case-custody` record of an export (docs/formats/records.md): what the server stores and
// the log commits to when a package is made, and what `VerifyExport` rebuilds to check the anchor.
Bytes ExportCustodyRecord(std::string_view event_id, std::string_view case_id,
                          std::int64_t revision, std::string_view manifest_sha256);

struct ExportCiphertext {
  std::string path;
  std::uint64_t log_index = 0;
  translog::Receipt receipt;
  std::string receipt_text;
};

struct ExportFile {
  std::string path;
  std::string sha256;  // hex
  std::uint64_t size = 0;
  std::optional<ExportCiphertext> ciphertext;  // set for evidence
};

struct ExportEntry {
  std::string kind;  // report, follow_up, reply, case_revision
  std::string id;
  std::uint64_t log_index = 0;
  translog::Receipt receipt;
};

struct ExportManifest {
  std::string case_id;
  std::int64_t revision = 0;
  std::string log_origin;
  std::string checkpoint;  // the signed note, verbatim
  std::vector<ExportFile> files;
  std::vector<ExportEntry> entries;
  std::vector<std::uint64_t> custody_indices;
};

// Strict parse of manifest.json: kInvalidArgument naming the first problem (a field, a member
// name that is not a safe relative path, a receipt that does not parse).
Result<ExportManifest> ParseExportManifest(std::string_view json_text);

// True when `name` is a member name a package may hold: relative, '/'-separated, no '..', no
// backslash, no empty or '.' segment, printable ASCII or UTF-8, at most 255 bytes.
bool IsSafeMemberName(std::string_view name);

struct ExportCheck {
  std::string case_id;
  std::int64_t revision = 0;
  std::size_t files = 0, evidence = 0, entries = 0;
  std::uint64_t checkpoint_size = 0;
  bool decrypted = false;  // every evidence ciphertext opened and matched its original
  std::optional<std::uint64_t> anchored_at;  // log index of the custody entry of the manifest
};

// Checks a whole package (docs/formats/case-export.md, "What vigil verify-export checks"):
// `members` maps each ZIP member name to its bytes. `identities`, when given, are the
// organisation's age identities (every generation, after key rotations). kUnauthenticated for a
// signature or proof that does not verify, kCorrupt for bytes that do not match, kInvalidArgument
// for a malformed package; the detail names the member or entry.
Result<ExportCheck> VerifyExport(const std::map<std::string, Bytes>& members,
                                 const translog::VerifierKey& log_key,
                                 std::span<const age::Identity* const> identities = {});

}  // namespace vigil::cases
